import { oauthToken } from '../core/random';

/** One `OAuth Bearer Token` row: an access token and its refresh token share it (§3.4). */
export interface BearerTokenRow {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly clientId: string;
  readonly user: string;
  readonly scopes: string[];
  /** Server-clock milliseconds. */
  readonly createdAtMs: number;
  readonly expiresIn: number;
  status: 'Active' | 'Revoked';
  /** Set by the `expireToken` control: expired from now on, whatever the clock says. */
  forcedExpired: boolean;
}

/** One `OAuth Authorization Code` row (§2.1). */
export interface AuthorizationCodeRow {
  readonly code: string;
  readonly clientId: string;
  readonly user: string;
  readonly scopes: string[];
  readonly redirectUri: string;
  readonly nonce: string | undefined;
  readonly codeChallenge: string | undefined;
  /** Lower-cased, as Frappe stores it. */
  readonly codeChallengeMethod: string | undefined;
  validity: 'Valid' | 'Invalid';
}

export class TokenRegistry {
  private readonly byAccess = new Map<string, BearerTokenRow>();
  private readonly byRefresh = new Map<string, BearerTokenRow>();
  private readonly codes = new Map<string, AuthorizationCodeRow>();
  private readonly issued: BearerTokenRow[] = [];

  issue(
    fields: Pick<BearerTokenRow, 'clientId' | 'user' | 'scopes' | 'createdAtMs' | 'expiresIn'>,
  ): BearerTokenRow {
    const row: BearerTokenRow = {
      ...fields,
      accessToken: oauthToken(),
      refreshToken: oauthToken(),
      status: 'Active',
      forcedExpired: false,
    };
    this.byAccess.set(row.accessToken, row);
    this.byRefresh.set(row.refreshToken, row);
    this.issued.push(row);
    return row;
  }

  byAccessToken(token: string): BearerTokenRow | undefined {
    return this.byAccess.get(token);
  }

  byRefreshToken(token: string): BearerTokenRow | undefined {
    return this.byRefresh.get(token);
  }

  /** Frappe's validity test on use: not revoked, not forced expired, now < creation + expires_in. */
  isUsable(row: BearerTokenRow, nowMs: number): boolean {
    return row.status === 'Active' && !row.forcedExpired && nowMs < row.createdAtMs + row.expiresIn * 1000;
  }

  all(): readonly BearerTokenRow[] {
    return this.issued;
  }

  saveCode(row: Omit<AuthorizationCodeRow, 'code' | 'validity'>): AuthorizationCodeRow {
    const saved: AuthorizationCodeRow = { ...row, code: oauthToken(), validity: 'Valid' };
    this.codes.set(saved.code, saved);
    return saved;
  }

  code(code: string): AuthorizationCodeRow | undefined {
    return this.codes.get(code);
  }

  deleteCode(code: string): void {
    this.codes.delete(code);
  }

  /** Drops every authorization code of a client (its row is being deleted). */
  deleteCodesOf(clientId: string): void {
    for (const [code, row] of this.codes) if (row.clientId === clientId) this.codes.delete(code);
  }
}
