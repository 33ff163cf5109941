#!/usr/bin/env node
/**
 * The `frappe-oauth` command (package bin). Results are JSON on stdout, messages on stderr; see
 * `frappe-oauth --help`.
 */
import { openInBrowser } from './browser';
import { runCli } from './main';

const controller = new AbortController();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C ends at once; the first lets the command stop cleanly.
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort(new Error(`stopped by ${signal}`));
  });
}

// `frappe-oauth list … | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
  openBrowser: (url) => openInBrowser(url, process.env),
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`frappe-oauth: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
