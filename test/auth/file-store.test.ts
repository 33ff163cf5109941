import type { ChildProcess } from 'node:child_process';
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFileStore, FrappeConfigurationError, TokenStoreError } from '../../src';
import { askWorker, freshFolder, startFileStoreWorker } from './helpers';

const posix = process.platform !== 'win32';

describe('createFileStore', () => {
  it('keeps values across store objects (a later process), deletes, clears and honours TTLs', async () => {
    const directory = join(freshFolder('frappe-file-store-'), 'tokens');
    const store = createFileStore({ directory });
    await store.set('token:a', { access_token: 'a-token', nested: { n: 1 } });
    await store.set('pending:x', { verifier: 'v' }, 60_000);
    expect(await createFileStore(directory).get('token:a')).toEqual({
      access_token: 'a-token',
      nested: { n: 1 },
    });
    expect(await store.has('pending:x')).toBe(true);
    const later = Date.now() + 60_001;
    vi.spyOn(Date, 'now').mockReturnValue(later); // a minute later
    expect(await store.get('pending:x')).toBeUndefined();
    vi.restoreAllMocks();
    expect(readdirSync(directory)).toHaveLength(1); // the expired file is gone
    expect(await store.delete('token:a')).toBe(true);
    expect(await store.delete('token:a')).toBe(false);
    await store.set('b', 1);
    await store.clear();
    expect(await store.get('b')).toBeUndefined();
    expect(readdirSync(directory)).toEqual([]);
  });

  it.skipIf(!posix)(
    'creates its folder 0700 and its files 0600, and tightens a loose folder of ours',
    async () => {
      const directory = join(freshFolder('frappe-file-store-'), 'deep', 'tokens');
      const store = createFileStore(directory);
      await store.set('k', 'v');
      expect(statSync(directory).mode & 0o777).toBe(0o700);
      const [file] = readdirSync(directory);
      expect(statSync(join(directory, file as string)).mode & 0o777).toBe(0o600);
      expect(file).toMatch(/^[0-9a-f]{64}\.json$/); // the key is not in the name
      const loose = freshFolder('frappe-file-store-');
      chmodSync(loose, 0o755);
      createFileStore(loose);
      expect(statSync(loose).mode & 0o777).toBe(0o700);
    },
  );

  it('refuses bad input with typed errors, and never quotes a damaged file', async () => {
    expect(() => createFileStore('')).toThrow(FrappeConfigurationError);
    expect(() => createFileStore(undefined as never)).toThrow(FrappeConfigurationError);
    const folder = freshFolder('frappe-file-store-');
    writeFileSync(join(folder, 'a-file'), 'x');
    expect(() => createFileStore(join(folder, 'a-file'))).toThrow(FrappeConfigurationError);
    const store = createFileStore(folder);
    await expect(store.get('')).rejects.toBeInstanceOf(TokenStoreError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.set('c', cyclic)).rejects.toBeInstanceOf(TokenStoreError);
    await store.set('damaged', { access_token: 'secret-in-file' });
    const name = readdirSync(folder).find((entry) => entry.endsWith('.json')) as string;
    writeFileSync(join(folder, name), '{"key":"damaged","value":{"access_token":"secret-in-fi');
    const error = await store.get('damaged').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect(JSON.stringify(error) + String(error)).not.toContain('secret-in-fi');
  });
});

describe('two processes writing one file store at once', () => {
  it('lose nothing, never see a torn value, and leave no temporary file', async () => {
    const directory = freshFolder('frappe-file-store-');
    const [a, b] = await Promise.all([
      startFileStoreWorker({ STORE_DIR: directory }),
      startFileStoreWorker({ STORE_DIR: directory }),
    ]);
    type Result = { torn: unknown[]; failures: number };
    const results = await Promise.all([
      askWorker<Result>(a as ChildProcess, { type: 'writes', prefix: 'a', count: 300, sharedKey: 'shared' }),
      askWorker<Result>(b as ChildProcess, { type: 'writes', prefix: 'b', count: 300, sharedKey: 'shared' }),
    ]);
    for (const result of results) expect(result).toEqual({ type: 'result', torn: [], failures: 0 });
    const store = createFileStore(directory);
    for (const prefix of ['a', 'b']) {
      for (let slot = 0; slot < 10; slot++) {
        // each key holds its writer's last write to it
        expect(await store.get(`${prefix}:${slot}`)).toMatchObject({ writer: prefix, i: 290 + slot });
      }
    }
    expect(await store.get('shared')).toMatchObject({ i: 299 });
    expect(readdirSync(directory).filter((name) => !name.endsWith('.json'))).toEqual([]);
    expect(readdirSync(directory)).toHaveLength(21);
  }, 60_000);
});
