import { FrappeError, FrappeNetworkError, FrappeRateLimitError, FrappeServerError } from '../errors';
import type { SecretSet } from '../redaction/secret-set';
import type { ObservedError, RetryReason } from './hook-events';

/** An error's message in a hook or a log is cut to this. */
const MAX_ERROR_MESSAGE = 300;

/** An error as hooks and logs show it: class name, reason, and its message scrubbed and cut. */
export function observedError(error: unknown, secrets: SecretSet): ObservedError {
  const name = error instanceof Error ? nameOf(error, secrets) : 'Error';
  const message =
    error instanceof Error ? secrets.truncate(error.message, MAX_ERROR_MESSAGE) : 'non-error value';
  const observed: ObservedError = { name, message };
  if (error instanceof FrappeNetworkError) observed.reason = error.reason;
  return observed;
}

/** The status of the answer an error was built from, if one came. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof FrappeError ? error.status : undefined;
}

/**
 * The `error.type` of the semantic conventions: the status for an HTTP error, the reason of a
 * network failure (`timeout`, `reset`, …), else the error's class name. Low cardinality, no text.
 */
export function errorType(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined && status >= 400) return String(status);
  if (error instanceof FrappeNetworkError) return error.reason;
  return error instanceof Error && /^[A-Za-z_$][\w$]{0,63}$/.test(error.name) ? error.name : '_OTHER';
}

/** Why a retryable failure is retried. */
export function retryReasonOf(error: unknown): RetryReason {
  if (error instanceof FrappeRateLimitError) return 'rate_limited';
  if (error instanceof FrappeServerError) return 'server_error';
  return 'network';
}

/** Whether the wait before a retry is the site's `Retry-After`. */
export function hasRetryAfter(error: unknown): boolean {
  return (
    (error instanceof FrappeRateLimitError || error instanceof FrappeServerError) &&
    error.retryAfterSeconds !== undefined
  );
}

function nameOf(error: Error, secrets: SecretSet): string {
  const name = typeof error.name === 'string' ? error.name : 'Error';
  return secrets.scrub(name) === name ? name.slice(0, 64) : 'Error';
}
