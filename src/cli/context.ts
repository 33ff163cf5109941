/** What a command may touch of the world: its streams, environment and an abort signal (Ctrl-C). */
export interface CliContext {
  /** Results: JSON (or the generated TypeScript of `typegen`). */
  stdout: CliOutput;
  /** Human messages and the progress bar. */
  stderr: CliOutput;
  /** Where a password may be read from (`login --password`). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  env: Record<string, string | undefined>;
  /** Aborts on SIGINT/SIGTERM, so a command waiting for a browser or a long export stops cleanly. */
  signal: AbortSignal;
  /** Opens a URL in the user's browser; false when it could not. */
  openBrowser(url: string): Promise<boolean>;
}

export interface CliOutput {
  write(text: string): unknown;
  /** True when a person is watching (a terminal): the progress bar redraws in place then. */
  isTTY?: boolean;
}

/** Writes one JSON result, pretty-printed, with a final newline. */
export function writeJson(output: CliOutput, value: unknown): void {
  output.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes one JSON value on a single line. */
export function writeLine(output: CliOutput, value: unknown): void {
  output.write(`${JSON.stringify(value)}\n`);
}
