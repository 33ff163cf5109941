import { type ChildProcess, execFile, execFileSync, fork, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EmulatorProfileName, FrappeEmulator } from '../../src/testing';
import type { CallOutcome } from '../fixtures/redis-fault-worker.mts';
import { authorizeAs, clientFor, startSite, statusesServed, TOKEN_PATH, USERS } from '../helpers/frappe-site';
import { freePort } from '../helpers/free-port';
import { expectNoSecretsLeaked } from '../helpers/secret-audit';

/**
 * Redis failing under processes that share one token through it: a hung Redis (`DEBUG SLEEP`),
 * a killed and restarted one, a lost refresh answer, and a lease holder whose Redis hangs.
 *
 * Every test runs its own redis-server on a free port (never the shared one on 6379, which other
 * test files use at the same time), with nothing on disk, and kills it afterwards.
 */
const WORKER = join(process.cwd(), 'test/fixtures/redis-fault-worker.mts');

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const REDIS_SERVER = onPath('redis-server');
const REDIS_CLI = onPath('redis-cli');
const NO_REDIS = REDIS_SERVER === undefined || REDIS_CLI === undefined;
/** Shown in the test name when skipped: vitest's skipIf takes no reason of its own. */
const SKIPPED = NO_REDIS ? ' [skipped: redis-server or redis-cli is not on PATH]' : '';

/** Errors a call may end with while Redis is unreachable: the store's own, or the call's deadline. */
const OUTAGE_ERRORS = ['TokenStoreError', 'FrappeNetworkError'];

// ── a private redis-server ───────────────────────────────────────────────────────────────────

class PrivateRedis {
  private server: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.spawn();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on this port (again, after `kill`) and waits until it answers PING. */
  async spawn(): Promise<void> {
    const server = spawn(
      REDIS_SERVER ?? 'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        tmpdir(),
        '--enable-debug-command',
        'local',
      ],
      { stdio: 'ignore' },
    );
    this.server = server;
    const deadline = Date.now() + 5000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`redis-server exited (${server.exitCode})`);
      if ((await this.cli('PING').catch(() => '')) === 'PONG') return;
      if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 5 s');
      await delay(20);
    }
  }

  /** SIGKILL, and wait for the process to be gone. Everything it held is lost. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const gone = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await gone;
  }

  /** Redis answers nothing for `seconds`, then goes on with its data: resolves when it is over. */
  debugSleep(seconds: number): Promise<string> {
    const sleeping = this.cli('DEBUG', 'SLEEP', String(seconds));
    sleeping.catch(() => undefined); // a test that fails before awaiting it must not add a rejection
    return sleeping;
  }

  cli(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        REDIS_CLI ?? 'redis-cli',
        ['-h', '127.0.0.1', '-p', String(this.port), ...args],
        { timeout: 20_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
      );
    });
  }
}

/**
 * A TCP hop in front of Redis for one process: `freeze()` makes that process's Redis connections
 * hang (nothing is forwarded either way, nothing is closed), while other processes reach Redis
 * directly; `reset()` drops them, as a dead peer's connection is eventually dropped.
 */
