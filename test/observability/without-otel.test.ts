import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/run-node';

const FIXTURE = join(__dirname, 'fixtures/without-otel.mts');

function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`the fixture printed no result:\n${stdout.slice(-2000)}`);
  }
}

describe('@opentelemetry/api is an optional peer', () => {
  it('without it nothing changes: calls, retries, hooks and log lines work, and nothing fails', async () => {
    const run = await runNode(FIXTURE, { HIDE_OTEL: '1' }, 60_000);
    expect(run.code, run.stdout).toBe(0);
    expect(lastJson(run.stdout)).toEqual({
      doc: 'Jane Doe',
      requests: [503, 200],
      requestLines: 2,
      retryLines: 1,
      refused: 1, // asked for once per process, not on every call
      spans: [],
    });
  }, 90_000);

  it('with it, the globally registered provider gets the spans', async () => {
    const run = await runNode(FIXTURE, {}, 60_000);
    expect(run.code, run.stdout).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({
      doc: 'Jane Doe',
      requests: [503, 200],
      refused: 0,
      // the token endpoint (loginWithPassword), then the REST call
      spans: ['POST /api/method/{method}', 'GET /api/resource/{doctype}/{name}'],
    });
  }, 90_000);
});
