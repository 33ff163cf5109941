import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/run-node';

describe('examples/webhook-receiver.mts', () => {
  it("receives the emulator's signed webhook and refuses a forged one with 401", async () => {
    const run = await runNode(join(process.cwd(), 'examples/webhook-receiver.mts'), {}, 60_000);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('received Webhook Demo Ltd. (Commercial, limit 500)');
    expect(run.stdout).toContain("the emulator's delivery got 200; the forged one got 401");
  }, 70_000);
});
