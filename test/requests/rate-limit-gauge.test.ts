import { describe, expect, it } from 'vitest';
import { RateLimitGauge } from '../../src/requests/rate-limit-gauge';

const window = (limit: number, remaining: number, reset: number) => ({
  'x-ratelimit-limit': String(limit),
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(reset),
});

describe('RateLimitGauge', () => {
  it('no window seen, or no limiter: no wait', () => {
    const gauge = new RateLimitGauge(() => 0);
    expect(gauge.waitMs()).toBe(0);
    gauge.observe({ 'content-type': 'application/json' });
    expect(gauge.waitMs()).toBe(0);
  });

  it('waits for the reset once Remaining is below what the last request cost', () => {
    let now = 1_000;
    const gauge = new RateLimitGauge(() => now);
    gauge.observe(window(1_000_000, 1_000_000, 10)); // first request: cost unknown, 10% margin
    expect(gauge.waitMs()).toBe(0);
    gauge.observe(window(1_000_000, 600_000, 10)); // it cost 0.4 s
    expect(gauge.waitMs()).toBe(0);
    now += 2_000;
    gauge.observe(window(1_000_000, 200_000, 8)); // 0.2 s left < 0.4 s: the next one would pass the limit
    expect(gauge.waitMs()).toBe(8_000);
    now += 3_000;
    expect(gauge.waitMs()).toBe(5_000);
    now += 5_000;
    expect(gauge.waitMs()).toBe(0); // the window has reset
  });

  it('until a cost is known, a tenth of the budget is the margin; a 429 (nothing left) waits', () => {
    const gauge = new RateLimitGauge(() => 0);
    gauge.observe(window(1_000_000, 150_000, 4));
    expect(gauge.waitMs()).toBe(0);
    gauge.observe(window(2_000_000, 0, 4));
    expect(gauge.waitMs()).toBe(4_000);
  });

  it('a new window does not count as a cost', () => {
    let now = 0;
    const gauge = new RateLimitGauge(() => now);
    gauge.observe(window(1_000_000, 900_000, 1));
    now += 1_000;
    gauge.observe(window(1_000_000, 1_000_000, 60)); // next window, full again
    gauge.observe(window(1_000_000, 950_000, 60));
    expect(gauge.waitMs()).toBe(0);
    gauge.observe(window(1_000_000, 40_000, 60)); // cost 0.91 s now known; 0.04 s left
    expect(gauge.waitMs()).toBe(60_000);
  });
});
