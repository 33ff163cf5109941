import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'src/cli/index.ts');

describe('frappe-oauth emulator (a real process)', () => {
  it('prints one JSON line with its URL, users and client, serves Frappe, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', BIN, 'emulator', '--profile', 'v14', '--port', '0', '--generate', 'Customer=50'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const started = JSON.parse(first) as {
        url: string;
        profile: string;
        users: Array<{ email: string; password: string }>;
        clients: Array<{ clientId: string; redirectUris: string[] }>;
      };
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.profile).toBe('v14');
      expect(started.users).toContainEqual(
        expect.objectContaining({ email: 'alice@example.com', password: 'alice-pass' }),
      );
      expect(started.clients).toEqual([
        expect.objectContaining({
          clientId: 'frappe-oauth',
          redirectUris: ['http://127.0.0.1:8765/callback'],
        }),
      ]);
      // what curl would do: a password login, then a list with the session
      const login = await fetch(`${started.url}/api/method/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ usr: 'alice@example.com', pwd: 'alice-pass' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie().find((value) => value.startsWith('sid=')) as string;
      const list = await fetch(`${started.url}/api/resource/Customer`, {
        headers: { cookie: cookie.split(';')[0] as string },
      });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
      const count = await fetch(`${started.url}/api/method/frappe.client.get_count?doctype=Customer`, {
        headers: { cookie: cookie.split(';')[0] as string },
      });
      expect(((await count.json()) as { message: number }).message).toBeGreaterThanOrEqual(50);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      expect(stderr).toContain('Frappe emulator stopped.');
      await expect(fetch(`${started.url}/api/method/ping`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);

  it('refuses an unknown profile with exit 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'emulator', '--profile', 'v99'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('unknown emulator profile');
  }, 30_000);
});
