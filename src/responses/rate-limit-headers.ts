import { type HeaderSource, readHeader } from './headers';

/**
 * Frappe's rate-limit window as its limiter reports it on every response while it is on
 * (`frappe/rate_limiter.py` `RateLimiter.headers`). The limiter budgets server time, not
 * requests, and the units differ per header: the budget and what is left are microseconds of
 * server time, the reset is seconds.
 */
export interface RateLimitWindow {
  /** `X-RateLimit-Limit`: server time allowed per window, in microseconds. */
  limitMicros: number | undefined;
  /**
   * `X-RateLimit-Remaining`: microseconds left in the window, counted when the request started
   * (so without that request's own time).
   */
  remainingMicros: number | undefined;
  /** `X-RateLimit-Reset`: seconds until the window ends and the counter starts again. */
  resetSeconds: number | undefined;
}

/**
 * The `X-RateLimit-*` headers of a response, in Frappe's units, or `undefined` when it carries
 * none of them (the limiter is off). A header that is not a non-negative integer reads as
 * `undefined`; the others are still used.
 */
export function rateLimitFrom(headers: HeaderSource | undefined): RateLimitWindow | undefined {
  const limitMicros = nonNegativeInteger(readHeader(headers, 'x-ratelimit-limit'));
  const remainingMicros = nonNegativeInteger(readHeader(headers, 'x-ratelimit-remaining'));
  const resetSeconds = nonNegativeInteger(readHeader(headers, 'x-ratelimit-reset'));
  if (limitMicros === undefined && remainingMicros === undefined && resetSeconds === undefined)
    return undefined;
  return { limitMicros, remainingMicros, resetSeconds };
}

function nonNegativeInteger(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : undefined;
}
