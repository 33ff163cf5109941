import {
  errorFromResponse,
  FrappeError,
  FrappeNetworkError,
  FrappeOAuthError,
  FrappeServerError,
} from '../errors';
import type { HttpTransport, SendOptions } from '../transport/http-transport';
import type { TransportResponse } from '../transport/transport';
import { OAUTH_MAX_RESPONSE_BYTES } from './frappe-endpoints';
import { isTokenResponse, type TokenResponse } from './stored-token';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string | undefined;
}

/**
 * Calls Frappe's token endpoint. Credentials go in the form body (client_secret_post): HTTP Basic
 * is parsed as an API key on v14/v15 and fails with 401 there (reference §2.3).
 *
 * The call goes through the SDK's own transport rather than openid-client's grant helpers: those
 * reject Administrator's id_token (`sub: null`), and Frappe answers refused refresh tokens with
 * Frappe errors (403/404) rather than OAuth JSON, which needs the SDK's error mapping.
 */
export class TokenEndpoint {
  constructor(
    private readonly transport: HttpTransport,
    private readonly tokenPath: string,
    private readonly credentials: ClientCredentials,
  ) {}

  authorizationCode(
    code: string,
    redirectUri: string,
    codeVerifier: string,
    options?: SendOptions,
  ): Promise<TokenAnswer> {
    return this.grant(
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier },
      options,
    );
  }

  refresh(refreshToken: string, options?: SendOptions): Promise<TokenAnswer> {
    return this.grant({ grant_type: 'refresh_token', refresh_token: refreshToken }, options);
  }

  password(username: string, password: string, scope: string, options?: SendOptions): Promise<TokenAnswer> {
    return this.grant({ grant_type: 'password', username, password, scope }, options);
  }

  private async grant(params: Record<string, string>, options?: SendOptions): Promise<TokenAnswer> {
    const body = new URLSearchParams(params);
    body.set('client_id', this.credentials.clientId);
    if (this.credentials.clientSecret) body.set('client_secret', this.credentials.clientSecret);
    const response = await this.transport.send(
      {
        method: 'POST',
        url: this.tokenPath,
        data: body.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        maxResponseBytes: OAUTH_MAX_RESPONSE_BYTES,
      },
      options,
    );
    if (response.status === 200) {
      const parsed = parseJson(response.data);
      if (isTokenResponse(parsed)) return { body: parsed, serverTime: dateOf(response) };
      throw new FrappeServerError({
        message: `the token endpoint answered 200 without a bearer token (${params.grant_type} grant)`,
        status: 200,
      });
    }
    throw errorFromResponse({
      status: response.status,
      headers: response.headers as Record<string, unknown>,
      body: response.data,
      method: 'POST',
      url: this.tokenPath,
      // Frappe's error texts quote what they could not find, e.g. "OAuth Bearer Token <token> not found".
      redact: [
        ...Object.values(params),
        ...(this.credentials.clientSecret ? [this.credentials.clientSecret] : []),
      ],
    });
  }
}

/**
 * A token endpoint answer: the token JSON, and the server's time when it issued it (from the
 * answer's `Date` header), so the expiry is counted from the moment the server counts it from,
 * not from this process's (smoothed, possibly lagging) estimate of the server's clock.
 */
export interface TokenAnswer {
  body: TokenResponse;
  /** Epoch seconds, or undefined without a usable `Date` header. */
  serverTime: number | undefined;
}

function dateOf(response: TransportResponse): number | undefined {
  const header = response.headers.date;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** How a failed grant should be handled. */
export type GrantFailure = 'retryable' | 'refused' | 'fatal';

/**
 * Network errors, 5xx and 429 are worth retrying; `invalid_grant`, `invalid_client` and the
 * 403/404 Frappe errors that v14/v15 sites return for unknown or revoked refresh tokens (§2.3) are
 * refusals of the grant; the rest (a misconfigured site) retrying would not fix.
 */
export function classifyGrantFailure(error: unknown): GrantFailure {
  if (error instanceof FrappeNetworkError || error instanceof FrappeServerError) return 'retryable';
  if (error instanceof FrappeError && error.status === 429) return 'retryable';
  // invalid_client: the client secret was rotated at the site; no retry can fix that, and every
  // attempt would only be refused again.
  if (error instanceof FrappeOAuthError)
    return error.error === 'invalid_grant' || error.error === 'invalid_client' ? 'refused' : 'fatal';
  if (error instanceof FrappeError && (error.status === 403 || error.status === 404)) return 'refused';
  return 'fatal';
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
