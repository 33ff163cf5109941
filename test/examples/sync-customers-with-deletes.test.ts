import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/run-node';

describe('examples/sync-customers-with-deletes.mts', () => {
  it('mirrors the first run, then one change and two deletes, ending with as many as the site', async () => {
    const run = await runNode(join(process.cwd(), 'examples/sync-customers-with-deletes.mts'), {}, 60_000);
    expect(run.code, run.stdout).toBe(0);
    const first = /first run: (\d+) upserted, 0 deleted, mirror holds (\d+)/.exec(run.stdout);
    expect(first?.[1]).toBe(first?.[2]);
    expect(run.stdout).toMatch(
      /second run, one changed and two deleted: 1 upserted, 2 deleted, mirror holds (\d+)/,
    );
    const held = /mirror holds (\d+)\n[\s\S]*the site holds (\d+) Customers/.exec(
      run.stdout.split('second run')[1] ?? '',
    );
    expect(held?.[1]).toBe(held?.[2]);
    expect(Number(held?.[1])).toBe(Number(first?.[2]) - 2);
  }, 70_000);
});
