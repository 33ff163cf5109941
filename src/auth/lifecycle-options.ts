/** Receives redacted log lines only; any of the four methods may be omitted (console works). */
export interface FrappeLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/**
 * The settings the token lifecycle works with, after defaults and validation. The client's
 * resolved options satisfy this; the lifecycle sees nothing else of them.
 */
export interface LifecycleOptions {
  clientId: string;
  clientSecret: string | undefined;
  refreshMarginSeconds: number;
  /** Per-request timeout, and the default deadline of a public call. */
  timeoutMs: number;
  /** The deadline of one store operation (bounded further by what is left of the call). */
  storeTimeoutMs: number;
  logger: FrappeLogger;
  revokeSupersededTokens: boolean;
  importedTokenLifetimeSeconds: number;
  refreshRetry: { retries: number; minTimeoutMs: number; maxTimeoutMs: number };
  refreshCooldownSeconds: number;
  pendingAuthorizationTtlSeconds: number;
  clock: () => number;
}
