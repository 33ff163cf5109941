import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSite, TOKEN_PATH } from '../helpers/frappe-site';
import { passwordLoginAsAlice } from './cli-harness';

const BIN = join(process.cwd(), 'src/cli/index.ts');

function tokenProcess(home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'token', '--raw'], {
      env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// develop, which revokes the old pair at once, is covered with the same lease in test/auth.
describe.each(['v14', 'v15'] as const)('four frappe-oauth token processes at once, on %s', (profile) => {
  it('an expired token is refreshed once (the file lease); all print the new token', async () => {
    const site = await startSite(profile);
    const { home, login } = await passwordLoginAsAlice(site.url);
    expect(login.status).toBe(0);
    const before = site.issuedTokens().at(-1)?.accessToken;
    site.advanceClock(3700);
    site.clearRequests();
    const runs = await Promise.all([1, 2, 3, 4].map(() => tokenProcess(home)));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const printed = new Set(runs.map((run) => run.stdout));
    expect(printed.size).toBe(1);
    expect([...printed][0]).not.toBe(`${before}\n`);
    expect(site.requests().filter((entry) => entry.path.endsWith(TOKEN_PATH))).toHaveLength(1);
  }, 60_000);
});
