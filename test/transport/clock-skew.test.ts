import { describe, expect, it } from 'vitest';
import { ClockSkew } from '../../src/transport/clock-skew';

/** Feeds `count` responses whose Date is `offsetMs` from local time, each exchange 100 ms long. */
function feed(skew: ClockSkew, local: number, offsetMs: number, count = ClockSkew.AGREEING): void {
  for (let i = 0; i < count; i++)
    skew.observe(new Date(local + offsetMs).toUTCString(), local - 50, local + 50);
}

describe('ClockSkew', () => {
  const local = 1_800_000_000_000;

  it('ignores differences inside the Date header resolution', () => {
    const skew = new ClockSkew(() => local);
    feed(skew, local, 800);
    expect(skew.offset).toBe(0);
  });

  it('estimates a server that runs ahead or behind, from the midpoint of the exchange', () => {
    const skew = new ClockSkew(() => local);
    for (let i = 0; i < ClockSkew.AGREEING; i++) {
      skew.observe(new Date(local + 120_000).toUTCString(), local - 100, local + 100);
    }
    expect(skew.offset).toBeGreaterThan(119_000);
    expect(skew.offset).toBeLessThan(121_000);
    expect(skew.serverNowSeconds()).toBeCloseTo((local + skew.offset) / 1000, 5);
    feed(skew, local, -60_000);
    expect(skew.offset).toBeLessThan(-59_000);
  });

  it('keeps its estimate when the header is missing or unreadable', () => {
    const skew = new ClockSkew(() => local);
    feed(skew, local, 10_000);
    const before = skew.offset;
    expect(before).toBeGreaterThan(9000);
    skew.observe(undefined, local, local);
    skew.observe('yesterday-ish', local, local);
    expect(skew.offset).toBe(before);
  });
});
