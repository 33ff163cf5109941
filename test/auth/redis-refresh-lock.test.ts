import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRedisRefreshLock, FrappeConfigurationError } from '../../src';
import type { EmulatorProfileName, FrappeEmulator } from '../../src/testing';
import { authorizeAs, clientFor, startSite, statusesServed, TOKEN_PATH, USERS } from '../helpers/frappe-site';
import { expectNoSecretsLeaked } from '../helpers/secret-audit';

/**
 * Many processes, one identity: worker processes share the token through Redis and refresh it
 * under the Redis lease. Needs Redis at 127.0.0.1:6379 (CI's .ci/run makes sure it runs).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER = join(process.cwd(), 'test/fixtures/redis-worker.mts');

interface Worker {
  child: ChildProcess;
  batch(calls: number, timeoutMs?: number): Promise<{ ok: number; errors: Record<string, number> }>;
}

const workers: Worker[] = [];
const stores: Keyv[] = [];

afterEach(async () => {
  for (const worker of workers.splice(0)) worker.child.kill('SIGKILL');
  await Promise.all(stores.splice(0).map((store) => store.disconnect().catch(() => undefined)));
});

afterAll(() => {
  expectNoSecretsLeaked();
});

function redisStore(namespace: string): Keyv {
  const store = new Keyv({
    store: new KeyvRedis(REDIS_URL, {
      throwOnConnectError: true,
      throwOnErrors: true,
      connectionTimeout: 500,
    }),
    namespace,
    useKeyPrefix: false,
    throwOnErrors: true,
  });
  store.on('error', () => undefined);
  stores.push(store);
  return store;
}

async function startWorker(site: FrappeEmulator, namespace: string): Promise<Worker> {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SITE_URL: site.url, REDIS_URL, NAMESPACE: namespace },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  const worker: Worker = {
    child,
    batch: (calls, timeoutMs) =>
      new Promise((resolve, reject) => {
        const onExit = () => reject(new Error('worker died'));
        child.once('exit', onExit);
        child.once('message', (message) => {
          child.off('exit', onExit);
          resolve(message as { ok: number; errors: Record<string, number> });
        });
        child.send({ type: 'batch', calls, timeoutMs });
      }),
  };
  workers.push(worker);
  return worker;
}

/** A site whose token for alice is in Redis under a fresh namespace. */
async function sharedIdentity(profile: EmulatorProfileName) {
  const site = await startSite(profile);
  const namespace = `frappe-oauth-client-test-${randomUUID()}`;
  const first = await authorizeAs(clientFor(site, { store: redisStore(namespace) }), site, USERS.alice.email);
  site.clearRequests();
  return { site, namespace, first };
}

describe.each(['develop', 'v15'] as const)('8 processes sharing one token through Redis on %s', (profile) => {
  it('200 concurrent calls each across 3 expiries: exactly 3 refreshes, no failed call', async () => {
    const { site, namespace } = await sharedIdentity(profile);
    const pool = await Promise.all(Array.from({ length: 8 }, () => startWorker(site, namespace)));
    let failed = 0;
    for (let expiry = 1; expiry <= 3; expiry++) {
      site.advanceClock(3700); // every stored token is now expired at the site
      const results = await Promise.all(pool.map((worker) => worker.batch(200)));
      for (const result of results) {
        failed += 200 - result.ok;
        expect(result.errors).toEqual({});
      }
    }
    expect(failed).toBe(0);
    expect(statusesServed(site, TOKEN_PATH)).toEqual([200, 200, 200]);
    const active = site.issuedTokens().filter((token) => token.status === 'Active');
    // develop revokes each superseded pair; v15 keeps them (the login's and two refreshed ones)
    expect(active).toHaveLength(profile === 'develop' ? 1 : 4);
  }, 60_000);
});

describe('a lease holder that dies mid-refresh', () => {
  it('frees the token by expiry: another process refreshes, nothing hangs, the refresh token is kept', async () => {
    const { site, namespace, first } = await sharedIdentity('v15');
    const [holder, other] = [await startWorker(site, namespace), await startWorker(site, namespace)];
    site.advanceClock(3700);
    site.injectFault(/get_token$/, { kind: 'delay', ms: 3000 }, { times: 1 });
    const dying = holder.batch(5).catch(() => undefined);
    // the holder is inside its refresh (the lease is taken, its token request is at the site)
    const probe = redisStore(namespace);
    for (let i = 0; i < 200 && (await probeLease(probe, namespace)) === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await probeLease(probe, namespace)).toBeDefined();
    holder.child.kill('SIGKILL');
    await dying;
    const result = await other.batch(50, 20_000);
    expect(result).toMatchObject({ ok: 50, errors: {} });
    // the stored pair works: the killed holder never stored its answer, the other process refreshed
    const stored = (await redisStore(namespace).get(storeKeyOf(site))) as { refresh_token: string };
    expect(stored.refresh_token).not.toBe(first.refresh_token);
  }, 60_000);
});

describe('createRedisRefreshLock', () => {
  it('takes a URL or a node-redis client, and refuses anything else', () => {
    expect(() => createRedisRefreshLock('not a url')).toThrow(FrappeConfigurationError);
    expect(() => createRedisRefreshLock({} as never)).toThrow(FrappeConfigurationError);
    expect(() => createRedisRefreshLock(REDIS_URL, { leaseMs: -1 })).toThrow(FrappeConfigurationError);
  });

  it('only the owner releases; a waiter gets the lease once it is released or expired', async () => {
    const key = `test-${randomUUID()}`;
    const a = createRedisRefreshLock(REDIS_URL, { leaseMs: 300 });
    const b = createRedisRefreshLock(REDIS_URL, { leaseMs: 300 });
    try {
      const held = await a.acquire(key, { ttlMs: 10_000 });
      let bHolds = false;
      const waiting = b.acquire(key, { ttlMs: 10_000 }).then((lease) => {
        bHolds = true;
        return lease;
      });
      await new Promise((resolve) => setTimeout(resolve, 700)); // renewed past its 300 ms lifetime
      expect(bHolds).toBe(false);
      await held.release();
      const second = await waiting;
      expect(bHolds).toBe(true);
      // a's second release is not the owner's any more and must not free b's lease
      await held.release();
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('gave up')), 200);
      await expect(a.acquire(key, { ttlMs: 10_000, signal: controller.signal })).rejects.toThrow('gave up');
      await second.release();
      // a lease nobody renews (its holder died) expires by itself
      const orphan = createRedisRefreshLock(REDIS_URL, { leaseMs: 200 });
      await orphan.acquire(`${key}-orphan`, { ttlMs: 200 });
      await orphan.close(); // stops talking to Redis without releasing
      const taken = await a.acquire(`${key}-orphan`, { ttlMs: 10_000 });
      await taken.release();
    } finally {
      await a.close();
      await b.close();
    }
  });
});

function storeKeyOf(site: FrappeEmulator): string {
  return `frappe-oauth-client:token:${encodeURIComponent(site.url)}:shop:default`;
}

async function probeLease(store: Keyv, namespace: string): Promise<string | undefined> {
  const adapter = store.store as KeyvRedis<string>;
  const client = (await adapter.getClient()) as unknown as { keys(pattern: string): Promise<string[]> };
  const keys = await client.keys(`${namespace}:lease:*`);
  return keys[0];
}
