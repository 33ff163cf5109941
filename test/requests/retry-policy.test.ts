import { describe, expect, it } from 'vitest';
import {
  FrappeNetworkError,
  FrappePermissionError,
  FrappeRateLimitError,
  FrappeServerError,
  FrappeValidationError,
} from '../../src';
import {
  DEFAULT_RETRY_POLICY,
  isIdempotentMethod,
  isRetryable,
  retryDelayMs,
} from '../../src/requests/retry-policy';

describe('retry policy', () => {
  it('knows the idempotent methods', () => {
    expect(['GET', 'head', 'PUT', 'DELETE', 'OPTIONS'].every(isIdempotentMethod)).toBe(true);
    expect(isIdempotentMethod('POST')).toBe(false);
    expect(isIdempotentMethod('PATCH')).toBe(false);
  });

  it('retries idempotent requests on network errors, 502/503/504 and rate limits', () => {
    expect(isRetryable(new FrappeNetworkError({ reason: 'connection', code: 'ECONNRESET' }), true)).toBe(
      true,
    );
    expect(isRetryable(new FrappeNetworkError({ reason: 'timeout' }), true)).toBe(true);
    for (const status of [502, 503, 504])
      expect(isRetryable(new FrappeServerError({ status }), true)).toBe(true);
    expect(isRetryable(new FrappeServerError({ status: 500 }), true)).toBe(false);
    expect(isRetryable(new FrappeRateLimitError({ status: 429 }), true)).toBe(true);
    expect(isRetryable(new FrappePermissionError({ status: 403 }), true)).toBe(false);
    expect(isRetryable(new FrappeValidationError({ status: 417 }), true)).toBe(false);
  });

  it('never retries an abort', () => {
    expect(isRetryable(new FrappeNetworkError({ reason: 'aborted' }), true)).toBe(false);
  });

  it('retries a POST only when it provably was not processed', () => {
    expect(isRetryable(new FrappeNetworkError({ reason: 'connection', code: 'ECONNRESET' }), false)).toBe(
      false,
    );
    expect(isRetryable(new FrappeNetworkError({ reason: 'timeout' }), false)).toBe(false);
    expect(isRetryable(new FrappeServerError({ status: 502 }), false)).toBe(false);
    expect(isRetryable(new FrappeNetworkError({ reason: 'connection', code: 'ECONNREFUSED' }), false)).toBe(
      true,
    );
    expect(isRetryable(new FrappeRateLimitError({ status: 429 }), false)).toBe(true);
  });

  it('waits Retry-After (capped), else full-jitter exponential backoff', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, minDelayMs: 100, maxDelayMs: 1000, maxRetryAfterSeconds: 5 };
    expect(
      retryDelayMs(new FrappeRateLimitError({ status: 429, retryAfterSeconds: 2 }), 1, policy, () => 0.5),
    ).toBe(2000);
    expect(
      retryDelayMs(new FrappeRateLimitError({ status: 429, retryAfterSeconds: 600 }), 1, policy, () => 0.5),
    ).toBe(5000);
    expect(retryDelayMs(new FrappeServerError({ status: 503 }), 1, policy, () => 1)).toBe(100);
    expect(retryDelayMs(new FrappeServerError({ status: 503 }), 3, policy, () => 1)).toBe(400);
    expect(retryDelayMs(new FrappeServerError({ status: 503 }), 10, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(new FrappeServerError({ status: 503 }), 10, policy, () => 0)).toBe(0);
  });
});
