import { describe, expect, it } from 'vitest';
import { RateLimitGauge } from '../../src/requests/rate-limit-gauge';

const window = (limit: number, remaining: number, reset: number) => ({
  'x-ratelimit-limit': String(limit),
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(reset),
});

/** One paced request: asked, sent, answered with these headers. */
function paced(gauge: RateLimitGauge, headers: Record<string, string>): number {
  const wait = gauge.waitMs();
  if (wait === 0) gauge.observe(headers, gauge.begin());
  return wait;
}

/** A paced request let through and sent, its answer not back yet. */
function sendIfRoom(gauge: RateLimitGauge): number {
  const wait = gauge.waitMs();
  if (wait === 0) gauge.begin();
  return wait;
}

describe('RateLimitGauge', () => {
  it('no window seen, or no limiter: no wait', () => {
    const gauge = new RateLimitGauge(() => 0);
    expect(gauge.waitMs()).toBe(0);
    gauge.observe({ 'content-type': 'application/json' }, gauge.begin());
    expect(gauge.waitMs()).toBe(0);
  });

  it('one caller: as many requests as the window admits, then a wait for the reset', () => {
    let now = 1_000;
    const gauge = new RateLimitGauge(() => now);
    // 2 s per window, 0.5 s a request: Frappe admits those starting at 0, 0.5, 1, 1.5 and 2 s spent.
    expect(paced(gauge, window(2_000_000, 2_000_000, 10))).toBe(0);
    expect(paced(gauge, window(2_000_000, 1_500_000, 10))).toBe(0);
    expect(paced(gauge, window(2_000_000, 1_000_000, 10))).toBe(0);
    expect(paced(gauge, window(2_000_000, 500_000, 10))).toBe(0);
    expect(paced(gauge, window(2_000_000, 0, 10))).toBe(0);
    expect(gauge.waitMs()).toBe(10_000);
    now += 4_000;
    expect(gauge.waitMs()).toBe(6_000);
    now += 6_000;
    expect(gauge.waitMs()).toBe(0); // the window has reset
  });

  it('requests in flight count: callers at once do not all spend the same room', () => {
    const gauge = new RateLimitGauge(() => 0);
    gauge.observe(window(2_000_000, 2_000_000, 10), gauge.begin());
    gauge.observe(window(2_000_000, 1_500_000, 10), gauge.begin()); // a request costs 0.5 s
    // 1.5 s left at its start, less its own 0.5 s: three more start at 1, 1.5 and 2 s spent (Frappe
    // refuses only over the limit), the fourth would start at 2.5 s.
    expect([sendIfRoom(gauge), sendIfRoom(gauge), sendIfRoom(gauge), sendIfRoom(gauge)]).toEqual([
      0, 0, 0, 10_000,
    ]);
    // Unpaced requests (a retry) count too.
    const other = new RateLimitGauge(() => 0);
    other.observe(window(2_000_000, 2_000_000, 10), other.begin());
    other.observe(window(2_000_000, 1_500_000, 10), other.begin());
    other.begin();
    other.begin();
    other.begin();
    expect(other.waitMs()).toBe(10_000);
  });

  it('a request sent earlier but still unanswered counts: it may reach the site after a later one', () => {
    const gauge = new RateLimitGauge(() => 0);
    gauge.observe(window(2_000_000, 2_000_000, 10), gauge.begin());
    gauge.observe(window(2_000_000, 1_500_000, 10), gauge.begin()); // 0.5 s a request
    const slow = gauge.begin(); // #3, still on its way
    gauge.observe(window(2_000_000, 1_000_000, 10), gauge.begin()); // #4 got there first
    // 1 s left at #4's start, less #4 and #3: nothing left for another.
    expect(gauge.waitMs()).toBe(0);
    gauge.begin(); // #5
    expect(gauge.waitMs()).toBe(10_000);
    // A pair further apart than one request gives no lower cost than the one known.
    gauge.observe(window(2_000_000, 500_000, 10), slow);
    expect(gauge.waitMs()).toBe(10_000);
  });

  it('a request that failed without an answer is no longer in flight', () => {
    const gauge = new RateLimitGauge(() => 0);
    gauge.observe(window(2_000_000, 2_000_000, 10), gauge.begin());
    gauge.observe(window(2_000_000, 1_500_000, 10), gauge.begin()); // 0.5 s a request
    const lost = gauge.begin();
    gauge.observe(window(2_000_000, 1_000_000, 10), gauge.begin());
    gauge.begin();
    expect(gauge.waitMs()).toBe(10_000); // 1 s less the lost one, the reporter and the last: < 0
    gauge.end(lost); // a connection error: whatever it cost, it is not on its way any more
    expect(gauge.waitMs()).toBe(0);
  });

  it('an answer arriving late never raises what is left', () => {
    const gauge = new RateLimitGauge(() => 0);
    const first = gauge.begin();
    const second = gauge.begin();
    gauge.observe(window(1_000_000, 50_000, 10), second); // below the first guess of 0.1 s
    gauge.observe(window(1_000_000, 1_000_000, 10), first);
    expect(gauge.waitMs()).toBe(10_000);
  });

  it('a 429 (nothing left) waits for the reset; a new window does not count as a cost', () => {
    let now = 0;
    const gauge = new RateLimitGauge(() => now);
    gauge.observe(window(1_000_000, 0, 4), gauge.begin());
    expect(gauge.waitMs()).toBe(4_000);
    now += 4_000;
    expect(paced(gauge, window(1_000_000, 1_000_000, 60))).toBe(0); // next window, full again
    expect(paced(gauge, window(1_000_000, 950_000, 60))).toBe(0); // 0.05 s a request
    expect(paced(gauge, window(1_000_000, 40_000, 60))).toBe(0); // 0.91 s: 0.04 s left
    expect(gauge.waitMs()).toBe(60_000);
  });
});
