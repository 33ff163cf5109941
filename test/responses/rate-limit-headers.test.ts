import { describe, expect, it } from 'vitest';
import { errorFromResponse, FrappeRateLimitError } from '../../src/errors';
import { rateLimitFrom } from '../../src/responses/rate-limit-headers';

describe('rateLimitFrom', () => {
  it("reads Frappe's units: Limit and Remaining in microseconds, Reset in seconds", () => {
    expect(
      rateLimitFrom({
        'X-RateLimit-Limit': '600000000',
        'X-RateLimit-Remaining': '125000',
        'X-RateLimit-Reset': '37',
      }),
    ).toEqual({ limitMicros: 600_000_000, remainingMicros: 125_000, resetSeconds: 37 });
    // fetch Headers, any case.
    const headers = new Headers({
      'x-ratelimit-limit': '1000000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '60',
    });
    expect(rateLimitFrom(headers)).toEqual({ limitMicros: 1_000_000, remainingMicros: 0, resetSeconds: 60 });
  });

  it('no headers: undefined; a header that is not a non-negative integer reads as undefined alone', () => {
    expect(rateLimitFrom({ 'content-type': 'application/json' })).toBeUndefined();
    expect(rateLimitFrom(undefined)).toBeUndefined();
    expect(
      rateLimitFrom({
        'x-ratelimit-limit': '-5',
        'x-ratelimit-remaining': '1.5',
        'x-ratelimit-reset': ' 12 ',
      }),
    ).toEqual({ limitMicros: undefined, remainingMicros: undefined, resetSeconds: 12 });
    expect(rateLimitFrom({ 'x-ratelimit-limit': '99999999999999999999' })).toBeUndefined();
  });
});

describe('FrappeRateLimitError from a 429', () => {
  const headers = {
    'content-type': 'application/json',
    'retry-after': '37',
    'x-ratelimit-limit': '600000000',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': '37',
  };

  it('carries retryAfterSeconds and the window', () => {
    const error = errorFromResponse({ status: 429, headers, body: { exc_type: 'TooManyRequestsError' } });
    expect(error).toBeInstanceOf(FrappeRateLimitError);
    const limited = error as FrappeRateLimitError;
    expect(limited.retryAfterSeconds).toBe(37);
    expect(limited.window).toEqual({ limitMicros: 600_000_000, remainingMicros: 0, resetSeconds: 37 });
    expect(JSON.parse(JSON.stringify(limited))).toMatchObject({
      retryAfterSeconds: 37,
      window: { resetSeconds: 37 },
    });
  });

  it('without Retry-After, the wait is the window reset', () => {
    const { 'retry-after': _, ...withoutRetryAfter } = headers;
    const error = errorFromResponse({
      status: 429,
      headers: withoutRetryAfter,
      body: {},
    }) as FrappeRateLimitError;
    expect(error.retryAfterSeconds).toBe(37);
  });

  it('the per-endpoint 417 RateLimitExceededError has no window', () => {
    const error = errorFromResponse({
      status: 417,
      headers: { 'content-type': 'application/json' },
      body: { exc_type: 'RateLimitExceededError' },
    }) as FrappeRateLimitError;
    expect(error).toBeInstanceOf(FrappeRateLimitError);
    expect(error.window).toBeUndefined();
    expect(error.retryAfterSeconds).toBeUndefined();
  });
});