class FreezableProxy {
  private frozen = false;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<FreezableProxy> {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    const proxy = new FreezableProxy(server, port);
    server.on('connection', (client) => proxy.accept(client, targetPort));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Drops every connection (the bytes held while frozen are lost) and forwards again. */
  reset(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    this.frozen = false;
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.on('data', (data) => {
      if (!this.frozen) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!this.frozen) client.write(data);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }
}

// ── worker processes ─────────────────────────────────────────────────────────────────────────

interface Worker {
  child: ChildProcess;
  /**
   * `calls` concurrent calls with `timeoutMs` each. Rejects if the worker dies, or if the batch
   * has not settled `settleMs` after it was sent (a hung worker fails the test instead of blocking).
   */
  batch(calls: number, timeoutMs: number, settleMs?: number): Promise<CallOutcome[]>;
}

const workers: Worker[] = [];
const servers: PrivateRedis[] = [];
const proxies: FreezableProxy[] = [];
const stores: Keyv[] = [];

afterEach(async () => {
  for (const worker of workers.splice(0)) worker.child.kill('SIGKILL');
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(stores.splice(0).map((store) => store.disconnect().catch(() => undefined)));
  await Promise.all(servers.splice(0).map((redis) => redis.kill()));
});

afterAll(() => {
  expectNoSecretsLeaked();
});

async function startRedis(): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start();
  servers.push(redis);
  return redis;
}

async function startWorker(
  site: FrappeEmulator,
  redis: { url: string },
  namespace: string,
  env: Record<string, string> = {},
): Promise<Worker> {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SITE_URL: site.url, REDIS_URL: redis.url, NAMESPACE: namespace, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const worker: Worker = {
    child,
    batch: (calls, timeoutMs, settleMs = timeoutMs + 2000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`worker ${child.pid}: ${calls} calls of ${timeoutMs} ms not settled in ${settleMs} ms`),
          );
        }, settleMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`worker ${child.pid} died`));
        };
        const onMessage = (message: { outcomes: CallOutcome[] }) => {
          cleanup();
          resolve(message.outcomes);
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.off('exit', onExit);
          child.off('message', onMessage);
        };
        child.once('exit', onExit);
        child.once('message', onMessage);
        child.send({ type: 'batch', calls, timeoutMs });
      }),
  };
  workers.push(worker);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  return worker;
}

function startWorkers(
  count: number,
  site: FrappeEmulator,
  redis: PrivateRedis,
  namespace: string,
  env: Record<string, string> = {},
): Promise<Worker[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(site, redis, namespace, env)));
}

/** One batch on every worker at once; all outcomes. */
async function round(pool: Worker[], calls: number, timeoutMs: number): Promise<CallOutcome[]> {
  return (await Promise.all(pool.map((worker) => worker.batch(calls, timeoutMs)))).flat();
}

