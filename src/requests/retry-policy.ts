import { FrappeNetworkError, FrappeRateLimitError, FrappeServerError } from '../errors';

/** How the SDK retries requests that failed for a transient reason. */
export interface RetryPolicy {
  /** Retries after the first attempt; default 3. */
  retries: number;
  /** Backoff base and cap (full jitter between 0 and the exponential value); default 250 / 4000 ms. */
  minDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is capped to it; default 30 s. */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  minDelayMs: 250,
  maxDelayMs: 4000,
  maxRetryAfterSeconds: 30,
};

/** Methods whose repetition has the effect of one call (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Connection failures that prove the request never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

const RETRYABLE_STATUSES = new Set([502, 503, 504]);

export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * Whether a failed attempt may be repeated. Idempotent requests retry on network errors,
 * 502/503/504 and rate limits. A non-idempotent request (a POST) retries only when the failure
 * proves it was not processed: the connection was refused, or Frappe's rate limiter (which runs
 * before the handler) turned it away. A POST that may have reached the server is never repeated.
 */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof FrappeNetworkError) {
    // An abort is the caller's will; an answer past maxResponseBytes would only come again.
    if (error.reason === 'aborted' || error.reason === 'too_large') return false;
    return idempotent || (error.code !== undefined && NOT_SENT_CODES.has(error.code));
  }
  if (error instanceof FrappeRateLimitError) return true;
  if (error instanceof FrappeServerError)
    return idempotent && error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
  return false;
}

/**
 * How long to wait before retry number `retry` (1-based): the server's `Retry-After` when it gave
 * one (capped), otherwise exponential backoff with full jitter.
 */
export function retryDelayMs(
  error: unknown,
  retry: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  const retryAfter =
    error instanceof FrappeRateLimitError || error instanceof FrappeServerError
      ? error.retryAfterSeconds
      : undefined;
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxRetryAfterSeconds) * 1000;
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}
