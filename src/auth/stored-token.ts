/**
 * The bearer token as the store keeps it: Frappe's token JSON plus what the lifecycle needs.
 */
export interface StoredToken {
  access_token: string;
  token_type: string;
  /** Seconds, as Frappe sent it (always 3600 on Frappe). */
  expires_in?: number;
  refresh_token?: string;
  /** Space-separated granted scopes. */
  scope?: string;
  id_token?: string;
  /** Epoch seconds, in the server's time, at which the access token expires. */
  expires_at: number;
  /** Epoch seconds (server time) at which this token was received or imported. */
  obtained_at?: number;
  /**
   * The Frappe user this token belongs to (the `email` claim of openid_profile / id_token),
   * pinned on first validation. A refresh that yields another user is refused.
   */
  user?: string;
}

/** Frappe's token endpoint answer (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number | string;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
}

export function isTokenResponse(value: unknown): value is TokenResponse {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.access_token === 'string' &&
    candidate.access_token !== '' &&
    typeof candidate.token_type === 'string'
  );
}

/**
 * Reads a stored value; anything that is not a token yields undefined so the caller can report it
 * (a stored value is never silently overwritten).
 */
export function readStoredToken(value: unknown): StoredToken | undefined {
  if (!isTokenResponse(value)) return undefined;
  const candidate = value as unknown as Record<string, unknown>;
  if (typeof candidate.expires_at !== 'number' || !Number.isFinite(candidate.expires_at)) return undefined;
  for (const key of ['refresh_token', 'scope', 'id_token', 'user'] as const) {
    if (candidate[key] !== undefined && typeof candidate[key] !== 'string') return undefined;
  }
  return value as unknown as StoredToken;
}

/** Builds the stored form of a fresh token response, received at `serverNow` (epoch seconds). */
export function storedTokenFrom(response: TokenResponse, serverNow: number, user?: string): StoredToken {
  const expiresIn = Number(response.expires_in ?? 3600);
  const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600;
  const token: StoredToken = {
    access_token: response.access_token,
    token_type: response.token_type,
    expires_in: lifetime,
    expires_at: Math.floor(serverNow) + lifetime,
    obtained_at: Math.floor(serverNow),
  };
  if (response.refresh_token) token.refresh_token = response.refresh_token;
  if (response.scope !== undefined) token.scope = response.scope;
  if (response.id_token) token.id_token = response.id_token;
  if (user !== undefined) token.user = user;
  return token;
}
