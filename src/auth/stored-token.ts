/**
 * The bearer token as the store keeps it: Frappe's token JSON plus what the lifecycle needs.
 */
export interface StoredToken {
  access_token: string;
  token_type: string;
  /** Seconds, as Frappe sent it (always 3600 on Frappe), read as a number and clamped to [0, 86400]. */
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

/**
 * Whether a value is a bearer-token answer: a non-empty `access_token` and `token_type` Bearer
 * (RFC 6750; the type is case-insensitive, RFC 6749 §5.1). Every request sends the token as
 * `Authorization: Bearer …`, so a token of another type (`mac`, `DPoP`, …) could not be used as
 * it was meant to and is refused, not stored. At the token endpoint a refused answer is a
 * FrappeServerError (status 200): the site sent a success the client cannot use, which is the
 * site's fault and not an OAuth error it chose to send. `setToken` refuses it as FrappeInputError,
 * and such a value in the store is unreadable (TokenStoreError).
 */
export function isTokenResponse(value: unknown): value is TokenResponse {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.access_token === 'string' &&
    candidate.access_token !== '' &&
    typeof candidate.token_type === 'string' &&
    candidate.token_type.toLowerCase() === 'bearer'
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

/** `expires_in` when the answer has none, or none that reads as a number: Frappe's own default. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/**
 * The longest lifetime believed. Frappe issues 3600 s; a day is far past any real setting, and a
 * larger value (a misconfigured site, seconds confused with milliseconds) would keep a token the
 * site may already have expired — the SDK then only learns of it from a 401.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** A token lifetime as read from `expires_in`, and why it differs from what was sent, if it does. */
export interface TokenLifetime {
  seconds: number;
  /** Set when the value sent was unreadable or out of range: something worth a log line. */
  adjusted?: string;
}

/**
 * Reads `expires_in` (RFC 6749 §5.1: seconds). A number or a decimal string is taken, in whole
 * seconds, clamped to [0, 86400] (±Infinity too); anything else counts as Frappe's 3600. Never
 * refused: the token itself is good, and a wrong lifetime only makes the refresh come early or
 * late (a late one ends in a 401, which is refreshed and retried).
 */
export function tokenLifetime(expiresIn: unknown): TokenLifetime {
  if (expiresIn === undefined || expiresIn === null) return { seconds: DEFAULT_TOKEN_LIFETIME_SECONDS };
  // Decimal strings only: `Number()` alone would also take '0x10', '' and ' '.
  const value =
    typeof expiresIn === 'number'
      ? expiresIn
      : typeof expiresIn === 'string' && /^\s*[+-]?\d+(?:\.\d+)?\s*$/.test(expiresIn)
        ? Number(expiresIn)
        : Number.NaN;
  if (Number.isNaN(value)) {
    return {
      seconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
      adjusted: `the token answer's expires_in is not a number; assuming ${DEFAULT_TOKEN_LIFETIME_SECONDS} s`,
    };
  }
  const seconds = Math.min(MAX_TOKEN_LIFETIME_SECONDS, Math.max(0, Math.floor(value)));
  if (seconds === Math.floor(value)) return { seconds };
  return {
    seconds,
    adjusted: `the token answer's expires_in (${value} s) is out of range; using ${seconds} s`,
  };
}

/**
 * Builds the stored form of a fresh token response, received at `serverNow` (epoch seconds).
 * `onAdjusted` hears about an `expires_in` that was unreadable or clamped (see tokenLifetime), to
 * log it; a missing one is not reported (RFC 6749 lets a server leave it out).
 */
export function storedTokenFrom(
  response: TokenResponse,
  serverNow: number,
  user?: string,
  onAdjusted?: (message: string) => void,
): StoredToken {
  const lifetime = tokenLifetime(response.expires_in);
  if (lifetime.adjusted !== undefined) onAdjusted?.(lifetime.adjusted);
  const token: StoredToken = {
    access_token: response.access_token,
    token_type: response.token_type,
    expires_in: lifetime.seconds,
    expires_at: Math.floor(serverNow) + lifetime.seconds,
    obtained_at: Math.floor(serverNow),
  };
  // Only strings are kept: a server's `"scope": null` or `"refresh_token": 1` would be stored as a
  // value the store could not read back (and `null.split` would fail deep inside).
  if (typeof response.refresh_token === 'string' && response.refresh_token !== '') {
    token.refresh_token = response.refresh_token;
  }
  if (typeof response.scope === 'string') token.scope = response.scope;
  if (typeof response.id_token === 'string' && response.id_token !== '') token.id_token = response.id_token;
  if (user !== undefined) token.user = user;
  return token;
}
