/** What happened to a token. */
export type TokenEventType =
  | 'loaded'
  | 'validated'
  | 'stored'
  | 'refresh_started'
  | 'refreshed'
  | 'refresh_failed'
  | 'authorization_required'
  | 'revoked'
  | 'deleted';

/**
 * The payload of `client.on('token', …)`. It carries a fingerprint (a hash prefix) of the access
 * token, never the token itself.
 */
export interface TokenEvent {
  type: TokenEventType;
  tokenKey: string;
  /** First 8 hex characters of SHA-256(access_token). */
  fingerprint?: string;
  /** Epoch seconds (server time) at which the access token expires. */
  expiresAt?: number;
  /** The pinned Frappe user. */
  user?: string;
  /** For failures: the error's class name and message (which never carry secrets). */
  error?: { name: string; message: string };
}

export type TokenEventListener = (event: TokenEvent) => void;