/** Rounds back to back until `until` resolves (and one more round after it), all outcomes. */
async function roundsUntil(
  pool: Worker[],
  until: Promise<unknown>,
  calls: number,
  timeoutMs: number,
): Promise<CallOutcome[][]> {
  let over = false;
  void until.then(
    () => {
      over = true;
    },
    () => {
      over = true;
    },
  );
  const rounds: CallOutcome[][] = [];
  for (;;) {
    const wasOver = over;
    rounds.push(await round(pool, calls, timeoutMs));
    if (wasOver) return rounds;
  }
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function failures(outcomes: CallOutcome[]): CallOutcome[] {
  return outcomes.filter((outcome) => !outcome.ok);
}

/** error class → count, e.g. `{ TokenStoreError: 12 }`. */
function errorCounts(outcomes: CallOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { error, reason } of failures(outcomes)) {
    const name = `${error}${reason ? `(${reason})` : ''}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Every failed call ended with one of `allowed`, and no call outlived its deadline by much. */
function expectTyped(outcomes: CallOutcome[], allowed: string[], timeoutMs: number): void {
  for (const outcome of failures(outcomes)) expect(allowed).toContain(outcome.error);
  // the call's deadline is the bound; 500 ms of slack for a busy event loop in the worker
  for (const outcome of outcomes) expect(outcome.ms).toBeLessThan(timeoutMs + 500);
}

/** The Redis key the workers' Keyv keeps the token under (namespace::SDK key). */
function tokenRedisKey(site: FrappeEmulator, namespace: string): string {
  return `${namespace}::frappe-oauth-client:token:${encodeURIComponent(site.url)}:shop:default`;
}

/** A short digest of a secret: what the assertions compare, so a failure never prints a token. */
function fp(secret: string | undefined): string | undefined {
  return secret === undefined ? undefined : createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/** The digest of the refresh token the workers' Redis holds now. */
async function storedRefreshPrint(redis: PrivateRedis, site: FrappeEmulator, namespace: string) {
  const raw = await redis.cli('GET', tokenRedisKey(site, namespace));
  if (raw === '') return undefined;
  const parsed = JSON.parse(raw) as { value?: { refresh_token?: string } };
  return fp(parsed.value?.refresh_token);
}

async function leaseKeys(redis: PrivateRedis, namespace: string): Promise<string[]> {
  const listed = await redis.cli('--scan', '--pattern', `${namespace}:lease:*`);
  return listed === '' ? [] : listed.split('\n');
}

/** A site whose token for alice is in the private Redis under a fresh namespace. */
async function sharedIdentity(redis: PrivateRedis, profile: EmulatorProfileName) {
  const site = await startSite(profile);
  const namespace = `frappe-oauth-client-faults-${randomUUID()}`;
  const store = new Keyv({
    store: new KeyvRedis(redis.url, {
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
  const first = await authorizeAs(clientFor(site, { store }), site, USERS.alice.email);
  // the parent's own connection is not needed any more (and must not outlive a killed Redis)
  await store.disconnect().catch(() => undefined);
  expect(await storedRefreshPrint(redis, site, namespace)).toBe(fp(first.refresh_token));
  site.clearRequests();
  return { site, namespace, first };
}

// ── the tests ────────────────────────────────────────────────────────────────────────────────

describe('Redis stops answering while 3 processes share one token', () => {
  it.skipIf(NO_REDIS)(
    `a hung Redis (DEBUG SLEEP): typed errors within the deadline, then recovery with one refresh${SKIPPED}`,
    async () => {
      const redis = await startRedis();
      const { site, namespace, first } = await sharedIdentity(redis, 'develop');
      const pool = await startWorkers(3, site, redis, namespace, { STORE_TIMEOUT_MS: '1000' });
      const timeoutMs = 2500;

      const warm = await round(pool, 20, timeoutMs);
      expect(errorCounts(warm)).toEqual({});

      // Redis hangs for 3 s in the middle of back-to-back rounds
      const hang = delay(150).then(() => redis.debugSleep(3));
      const rounds = await roundsUntil(pool, hang, 10, timeoutMs);
      const during = rounds.flat();
      console.info(`hung Redis: ${rounds.length} rounds, ${JSON.stringify(errorCounts(during))}`);
      expectTyped(during, OUTAGE_ERRORS, timeoutMs);
      expect(failures(during).length).toBeGreaterThan(0); // the outage did reach the calls
      expect(errorCounts(rounds.at(-1) ?? [])).toEqual({}); // and they work again once it is over
      expect(statusesServed(site, TOKEN_PATH)).toEqual([]); // the token was fresh: nothing to refresh

      // the token expires while Redis hangs: no process can read it, so none refreshes
      site.advanceClock(3700);
      const secondHang = redis.debugSleep(3);
      await delay(100);
      const blind = await round(pool, 10, timeoutMs);
      expectTyped(blind, OUTAGE_ERRORS, timeoutMs);
      expect(failures(blind)).toHaveLength(30);
      expect(statusesServed(site, TOKEN_PATH)).toEqual([]);
      await secondHang;

      // back: one refresh for all three processes, no storm (each token answer takes 300 ms, so
      // without the shared lease all three would be refreshing at once)
      site.injectFault(/get_token$/, { kind: 'delay', ms: 300 }, { times: 3 });
      const after = await round(pool, 20, 10_000);
      site.clearFaults();
      expect(errorCounts(after)).toEqual({});
      expect(statusesServed(site, TOKEN_PATH)).toEqual([200]);
      const stored = await storedRefreshPrint(redis, site, namespace);
      expect(stored).toBeDefined();
      expect(stored).not.toBe(fp(first.refresh_token));
      expect(site.issuedTokens().filter((token) => token.status === 'Active')).toHaveLength(1);
      expect(fp(site.issuedTokens().find((token) => token.status === 'Active')?.refreshToken)).toBe(stored);
    },
    60_000,
  );

  it.skipIf(NO_REDIS)(
    `a killed Redis (SIGKILL): typed errors, nothing hangs; restarted and the token written back, all recover${SKIPPED}`,
    async () => {
      const redis = await startRedis();
      const { site, namespace, first } = await sharedIdentity(redis, 'develop');
      const pool = await startWorkers(3, site, redis, namespace, { STORE_TIMEOUT_MS: '1000' });
      const timeoutMs = 2500;

      expect(errorCounts(await round(pool, 20, timeoutMs))).toEqual({});
      const snapshot = await redis.cli('GET', tokenRedisKey(site, namespace));
      expect(snapshot).not.toBe('');

      // killed in the middle of back-to-back rounds; rounds go on for 2.5 s of outage
      const outage = delay(150)
        .then(() => redis.kill())
        .then(() => delay(2500));
      const rounds = await roundsUntil(pool, outage, 10, timeoutMs);
      const during = rounds.flat();
      console.info(`killed Redis: ${rounds.length} rounds, ${JSON.stringify(errorCounts(during))}`);
      expectTyped(during, OUTAGE_ERRORS, timeoutMs);
      expect(failures(rounds.at(-1) ?? [])).toHaveLength(30); // Redis is gone: nothing works
      expect(statusesServed(site, TOKEN_PATH)).toEqual([]);

      // the same port, an empty Redis: the token is written back before the workload resumes
      await redis.spawn();
      await redis.cli('SET', tokenRedisKey(site, namespace), snapshot);

      // the processes reconnect by themselves (node-redis backs off up to 2 s)
      const recovery: CallOutcome[][] = [];
      const until = Date.now() + 15_000;
      for (;;) {
        const outcomes = await round(pool, 10, timeoutMs);
        recovery.push(outcomes);
        if (failures(outcomes).length === 0 || Date.now() > until) break;
        await delay(100);
      }
      const recovering = recovery.flat();
      console.info(
        `restarted Redis: ${recovery.length} rounds to recover, ${JSON.stringify(errorCounts(recovering))}`,
      );
      expectTyped(recovering, OUTAGE_ERRORS, timeoutMs);
      expect(errorCounts(recovery.at(-1) ?? [])).toEqual({});
      expect(statusesServed(site, TOKEN_PATH)).toEqual([]);
      expect(await storedRefreshPrint(redis, site, namespace)).toBe(fp(first.refresh_token)); // no token lost

      // and the shared refresh works again through the restarted Redis: exactly one refresh
      site.advanceClock(3700);
      site.injectFault(/get_token$/, { kind: 'delay', ms: 300 }, { times: 3 });
      const refreshed = await round(pool, 20, 10_000);
      site.clearFaults();
      expect(errorCounts(refreshed)).toEqual({});
      expect(statusesServed(site, TOKEN_PATH)).toEqual([200]);
      expect(await storedRefreshPrint(redis, site, namespace)).not.toBe(fp(first.refresh_token));
    },
    60_000,
  );
});

describe('a lost refresh answer on develop, two processes', () => {
  it.skipIf(NO_REDIS)(
    `the pair issued into the void is gone: AuthorizationRequiredError, at most 3 token requests, then none${SKIPPED}`,
    async () => {
      const redis = await startRedis();
      const { site, namespace, first } = await sharedIdentity(redis, 'develop');
      const pool = await startWorkers(2, site, redis, namespace);
      const timeoutMs = 10_000;
      expect(errorCounts(await round(pool, 5, timeoutMs))).toEqual({});

      site.advanceClock(3700);
      // the site issues the new pair (and, on develop, revokes the old one), the answer never arrives
      site.injectFault(/get_token$/, { kind: 'drop-after-write' }, { times: 1 });
      const outcomes = await round(pool, 10, timeoutMs);
      const sequence = statusesServed(site, TOKEN_PATH);
      console.info(`lost refresh answer: token request statuses ${JSON.stringify(sequence)}`);

      const stored = await storedRefreshPrint(redis, site, namespace);
      for (const outcome of failures(outcomes)) expect(outcome.error).toBe('AuthorizationRequiredError');
      if (outcomes.some((outcome) => outcome.ok)) {
        // a call may only succeed with a pair another process stored
        expect(stored).not.toBe(fp(first.refresh_token));
      }
      expect(sequence.length).toBeLessThanOrEqual(3);
      expect(sequence[0]).toBe(0); // the dropped answer
      // develop answers a revoked refresh token with the masked 403 (frappe/oauth.py does not
      // catch the DoesNotExistError in validate_refresh_token)
      expect(sequence.slice(1).every((status) => status === 403)).toBe(true);
      const issued = site.issuedTokens();
      expect(issued).toHaveLength(2); // the login's pair and the one whose answer was lost
      expect(issued.map((token) => token.status)).toEqual(['Revoked', 'Active']);

      // after the refusal: no more token requests, the same error, the stored value as it was
      const again = await round(pool, 10, timeoutMs);
      expect(errorCounts(again)).toEqual({ AuthorizationRequiredError: 20 });
      expect(statusesServed(site, TOKEN_PATH)).toEqual(sequence);
      expect(await storedRefreshPrint(redis, site, namespace)).toBe(fp(first.refresh_token));
    },
    60_000,
  );
});

describe('a lease holder whose Redis hangs while others wait', () => {
  it.skipIf(NO_REDIS)(
    `nothing waits past its call's deadline, errors are typed, one refresh in all${SKIPPED}`,
    async () => {
      const redis = await startRedis();
      const { site, namespace } = await sharedIdentity(redis, 'develop');
      const [holder, ...others] = await startWorkers(3, site, redis, namespace, { STORE_TIMEOUT_MS: '1000' });
      const pool = [holder!, ...others];
      expect(errorCounts(await round(pool, 5, 5000))).toEqual({});

      site.advanceClock(3700);
      // The holder's token answer comes 3 s after its request: Redis must hang before that answer,
      // or the holder stores its pair and the waiters simply read it. 3 s leaves a loaded machine
      // room for the lease poll below (a 1.5 s delay once lost that race).
      site.injectFault(/get_token$/, { kind: 'delay', ms: 3000 }, { times: 1 });
      const holderTimeoutMs = 6000;
      const waiterTimeoutMs = 2000;
      const holding = holder!.batch(5, holderTimeoutMs);
      // the holder is inside its refresh: the lease is taken, its token request is at the site
      for (let i = 0; i < 300 && (await leaseKeys(redis, namespace)).length === 0; i++) await delay(10);
      expect(await leaseKeys(redis, namespace)).toHaveLength(1);
      const waiting = Promise.all(others.map((worker) => worker.batch(5, waiterTimeoutMs)));
      await delay(100); // the others poll the lease
      const hang = redis.debugSleep(5);
      // The precondition of everything below: the hang began before the holder had its answer
      // (the request log lists the holder's request still in flight, with status 0).
      expect(statusesServed(site, TOKEN_PATH)).not.toContain(200);

      const [held, waitedPerWorker] = await Promise.all([holding, waiting]);
      const waited = waitedPerWorker.flat();
      expectTyped(held, OUTAGE_ERRORS, holderTimeoutMs);
      expectTyped(waited, OUTAGE_ERRORS, waiterTimeoutMs);
      // the waiters cannot have a token: the holder could not store its pair while Redis hung
      expect(failures(waited)).toHaveLength(10);
      console.info(
        `hung lease holder: holder ${JSON.stringify(errorCounts(held))}, waiters ${JSON.stringify(errorCounts(waited))}`,
      );
      await hang;

      // Redis is back: everyone gets the pair the holder refreshed, nobody refreshes again
      const after = await round(pool, 10, 10_000);
      expect(errorCounts(after)).toEqual({});
      expect(statusesServed(site, TOKEN_PATH)).toEqual([200]);
      // The holder's release may have been lost in the hang: then its lease is still there, but
      // it expires by itself (a TTL), so it cannot block a later refresh for good.
      for (const key of await leaseKeys(redis, namespace)) {
        const ttl = Number(await redis.cli('PTTL', key)); // -2: gone meanwhile; -1 would be forever
        expect(ttl === -2 || ttl > 0, `lease ${key} has PTTL ${ttl}`).toBe(true);
      }
    },
    60_000,
  );
});

