import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../../src/cli/output/progress-bar';

function output(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (chunk: string) => chunks.push(chunk) } };
}

describe('ProgressBar', () => {
  it('on a terminal redraws in place, at most every 100 ms', () => {
    const { chunks, stream } = output(true);
    let now = 0;
    const bar = new ProgressBar(stream, 'Item', 200, () => now);
    for (let i = 0; i < 100; i++) {
      now += 5;
      bar.advance();
    }
    bar.finish();
    expect(chunks.every((chunk) => chunk.startsWith('\r'))).toBe(true);
    expect(chunks.length).toBeLessThanOrEqual(7);
    expect(chunks.at(-1)).toBe(`\rItem [${'#'.repeat(12)}${'.'.repeat(12)}] 100/200 50%\n`);
  });

  it('in a file or pipe writes a line per tenth, then done; without a total, per thousand rows', () => {
    const { chunks, stream } = output(false);
    const bar = new ProgressBar(stream, 'Customer', 50);
    for (let i = 0; i < 50; i++) bar.advance();
    bar.finish();
    expect(chunks).toHaveLength(12); // 0%, 10% … 100%, done
    expect(chunks.at(-1)).toBe(`Customer [${'#'.repeat(24)}] 50/50 100% done\n`);
    const open = output(false);
    const unbounded = new ProgressBar(open.stream, 'Customer', undefined);
    for (let i = 0; i < 2500; i++) unbounded.advance();
    expect(open.chunks).toEqual(['Customer: 1 rows\n', 'Customer: 1000 rows\n', 'Customer: 2000 rows\n']);
  });
});
