import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { FrappeConfigurationError, TokenStoreError } from '../errors';
import type { KeyvLike } from './token-store';

export interface FileStoreOptions {
  /**
   * The folder holding one file per key; created (0700) when missing. It must not be readable by
   * other users: an existing folder open to group or others is refused.
   */
  directory: string;
}

/** One key's file: the key itself (to list and to check), the value, and when it expires. */
interface Entry {
  key: string;
  value: unknown;
  /** Epoch ms; absent when the value does not expire. */
  expires?: number;
}

const FILE_SUFFIX = '.json';

/**
 * A Keyv-compatible store in a folder on this machine, for scripts and cron jobs whose token and
 * checkpoints must outlive the process, with no Redis. Give it to the client as `store`.
 *
 * - Each key is one file (named by the SHA-256 of the key), so writers of different keys never
 *   touch the same file and a write can never lose another key's value.
 * - A write goes to a temporary file in the same folder (mode 0600), is flushed to disk, then
 *   renamed over the key's file: a reader (in this process or another) sees the old value or the
 *   new one, never a torn file; a writer killed midway leaves the old value.
 * - Two processes writing the same key at once: the last rename wins, as with Redis `SET`; pair it
 *   with `createFileRefreshLock` so that they do not refresh the same token twice.
 * - Values are JSON. A TTL (ms, as Keyv takes it) is kept in the file and checked on read.
 *
 * Failures reject (the client turns them into TokenStoreError); nothing is swallowed.
 */
export class FileStore implements KeyvLike {
  readonly directory: string;

  /**
   * @param options the folder, as a path or `{ directory }`; created (0700) when missing
   * @throws {FrappeConfigurationError} as {@link createFileStore}
   */
  constructor(options: FileStoreOptions | string) {
    const directory = typeof options === 'string' ? options : options?.directory;
    this.directory = preparePrivateDirectory(directory, 'createFileStore');
  }

  async get(key: string): Promise<unknown> {
    const entry = await this.read(checkKey(key));
    return entry?.value;
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    checkKey(key);
    const entry: Entry = { key, value };
    if (typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0) entry.expires = Date.now() + ttl;
    let text: string;
    try {
      text = JSON.stringify(entry);
    } catch (error) {
      throw new TokenStoreError({ message: 'the file store holds JSON values only', cause: error });
    }
    await writeAtomically(this.pathOf(key), text);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return removeIfPresent(this.pathOf(checkKey(key)));
  }

  async has(key: string): Promise<boolean> {
    return (await this.read(checkKey(key))) !== undefined;
  }

  /** Removes every key of this store (only its own `*.json` files). */
  async clear(): Promise<void> {
    for (const name of await readdir(this.directory)) {
      if (name.endsWith(FILE_SUFFIX)) await removeIfPresent(join(this.directory, name));
    }
  }

  private pathOf(key: string): string {
    return join(this.directory, `${createHash('sha256').update(key).digest('hex')}${FILE_SUFFIX}`);
  }

  /**
   * Removes an expired value (an abandoned sign-in's pending authorization, say) so the folder
   * does not fill up, but only while the file still holds what was read: a value written since
   * is left alone.
   */
  private async removeExpired(key: string, seen: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      if ((await readFile(path, 'utf8')) === seen) await unlink(path);
    } catch {
      // gone already, or unreadable: the next read decides
    }
  }

  private async read(key: string): Promise<Entry | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let entry: Entry;
    try {
      entry = JSON.parse(text) as Entry;
    } catch {
      // Never quote the file: it holds a token.
      throw new TokenStoreError({ message: 'a file of the file store is not valid JSON', reason: 'failed' });
    }
    if (entry === null || typeof entry !== 'object' || entry.key !== key) return undefined;
    if (typeof entry.expires === 'number' && entry.expires <= Date.now()) {
      await this.removeExpired(key, text);
      return undefined;
    }
    return entry;
  }
}

/**
 * A file store in `directory` (see {@link FileStore}), for the `store` option.
 *
 * @param options the folder, as a path or `{ directory }`; created (0700) when missing
 * @returns the store; its reads and writes reject with the file system's error, or with
 *   TokenStoreError for a file that is not valid JSON (the client reports either as
 *   TokenStoreError)
 * @throws {FrappeConfigurationError} no directory; a path that is not a folder; a folder of
 *   another user that group or others may read or enter; a folder that cannot be created or read
 */
export function createFileStore(options: FileStoreOptions | string): FileStore {
  return new FileStore(options);
}

/**
 * Resolves `directory`, creates it (0700) when missing, and refuses one that group or others may
 * read or enter: a token store there would be everyone's.
 */
export function preparePrivateDirectory(directory: unknown, caller: string): string {
  if (typeof directory !== 'string' || directory === '') {
    throw new FrappeConfigurationError({ message: `${caller} needs a directory (a non-empty path)` });
  }
  const path = isAbsolute(directory) ? directory : resolve(directory);
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    const stat = statSync(path);
    if (!stat.isDirectory()) {
      throw new FrappeConfigurationError({ message: `${caller}: ${path} is not a directory` });
    }
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      // Our own folder (just created under a loose umask) is tightened; anyone else's is refused.
      if (typeof process.getuid === 'function' && stat.uid === process.getuid()) chmodSync(path, 0o700);
      else {
        throw new FrappeConfigurationError({
          message: `${caller}: ${path} is open to other users; use a folder of your own (chmod 700)`,
        });
      }
    }
  } catch (error) {
    if (error instanceof FrappeConfigurationError) throw error;
    throw new FrappeConfigurationError({
      message: `${caller}: cannot prepare ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    });
  }
  return path;
}

/** Writes `text` to a temporary file beside `path` (0600), flushes it, and renames it over `path`. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await removeIfPresent(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await removeIfPresent(temporary).catch(() => undefined);
    throw error;
  }
}

async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key === '') {
    throw new TokenStoreError({ message: 'a file store key must be a non-empty string' });
  }
  return key;
}
