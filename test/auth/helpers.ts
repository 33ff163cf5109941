import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** One process of a machine sharing a file store, driven over IPC (see the worker's header). */
const FILE_STORE_WORKER = join(process.cwd(), 'test/fixtures/file-store-worker.mts');
const folders: string[] = [];
const children: ChildProcess[] = [];

// Whatever a test leaves behind goes after it, even when it fails half-way.
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A new empty folder under the system temp folder, removed after the test. */
export function freshFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** Starts a file-store worker with `env` added to this process's; resolves once it says it is ready. */
export function startFileStoreWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(FILE_STORE_WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

/** Sends one message to a worker and resolves with its answer; rejects if the worker dies first. */
export function askWorker<T>(child: ChildProcess, message: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error('worker died'));
    child.once('exit', onExit);
    child.once('message', (answer) => {
      child.off('exit', onExit);
      resolve(answer as T);
    });
    child.send(message);
  });
}
