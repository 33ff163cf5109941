import type { RateLimitWindow } from '../responses/rate-limit-headers';
import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';

export interface FrappeRateLimitErrorOptions extends FrappeErrorOptions {
  /** How long the server asked to wait (`Retry-After`), in seconds. */
  retryAfterSeconds?: number;
  /** The limiter's window from the `X-RateLimit-*` headers, when the response carried them. */
  window?: RateLimitWindow;
}

/**
 * Frappe's rate limiter refused the request: HTTP 429 (`TooManyRequestsError`, the site-wide
 * limiter) and the 417 `RateLimitExceededError` of per-endpoint limits (login, password reset, …).
 * Although Frappe makes the latter a ValidationError, it is a rate limit to the caller, so this class
 * extends {@link FrappeError} directly and is not a FrappeValidationError.
 *
 * The site-wide limiter budgets seconds of server time per window: `window` says how much
 * (`limitMicros`), how much was left (`remainingMicros`) and when it resets (`resetSeconds`).
 */
export class FrappeRateLimitError extends FrappeError {
  static {
    defineErrorName(FrappeRateLimitError, 'FrappeRateLimitError');
  }

  /**
   * Seconds to wait before trying again: `Retry-After` (seconds or an HTTP date) if sent, else the
   * window's `X-RateLimit-Reset`.
   */
  readonly retryAfterSeconds: number | undefined;
  /** The limiter's window (`X-RateLimit-Limit`/`-Remaining` in µs, `-Reset` in s), if reported. */
  readonly window: RateLimitWindow | undefined;

  constructor(options: FrappeRateLimitErrorOptions = {}) {
    super({ ...options, status: options.status ?? 429, message: options.message ?? 'Rate limit exceeded' });
    this.window = validWindow(options.window);
    this.retryAfterSeconds = validSeconds(options.retryAfterSeconds) ?? this.window?.resetSeconds;
  }

  override toJSON(): FrappeErrorJson {
    return { ...super.toJSON(), retryAfterSeconds: this.retryAfterSeconds, window: this.window };
  }
}

/** A finite, non-negative number of seconds, or `undefined`. */
export function validSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function validWindow(window: RateLimitWindow | undefined): RateLimitWindow | undefined {
  if (window === null || typeof window !== 'object') return undefined;
  const copy: RateLimitWindow = {
    limitMicros: validSeconds(window.limitMicros),
    remainingMicros: validSeconds(window.remainingMicros),
    resetSeconds: validSeconds(window.resetSeconds),
  };
  return Object.freeze(copy);
}
