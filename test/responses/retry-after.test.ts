import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/responses/retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it.each([
    ['120', 120],
    [' 5 ', 5],
    ['0', 0],
    ['1.2', 2],
    [['9', '3'], 9],
    [4, 4],
  ])('reads delta-seconds %j → %i', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:01:05 GMT', now)).toBe(65);
  });

  it('never gives a negative wait for a past date', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, null, '', '-1', 'soon', '12abc', 'NaN', -3, Number.POSITIVE_INFINITY, {}])(
    'gives undefined for %j',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );
});
