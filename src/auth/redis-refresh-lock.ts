import { randomUUID } from 'node:crypto';
import { FrappeConfigurationError, FrappeNetworkError, TokenStoreError } from '../errors';
import { sleep } from '../transport/sleep';
import type { RefreshLease, RefreshLock } from './refresh-lock';

/**
 * The part of a node-redis client the lock uses (node-redis 4/5, as `@keyv/redis` brings it).
 * Typed structurally so the optional peer's types are not needed to build or use the SDK.
 */
export interface RedisLockClient {
  readonly isOpen?: boolean;
  connect?(): Promise<unknown>;
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  quit?(): Promise<unknown>;
  close?(): Promise<unknown>;
  on?(event: 'error', listener: (error: unknown) => void): unknown;
}

export interface RedisRefreshLockOptions {
  /** Prefix of the lease keys; default `frappe-oauth-client:lease:`. */
  keyPrefix?: string;
  /**
   * How long a lease lives without renewal; default 5000 ms. The holder renews it every third of
   * that while its refresh runs, so a holder that dies frees the token within this time.
   */
  leaseMs?: number;
  /** How often a waiter looks whether the lease is free; default 50 ms (with jitter). */
  pollMs?: number;
}

/** A refresh lock shared by processes through Redis, with `close()` for the connection it opened. */
export interface RedisRefreshLock extends RefreshLock {
  /** Closes the Redis connection if the lock opened it (not a client you passed in). */
  close(): Promise<void>;
}

// Only the owner may extend or remove a lease: compare the owner id and act in one step.
const RENEW =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * A refresh lease on Redis, so that many processes sharing one stored token refresh it once:
 * `SET key owner NX PX lease` takes it, the holder renews it while its refresh runs and releases
 * it (only if still its owner) when done; a waiter polls until the lease is free, then re-reads
 * the store and finds the holder's new pair there. A holder that dies loses the lease by expiry,
 * so nothing deadlocks; a waiter gives up with its call's deadline or signal.
 *
 * Pass a Redis URL (a connection is opened through the optional peer `@keyv/redis` on first use
 * and closed by `close()`), or a node-redis client you own.
 *
 * ```ts
 * const client = new FrappeOAuthClient({ …, store, refreshLock: createRedisRefreshLock('redis://127.0.0.1:6379') });
 * ```
 *
 * Nothing connects until the first refresh asks for the lease. The client's refreshes then reject
 * through the lock with the errors below, which end that refresh (the stored token is kept).
 *
 * @param redis a `redis://` / `rediss://` URL, or a node-redis 4/5 client (with `set` and `eval`)
 *   that you open and close yourself
 * @param options `keyPrefix` (default `frappe-oauth-client:lease:`), `leaseMs` (default 5000),
 *   `pollMs` (default 50)
 * @returns the lock to pass as the `refreshLock` option, with `close()` for the connection it
 *   opened from a URL
 * @throws {FrappeConfigurationError} at once: neither a URL nor a client with `set` and `eval`, or
 *   a `leaseMs` / `pollMs` that is not a positive number. From `acquire`: `@keyv/redis` is not
 *   installed (for a URL), or the lock was closed
 * @throws {TokenStoreError} from `acquire`: the connection could not be opened or Redis failed
 *   (reason `failed`), or it did not answer within `leaseMs` (reason `timeout`)
 */
