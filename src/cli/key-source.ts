import { execFile } from 'node:child_process';
import { type ParsedArgs, stringOption } from './args';
import type { CliContext } from './context';
import { CliUsageError } from './usage-error';

/**
 * The key tokens are sealed with, from the first of: `--key`, `$FRAPPE_OAUTH_KEY`, or the output
 * of `--key-command` / `$FRAPPE_OAUTH_KEY_COMMAND` — a command that prints it, so the key can live
 * in the OS keyring (`secret-tool lookup service frappe-oauth`, `security find-generic-password
 * -s frappe-oauth -w`) or a password manager (`pass show frappe-oauth`) instead of the
 * environment. Undefined when none is given: tokens are then stored as they are (still 0600).
 */
export async function resolveKey(
  values: ParsedArgs['values'],
  context: CliContext,
): Promise<string | undefined> {
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
