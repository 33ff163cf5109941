import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSite } from '../helpers/frappe-site';
import { passwordLoginAsAlice } from './cli-harness';

const BIN = join(process.cwd(), 'src/cli/index.ts');

describe('the frappe-oauth process', () => {
  it('stops quietly (exit 0) when the reader of its output goes away: list --all | head', async () => {
    const site = await startSite('v15');
    site.generateDocuments('Customer', 5000);
    const { home, login } = await passwordLoginAsAlice(site.url);
    expect(login.status).toBe(0);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', BIN, 'list', 'Customer', '--all', '--page-size', '100', '--format', 'ndjson'],
      {
        env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const exited = once(child, 'exit');
    await once(child.stdout, 'data');
    child.stdout.destroy(); // as `head -1` does once it has its line
    const [code] = (await exited) as [number | null];
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  }, 60_000);
});
