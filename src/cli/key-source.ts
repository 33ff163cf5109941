import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { EncryptionOptions } from '../auth/value-encryption';
import { type ParsedArgs, stringOption } from './args';
import type { CliContext } from './context';
import { CliUsageError } from './usage-error';

/** One answer per command run: a key command runs once, however many times the key is needed. */
const resolved = new WeakMap<CliContext, Promise<string | undefined>>();

/**
 * The key tokens are sealed with, from the first of: `--key`, `$FRAPPE_OAUTH_KEY`, or the output
 * of `--key-command` / `$FRAPPE_OAUTH_KEY_COMMAND` — a command that prints it, so the key can live
 * in the OS keyring (`secret-tool lookup service frappe-oauth`, `security find-generic-password
 * -s frappe-oauth -w`) or a password manager (`pass show frappe-oauth`) instead of the
 * environment. Undefined when none is given: tokens are then stored as they are (still 0600).
 */
export function resolveKey(values: ParsedArgs['values'], context: CliContext): Promise<string | undefined> {
  let key = resolved.get(context);
  if (!key) {
    key = findKey(values, context);
    resolved.set(context, key);
  }
  return key;
}

async function findKey(values: ParsedArgs['values'], context: CliContext): Promise<string | undefined> {
  const direct = stringOption(values, 'key') ?? (context.env.FRAPPE_OAUTH_KEY || undefined);
  if (direct !== undefined) return direct;
  const command = stringOption(values, 'key-command') ?? (context.env.FRAPPE_OAUTH_KEY_COMMAND || undefined);
  if (command === undefined) return undefined;
  return runKeyCommand(command, context);
}

function runKeyCommand(command: string, context: CliContext): Promise<string> {
  const [shell, flag] = process.platform === 'win32' ? ['cmd.exe', '/c'] : ['/bin/sh', '-c'];
  return new Promise((resolve, reject) => {
    execFile(
      shell,
      [flag, command],
      { env: context.env as NodeJS.ProcessEnv, timeout: 30_000, maxBuffer: 64 * 1024, windowsHide: true },
      (error, stdout) => {
        // Never quote its output: it is the key.
        if (error)
          return reject(
            new CliUsageError(
              `the key command (--key-command or $FRAPPE_OAUTH_KEY_COMMAND) failed (${describe(error)})`,
            ),
          );
        const key = String(stdout).trim();
        if (key === '')
          return reject(
            new CliUsageError(`the key command (--key-command or $FRAPPE_OAUTH_KEY_COMMAND) printed nothing`),
          );
        resolve(key);
      },
    );
  });
}

function describe(error: { killed?: boolean; code?: unknown }): string {
  if (error.killed) return 'timed out';
  return typeof error.code === 'number' ? `exit status ${error.code}` : String(error.code ?? 'error');
}

/**
 * The client's `encryption` option for a key (see resolveKey). Its key id is derived from the
 * key, so a wrong key reads as "no key opens this value".
 */
export function encryptionFor(key: string | undefined): EncryptionOptions | undefined {
  if (key === undefined) return undefined;
  const id = `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
  return { keys: { [id]: key }, current: id };
}
