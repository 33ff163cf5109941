import type { RefreshRetryPolicy } from './auth/lifecycle-options';
import { nonNegative, optionalObject, refuse } from './option-checks';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './requests/retry-policy';

/** The `refreshRetry` option as users may write it: the `retry` words, or the deprecated ones. */
export interface RefreshRetryInput {
  retries?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** @deprecated the old name of `minDelayMs` (still read; warns once per process). */
  minTimeoutMs?: number;
  /** @deprecated the old name of `maxDelayMs` (still read; warns once per process). */
  maxTimeoutMs?: number;
}

export const DEFAULT_REFRESH_RETRY: RefreshRetryPolicy = { retries: 3, minDelayMs: 200, maxDelayMs: 2000 };

/** The code of the warning for `refreshRetry.minTimeoutMs` / `maxTimeoutMs` (see the CHANGELOG). */
export const REFRESH_RETRY_DEPRECATION = 'FRAPPE_OAUTH_DEP001';

let deprecationWarned = false;

/** One warning per process, however many clients use the old names: a hint, not a log line per client. */
function warnDeprecatedOnce(): void {
  if (deprecationWarned) return;
  deprecationWarned = true;
  process.emitWarning(
    'refreshRetry.minTimeoutMs and refreshRetry.maxTimeoutMs are deprecated: use refreshRetry.minDelayMs and refreshRetry.maxDelayMs, the words of the retry option',
    { type: 'DeprecationWarning', code: REFRESH_RETRY_DEPRECATION },
  );
}

export function resolveRetry(value: unknown): RetryPolicy {
  const retry = optionalObject<RetryPolicy>(value, 'retry');
  if (retry === undefined) return DEFAULT_RETRY_POLICY;
  return {
    retries: nonNegative(retry.retries, DEFAULT_RETRY_POLICY.retries, 'retry.retries'),
    minDelayMs: nonNegative(retry.minDelayMs, DEFAULT_RETRY_POLICY.minDelayMs, 'retry.minDelayMs'),
    maxDelayMs: nonNegative(retry.maxDelayMs, DEFAULT_RETRY_POLICY.maxDelayMs, 'retry.maxDelayMs'),
    maxRetryAfterSeconds: nonNegative(
      retry.maxRetryAfterSeconds,
      DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      'retry.maxRetryAfterSeconds',
    ),
  };
}

export function resolveRefreshRetry(value: unknown): RefreshRetryPolicy {
  const retry = optionalObject<RefreshRetryInput>(value, 'refreshRetry');
  if (retry === undefined) return DEFAULT_REFRESH_RETRY;
  return {
    retries: nonNegative(retry.retries, DEFAULT_REFRESH_RETRY.retries, 'refreshRetry.retries'),
    minDelayMs: renamed(retry, 'minDelayMs', 'minTimeoutMs', DEFAULT_REFRESH_RETRY.minDelayMs),
    maxDelayMs: renamed(retry, 'maxDelayMs', 'maxTimeoutMs', DEFAULT_REFRESH_RETRY.maxDelayMs),
  };
}

/**
 * A setting that has a new name and a deprecated one: either is read (the error names the one
 * given), both at once are refused, since which should win would be a guess.
 */
function renamed(
  retry: Partial<RefreshRetryInput>,
  name: 'minDelayMs' | 'maxDelayMs',
  oldName: 'minTimeoutMs' | 'maxTimeoutMs',
  fallback: number,
): number {
  const current = retry[name];
  const old = retry[oldName];
  if (old === undefined) return nonNegative(current, fallback, `refreshRetry.${name}`);
  if (current !== undefined) {
    refuse(
      `refreshRetry.${name} and refreshRetry.${oldName} are one setting (${oldName} is its deprecated name): give only ${name}`,
    );
  }
  const resolved = nonNegative(old, fallback, `refreshRetry.${oldName}`);
  warnDeprecatedOnce();
  return resolved;
}
