import { type ChildProcess, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileRefreshLock, createFileStore, FrappeConfigurationError } from '../../src';
import { authorizeAs, clientFor, startSite, statusesServed, TOKEN_PATH, USERS } from '../helpers/frappe-site';
import { askWorker, freshFolder, startFileStoreWorker } from './helpers';

function lockFileOf(directory: string, key: string): string {
  return join(directory, `${createHash('sha256').update(key).digest('hex')}.lock`);
}

describe('createFileRefreshLock', () => {
  it('refuses bad options', () => {
    expect(() => createFileRefreshLock('')).toThrow(FrappeConfigurationError);
    expect(() => createFileRefreshLock({ directory: freshFolder('frappe-file-lock-'), leaseMs: 0 })).toThrow(
      FrappeConfigurationError,
    );
  });

  it('one holder at a time; only the owner releases; a waiter can give up', async () => {
    const directory = freshFolder('frappe-file-lock-');
    const a = createFileRefreshLock({ directory, leaseMs: 600, pollMs: 10 });
    const b = createFileRefreshLock({ directory, leaseMs: 600, pollMs: 10 });
    const held = await a.acquire('k', { ttlMs: 10_000 });
    let bHolds = false;
    const waiting = b.acquire('k', { ttlMs: 10_000 }).then((lease) => {
      bHolds = true;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 1400)); // renewed (every 200 ms) past its 600 ms lifetime
    expect(bHolds).toBe(false);
    await held.release();
    const second = await waiting;
    expect(bHolds).toBe(true);
    await held.release(); // not the owner any more: must not free b's lease
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('gave up')), 100);
    await expect(a.acquire('k', { ttlMs: 10_000, signal: controller.signal })).rejects.toThrow('gave up');
    await second.release();
    expect(readdirSync(directory)).toEqual([]);
  });

  it('takes over a lease whose holder process is gone, and one that expired', async () => {
    const directory = freshFolder('frappe-file-lock-');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(String(dead.stdout));
    writeFileSync(
      lockFileOf(directory, 'gone'),
      JSON.stringify({ owner: 'someone', pid: deadPid, expires: Date.now() + 60_000 }),
    );
    writeFileSync(
      lockFileOf(directory, 'expired'),
      JSON.stringify({ owner: 'someone', pid: process.pid, expires: Date.now() - 1 }),
    );
    const lock = createFileRefreshLock({ directory, pollMs: 10 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('the stale lease was not taken over')), 5000);
    const first = await lock.acquire('gone', { ttlMs: 5000, signal: controller.signal });
    const second = await lock.acquire('expired', { ttlMs: 5000, signal: controller.signal });
    clearTimeout(timer);
    await first.release();
    await second.release();
    expect(readdirSync(directory)).toEqual([]);
  });
});

function batch(child: ChildProcess, calls: number): Promise<{ ok: number; errors: Record<string, number> }> {
  return askWorker(child, { type: 'batch', calls });
}

describe.each(['develop', 'v15'] as const)('4 processes sharing a file store on %s', (profile) => {
  it('50 concurrent calls each across 2 expiries: exactly 2 refreshes, no failed call', async () => {
    const site = await startSite(profile);
    const directory = freshFolder('frappe-file-lock-');
    await authorizeAs(clientFor(site, { store: createFileStore(directory) }), site, USERS.alice.email);
    site.clearRequests();
    const pool = await Promise.all(
      Array.from({ length: 4 }, () => startFileStoreWorker({ STORE_DIR: directory, SITE_URL: site.url })),
    );
    for (let expiry = 1; expiry <= 2; expiry++) {
      site.advanceClock(3700);
      const results = await Promise.all(pool.map((worker) => batch(worker, 50)));
      for (const result of results) expect(result).toMatchObject({ ok: 50, errors: {} });
    }
    const tokenAnswers = statusesServed(site, TOKEN_PATH);
    expect(tokenAnswers).toEqual([200, 200]);
    // No temporary file is left; the lease file goes once its holder's release lands (the SDK
    // releases after the refreshed pair is handed out, so it may still be on its way).
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    for (let i = 0; i < 250 && readdirSync(directory).some((name) => name.endsWith('.lock')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readdirSync(directory).filter((name) => !name.endsWith('.json'))).toEqual([]);
  }, 90_000);
});
