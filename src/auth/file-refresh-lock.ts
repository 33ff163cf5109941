import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FrappeConfigurationError } from '../errors';
import { sleep } from '../transport/sleep';
import { preparePrivateDirectory, writeAtomically } from './file-store';
import type { RefreshLease, RefreshLock } from './refresh-lock';

export interface FileRefreshLockOptions {
  /** The folder for the lease files; created (0700) when missing. May be the file store's folder. */
  directory: string;
  /**
   * How long a lease lives without renewal; default 5000 ms. Its holder renews it every third of
   * that while the refresh runs, so a holder that dies frees the token within this time.
   */
  leaseMs?: number;
  /** How often a waiter looks whether the lease is free; default 50 ms (with jitter). */
  pollMs?: number;
}

/** What a lease file holds. */
interface LeaseRecord {
  owner: string;
  pid: number;
  /** Epoch ms. */
  expires: number;
}

/**
 * A refresh lease between the processes of one machine, through lock files: the file-store
 * counterpart of `createRedisRefreshLock`. Taking the lease is creating `<hash of key>.lock`
 * exclusively (`O_EXCL`, which the kernel makes atomic); its holder renews it while its refresh
 * runs and removes it (only if still its own) when done. A waiter polls until the file is gone,
 * or until it is stale — expired, or held by a process that no longer exists — and then takes it
 * over. So two cron jobs, or two `frappe-oauth token` calls of one shell script, refresh a stored
 * token once, and a killed holder never blocks the others for longer than the lease.
 *
 * ```ts
 * const directory = '/var/lib/my-job/frappe';
 * const client = new FrappeOAuthClient({
 *   …, store: createFileStore(directory), refreshLock: createFileRefreshLock(directory),
 * });
 * ```
 *
 * @param options the folder for the lease files (a path, or `{ directory, leaseMs?, pollMs? }`);
 *   it may be the file store's
 * @returns the lock to pass as the `refreshLock` option. Its `acquire` waits until the lease is
 *   free (or stale), or rejects with the waiter's `signal` reason, or with the file system's
 *   error when the folder cannot be written
 * @throws {FrappeConfigurationError} no directory; a path that is not a folder; a folder of
 *   another user open to group or others; a `leaseMs` / `pollMs` that is not a positive number
 */
export function createFileRefreshLock(options: FileRefreshLockOptions | string): RefreshLock {
  const settings = typeof options === 'string' ? { directory: options } : options;
  if (settings === null || typeof settings !== 'object') {
    throw new FrappeConfigurationError({ message: 'createFileRefreshLock needs a directory' });
  }
  const directory = preparePrivateDirectory(settings.directory, 'createFileRefreshLock');
  const leaseMs = positive(settings.leaseMs, 5000, 'leaseMs');
  const pollMs = positive(settings.pollMs, 50, 'pollMs');

  return {
    async acquire(key, { ttlMs, signal }): Promise<RefreshLease> {
      const path = join(directory, `${createHash('sha256').update(key).digest('hex')}.lock`);
      const owner = randomUUID();
      const lifetime = Math.max(100, Math.min(leaseMs, ttlMs));
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        if (await tryCreate(path, record(owner, lifetime))) return lease(path, owner, lifetime);
        const held = await readLease(path);
        if (held === undefined || isStale(held)) {
          await breakStale(path, held);
          continue;
        }
        // Someone else refreshes: look again soon (jittered, so waiters do not move in step).
        await sleep(pollMs / 2 + Math.random() * pollMs, signal, { unref: true });
      }
    },
  };
}

function lease(path: string, owner: string, lifetime: number): RefreshLease {
  // Renew while the refresh runs; the timer is bookkeeping and never keeps Node alive.
  let released = false;
  // The renewal in flight, if any: a release waits for it, so that it cannot bring the file back.
  let renewing: Promise<void> = Promise.resolve();
  const renewal = setInterval(
    () => {
      renewing = renewing
        .then(async () => {
          if (released) return;
          const held = await readLease(path);
          if (held?.owner === owner) await writeAtomically(path, JSON.stringify(record(owner, lifetime)));
        })
        .catch(() => undefined);
    },
    Math.max(30, Math.floor(lifetime / 3)),
  );
  renewal.unref();
  return {
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(renewal);
      await renewing;
      const held = await readLease(path).catch(() => undefined);
      // Only our own lease is removed; one that expired and was taken over belongs to its new holder.
      if (held?.owner === owner) await unlink(path).catch(() => undefined);
    },
  };
}

function record(owner: string, lifetime: number): LeaseRecord {
  return { owner, pid: process.pid, expires: Date.now() + lifetime };
}

async function tryCreate(path: string, lease: LeaseRecord): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(lease), 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * The lease in the file; undefined when there is none or it cannot be read. A file being written
 * right now reads as empty: that is a live lease being taken, not a stale one, so it is given a
 * moment (an expiry one poll away) rather than broken.
 */
async function readLease(path: string): Promise<LeaseRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LeaseRecord;
    if (typeof parsed?.owner === 'string' && typeof parsed.expires === 'number') return parsed;
  } catch {
    // fall through
  }
  return { owner: `unreadable:${text.length}`, pid: 0, expires: Date.now() + 50 };
}

function isStale(lease: LeaseRecord): boolean {
  if (lease.expires <= Date.now()) return true;
  return lease.pid > 0 && lease.pid !== process.pid && !processExists(lease.pid);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lease without removing a fresh one that another waiter took meanwhile: the file
 * is first renamed aside (atomic), then checked to be the very lease judged stale; if it is not,
 * it is put back unless yet another lease is there already.
 */
async function breakStale(path: string, seen: LeaseRecord | undefined): Promise<void> {
  if (seen === undefined) return; // gone already: try to take it
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readLease(aside).catch(() => undefined);
  if (moved !== undefined && moved.owner !== seen.owner) {
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

function positive(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new FrappeConfigurationError({
      message: `createFileRefreshLock: ${name} must be a positive number`,
    });
  }
  return value;
}
