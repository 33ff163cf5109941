import { EmulatorResponse } from '../core/response';
import type { Site } from '../site';
import type { EmulatorClient } from '../state/clients';
import type { BearerTokenRow } from '../state/tokens';
import { signIdToken } from './id-token';

/** `save_bearer_token`: a new `OAuth Bearer Token` row, expiring `tokenLifetimeSeconds` from now. */
export function issueTokenRow(site: Site, clientId: string, user: string, scopes: string[]): BearerTokenRow {
  return site.tokens.issue({
    clientId,
    user,
    scopes: [...scopes],
    createdAtMs: site.clock.nowMs(),
    expiresIn: site.tokenLifetimeSeconds,
  });
}

export interface TokenResponseOptions {
  /** Issue an id_token (OIDC grants, when `openid` is among the granted scopes). */
  idToken: boolean;
  nonce?: string | undefined;
  /** oauthlib copies a `state` sent to the token endpoint into the response. */
  state?: string | undefined;
}

/**
 * oauthlib's `BearerToken.create_token` body, bare (not wrapped in `message`), in its key order:
 * access_token, expires_in, token_type, scope, refresh_token, then id_token from the OIDC token
 * modifier. No `Cache-Control: no-store` of its own (Frappe discards oauthlib's headers).
 */
export function tokenResponse(
  site: Site,
  client: EmulatorClient,
  row: BearerTokenRow,
  options: TokenResponseOptions,
): EmulatorResponse {
  const body: Record<string, unknown> = {
    access_token: row.accessToken,
    expires_in: row.expiresIn,
    token_type: 'Bearer',
    scope: row.scopes.join(' '),
    refresh_token: row.refreshToken,
  };
  if (options.state !== undefined) body.state = options.state;
  if (options.idToken && row.scopes.includes('openid')) {
    body.id_token = signIdToken(site, {
      client,
      user: row.user,
      accessToken: row.accessToken,
      expiresIn: row.expiresIn,
      nonce: options.nonce,
    });
  }
  return EmulatorResponse.json(200, body);
}
