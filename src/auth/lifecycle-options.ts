/** Receives redacted log lines only; any of the four methods may be omitted (console works). */
export interface FrappeLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/**
 * How a refresh that failed for a transient reason (network, 5xx, 429) is retried: the words of
 * the REST `retry` policy, without `Retry-After` (the token endpoint's answers are not paced).
 */
export interface RefreshRetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** The first backoff, doubled per retry (jittered) up to `maxDelayMs`. */
  minDelayMs: number;
  maxDelayMs: number;
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
  refreshRetry: RefreshRetryPolicy;
  refreshCooldownSeconds: number;
  pendingAuthorizationTtlSeconds: number;
  clock: () => number;
}
