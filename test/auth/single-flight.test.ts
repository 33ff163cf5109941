import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../src/auth/single-flight';

describe('SingleFlight', () => {
  it('shares one run between concurrent callers of a key, and starts anew afterwards', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    let release: (value: number) => void = () => undefined;
    const work = () => {
      runs += 1;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    const callers = Array.from({ length: 10 }, () => flight.run('k', work));
    expect(flight.isRunning('k')).toBe(true);
    release(7);
    expect(await Promise.all(callers)).toEqual(Array(10).fill(7));
    expect(runs).toBe(1);
    expect(flight.isRunning('k')).toBe(false);
    const next = flight.run('k', async () => 8);
    expect(await next).toBe(8);
    expect(runs).toBe(1);
  });

  it('keeps keys apart and forgets a failed run', async () => {
    const flight = new SingleFlight<string>();
    await expect(flight.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(flight.isRunning('a')).toBe(false);
    const [a, b] = await Promise.all([flight.run('a', async () => 'A'), flight.run('b', async () => 'B')]);
    expect([a, b]).toEqual(['A', 'B']);
  });
});
