import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach } from 'vitest';
import type { CliContext } from '../../src/cli/context';
import { runCli } from '../../src/cli/main';
import { USERS } from '../helpers/frappe-site';
import { auditLine } from '../helpers/secret-audit';

const homes: string[] = [];

afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A fresh $XDG_CONFIG_HOME, removed after the test. */
export function freshConfigHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'frappe-oauth-cli-'));
  homes.push(home);
  return home;
}

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json<T = Record<string, unknown>>(): T;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  stderrIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  signal?: AbortSignal;
  openBrowser?: (url: string) => Promise<boolean>;
}

/** Runs one command line in this process, as the bin would, with its output captured. */
export async function cli(configHome: string, argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const context: CliContext = {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.stdoutIsTTY ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.stderrIsTTY ?? false },
    stdin,
    env: { HOME: configHome, XDG_CONFIG_HOME: configHome, ...options.env },
    signal: options.signal ?? new AbortController().signal,
    openBrowser: options.openBrowser ?? (async () => false),
  };
  const status = await runCli(argv, context);
  // Messages go to the leak scan: only stdout of `token` may hold a token, and the help of
  // `emulator` names the emulator's demo credentials on purpose.
  const help = argv.some((arg) => arg === '--help' || arg === '-h');
  if (!help) {
    auditLine(stderr);
    if (argv[0] !== 'token') auditLine(stdout);
  }
  return {
    status,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
  };
}

/**
 * `frappe-oauth login` to `siteUrl` as alice with the password grant (the password from
 * $FRAPPE_OAUTH_PASSWORD, the public `shop` client), into a fresh config home.
 */
export async function passwordLoginAsAlice(siteUrl: string): Promise<{ home: string; login: CliRun }> {
  const home = freshConfigHome();
  const login = await cli(
    home,
    ['login', '--url', siteUrl, '--client-id', 'shop', '--password', '--user', USERS.alice.email],
    { env: { FRAPPE_OAUTH_PASSWORD: USERS.alice.password } },
  );
  return { home, login };
}
