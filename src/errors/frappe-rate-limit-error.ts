import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';

export interface FrappeRateLimitErrorOptions extends FrappeErrorOptions {
  /** How long the server asked to wait (`Retry-After`), in seconds. */
  retryAfterSeconds?: number;
}

/**
 * Frappe's rate limiter refused the request: HTTP 429 (`TooManyRequestsError`, the site-wide
 * limiter) and the 417 `RateLimitExceededError` of per-endpoint limits (login, password reset, …).
 * Although Frappe makes the latter a ValidationError, it is a rate limit to the caller, so this class
 * extends {@link FrappeError} directly and is not a FrappeValidationError.
 */
export class FrappeRateLimitError extends FrappeError {
  static {
    defineErrorName(FrappeRateLimitError, 'FrappeRateLimitError');
  }

  /** Seconds to wait before trying again, from `Retry-After` (seconds or an HTTP date), if sent. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: FrappeRateLimitErrorOptions = {}) {
    super({ ...options, status: options.status ?? 429, message: options.message ?? 'Rate limit exceeded' });
    this.retryAfterSeconds = validSeconds(options.retryAfterSeconds);
  }

  override toJSON(): FrappeErrorJson {
    return { ...super.toJSON(), retryAfterSeconds: this.retryAfterSeconds };
  }
}

/** A finite, non-negative number of seconds, or `undefined`. */
export function validSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
