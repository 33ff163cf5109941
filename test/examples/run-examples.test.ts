import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { passwordLoginAsAlice } from '../cli/cli-harness';
import { startSite, USERS } from '../helpers/frappe-site';
import { runNode } from '../helpers/run-node';

const EXAMPLES = join(process.cwd(), 'examples');

/** Every example, and the test that runs it (this file, or the one named). */
const COVERED: Record<string, string> = {
  'demo.mts': 'here',
  'sync-customers.mts': 'here',
  'emulator-quickstart.mts': 'here',
  'serve-emulator.mts': 'here',
  'script-with-cli-token.mts': 'here',
  'shop-login-with-frappe.mts': 'test/examples/shop-login-with-frappe.test.ts',
  'testing-your-integration.test.ts': 'test/examples/testing-your-integration.test.ts',
  'webhook-receiver.mts': 'test/examples/webhook-receiver.test.ts',
  'sync-customers-with-deletes.mts': 'test/examples/sync-customers-with-deletes.test.ts',
};

describe('examples', () => {
  it('every example runs in a test', () => {
    expect(readdirSync(EXAMPLES).sort()).toEqual(Object.keys(COVERED).sort());
  });

  it('npm run demo: exits 0 non-interactively, names the refresh and shows request counts', async () => {
    const run = await runNode(join(EXAMPLES, 'demo.mts'), { CI: 'true' }, 280_000);
    expect(run.killed).toBe(false);
    expect(run.stdout).toContain('a proactive refresh');
    expect(run.stdout).toContain('event: refreshed');
    expect(run.stdout).toMatch(/token requests 1, failed calls 0/);
    expect(run.stdout).toContain('[demo] killed the sync job (SIGKILL)');
    expect(run.stdout).not.toContain('DEMO FAILED');
    expect(run.stdout).toContain('every step did what it says');
    expect(run.code).toBe(0);
  }, 300_000);

  it('sync-customers: a first run, an empty second run, then only the changes', async () => {
    const run = await runNode(join(EXAMPLES, 'sync-customers.mts'), {}, 120_000);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/first run: done, 1204 customers synced/);
    expect(run.stdout).toContain('second run, nothing changed: done, 0 customers synced');
    expect(run.stdout).toContain('third run, one changed and one added: done, 2 customers synced');
  }, 130_000);

  it('emulator-quickstart: the authorization-code flow by hand, then an expired token', async () => {
    const run = await runNode(join(EXAMPLES, 'emulator-quickstart.mts'), {}, 60_000);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('GET /api/resource/Customer: 200');
    expect(run.stdout).toContain('with an expired token: 401');
  }, 70_000);

  it('serve-emulator: prints its URL, serves, stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(EXAMPLES, 'serve-emulator.mts'), 'v14', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1] as string;
      expect((await fetch(`${url}/api/method/ping`)).status).toBe(200);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect(((await exited) as [number | null])[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);

  it('script-with-cli-token: uses the token that frappe-oauth login stored', async () => {
    const site = await startSite('v15');
    const { home, login } = await passwordLoginAsAlice(site.url);
    expect(login.status).toBe(0);
    const run = await runNode(
      join(EXAMPLES, 'script-with-cli-token.mts'),
      {
        XDG_CONFIG_HOME: home,
        HOME: home,
        FRAPPE_OAUTH: `${process.execPath} --import tsx ${join(process.cwd(), 'src/cli/index.ts')}`,
      },
      60_000,
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`Customers visible to ${USERS.alice.email} at ${site.url}:`);
    const listed = run.stdout.trim().split('\n').slice(1);
    expect(listed.length).toBe(Math.min(5, site.documentCount('Customer')));
    expect(listed[0]).toMatch(/^ {2}\S.* \(.+, .+\)$/);
  }, 70_000);
});