describe('a lease holder whose own Redis connection hangs while Redis works for the others', () => {
  it.skipIf(NO_REDIS)(
    `develop: deadlines hold, errors are typed, the holder's pair is stored once its connection is back${SKIPPED}`,
    async () => {
      const redis = await startRedis();
      const { site, namespace, first } = await sharedIdentity(redis, 'develop');
      const proxy = await FreezableProxy.start(redis.port);
      proxies.push(proxy);
      const env = { STORE_TIMEOUT_MS: '1000', LEASE_MS: '2000' };
      const holder = await startWorker(site, proxy, namespace, env);
      const others = await startWorkers(2, site, redis, namespace, env);
      const pool = [holder, ...others];
      expect(errorCounts(await round(pool, 5, 5000))).toEqual({});

      site.advanceClock(3700);
      site.injectFault(/get_token$/, { kind: 'delay', ms: 1500 }, { times: 1 });
      const holderTimeoutMs = 4000;
      const waiterTimeoutMs = 1500; // ends before the holder's lease (2 s, no longer renewed) expires
      const holding = holder.batch(5, holderTimeoutMs);
      for (let i = 0; i < 300 && (await leaseKeys(redis, namespace)).length === 0; i++) await delay(10);
      expect(await leaseKeys(redis, namespace)).toHaveLength(1);
      proxy.freeze(); // the holder's token request is out; its Redis connections hang from now on
      const waiting = Promise.all(others.map((worker) => worker.batch(5, waiterTimeoutMs)));
      const [held, waitedPerWorker] = await Promise.all([holding, waiting]);
      const waited = waitedPerWorker.flat();
      expectTyped(held, OUTAGE_ERRORS, holderTimeoutMs);
      expectTyped(waited, OUTAGE_ERRORS, waiterTimeoutMs);
      expect(failures(waited)).toHaveLength(10);
      // the site issued the holder's pair (and revoked the login's); only the holder has it, in memory
      const issued = site.issuedTokens();
      expect(issued.map((token) => token.status)).toEqual(['Revoked', 'Active']);
      expect(await storedRefreshPrint(redis, site, namespace)).toBe(fp(first.refresh_token));

      // the lease expired unrenewed: the waiters' refreshes (still running after their callers gave
      // up) take it and present the revoked pair
      await delay(2500);
      const afterHang = statusesServed(site, TOKEN_PATH);
      console.info(`hung holder connection: token request statuses ${JSON.stringify(afterHang)}`);
      expect(afterHang[0]).toBe(200);
      expect(afterHang.length).toBeLessThanOrEqual(3);
      expect(afterHang.slice(1).every((status) => status === 403)).toBe(true); // develop's masked 403

      // a waiter asked before the holder is back: the store still holds the revoked pair
      const early = await others[0]!.batch(1, 5000);
      console.info(
        `hung holder connection: a waiter before the holder is back: ${JSON.stringify(errorCounts(early))}`,
      );
      expectTyped(early, ['AuthorizationRequiredError', ...OUTAGE_ERRORS], 5000);
      expect(statusesServed(site, TOKEN_PATH)).toEqual(afterHang); // no refresh for a refused pair

      // the holder's connections drop and it reconnects: its next call stores the pair it kept
      proxy.reset();
      const kept = fp(issued[1]!.refreshToken);
      // the holder's refresh may still be finishing (its last write attempt and its lease release
      // hung until now): a call that joins it gets the pair from memory, a later one writes it
      const holderCalls: CallOutcome[] = [];
      for (let i = 0; i < 20 && (await storedRefreshPrint(redis, site, namespace)) !== kept; i++) {
        holderCalls.push(...(await holder.batch(5, 10_000)));
        await delay(100);
      }
      expect(errorCounts(holderCalls)).toEqual({});
      expect(await storedRefreshPrint(redis, site, namespace)).toBe(kept);
      expect(errorCounts(await round(others, 10, 10_000))).toEqual({});
      expect(statusesServed(site, TOKEN_PATH)).toEqual(afterHang); // and nobody refreshed again
      expect(site.issuedTokens()).toHaveLength(2);
    },
    60_000,
  );
});