export function createRedisRefreshLock(
  redis: string | RedisLockClient,
  options: RedisRefreshLockOptions = {},
): RedisRefreshLock {
  if (typeof redis === 'string') {
    try {
      new URL(redis);
    } catch {
      throw new FrappeConfigurationError({
        message: 'createRedisRefreshLock needs a redis:// URL or a node-redis client',
      });
    }
  } else if (
    redis === null ||
    typeof redis !== 'object' ||
    typeof redis.set !== 'function' ||
    typeof redis.eval !== 'function'
  ) {
    throw new FrappeConfigurationError({
      message: 'createRedisRefreshLock needs a redis:// URL or a node-redis client',
    });
  }
  const leaseMs = positive(options.leaseMs, 5000, 'leaseMs');
  const pollMs = positive(options.pollMs, 50, 'pollMs');
  const prefix = options.keyPrefix ?? 'frappe-oauth-client:lease:';
  const owned = typeof redis === 'string';
  let connection: Promise<RedisLockClient> | undefined;
  let closed = false;
  const renewals = new Set<NodeJS.Timeout>();

  const client = (): Promise<RedisLockClient> => {
    if (closed)
      return Promise.reject(new FrappeConfigurationError({ message: 'the Redis refresh lock was closed' }));
    connection ??= (typeof redis === 'string' ? openClient(redis) : Promise.resolve(redis)).catch(
      (error: unknown) => {
        connection = undefined;
        throw error;
      },
    );
    return connection;
  };

  return {
    async acquire(key, { ttlMs, signal }): Promise<RefreshLease> {
      const redisKey = `${prefix}${key}`;
      const owner = randomUUID();
      const lifetime = Math.max(100, Math.min(leaseMs, ttlMs));
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        const taken = await command(
          'take the refresh lease',
          async () => (await client()).set(redisKey, owner, { NX: true, PX: lifetime }),
          leaseMs,
          signal,
        );
        if (taken === 'OK') return lease(redisKey, owner, lifetime);
        // Someone else refreshes: look again soon (jittered, so waiters do not move in step).
        await sleep(pollMs / 2 + Math.random() * pollMs, signal, { unref: true });
      }
    },
    async close(): Promise<void> {
      closed = true;
      for (const renewal of renewals) clearInterval(renewal);
      renewals.clear();
      if (!owned || !connection) return;
      const opened = await connection.catch(() => undefined);
      connection = undefined;
      await (opened?.close ?? opened?.quit)?.call(opened).catch(() => undefined);
    },
  };

  function lease(redisKey: string, owner: string, lifetime: number): RefreshLease {
    // Renew while the refresh runs; the timer is bookkeeping and never keeps Node alive.
    const renewal = setInterval(
      () => {
        void client()
          .then((redisClient) =>
            redisClient.eval(RENEW, { keys: [redisKey], arguments: [owner, String(lifetime)] }),
          )
          .catch(() => undefined);
      },
      Math.max(30, Math.floor(lifetime / 3)),
    );
    renewal.unref();
    renewals.add(renewal);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renewal);
        renewals.delete(renewal);
        await command(
          'release the refresh lease',
          async () => (await client()).eval(RELEASE, { keys: [redisKey], arguments: [owner] }),
          leaseMs,
        ).catch(() => undefined); // an unreleased lease expires by itself
      },
    };
  }
}

/**
 * One Redis command, typed on failure. node-redis queues commands while it reconnects, so each is
 * bounded: past `timeoutMs` (or when the waiter's signal aborts) the caller stops waiting.
 */
async function command<T>(
  what: string,
  run: () => Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const answer = run();
    answer.catch(() => undefined);
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TokenStoreError({
              message: `could not ${what}: Redis did not answer in time`,
              reason: 'timeout',
            }),
          ),
        timeoutMs,
      );
      timer.unref();
      if (signal) {
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
    return await Promise.race([answer, late]);
  } catch (error) {
    if (
      error instanceof FrappeConfigurationError ||
      error instanceof FrappeNetworkError ||
      error instanceof TokenStoreError ||
      (signal?.aborted && error === signal.reason)
    ) {
      throw error;
    }
    throw new TokenStoreError({ message: `could not ${what}: Redis failed`, reason: 'failed', cause: error });
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

async function openClient(url: string): Promise<RedisLockClient> {
  let module: { createClient?: (options: { url: string }) => RedisLockClient };
  try {
    module = (await import('@keyv/redis')) as typeof module;
  } catch (error) {
    throw new FrappeConfigurationError({
      message:
        'createRedisRefreshLock(url) needs the optional peer dependency @keyv/redis: npm install @keyv/redis',
      cause: error,
    });
  }
  if (typeof module.createClient !== 'function') {
    throw new FrappeConfigurationError({
      message: '@keyv/redis does not export createClient; pass a node-redis client instead',
    });
  }
  const client = module.createClient({ url });
  // Errors surface on the commands that fail; an unhandled 'error' event would crash the process.
  client.on?.('error', () => undefined);
  await client.connect?.();
  return client;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new FrappeConfigurationError({
      message: `createRedisRefreshLock: ${name} must be a positive number`,
    });
  }
  return value;
}
