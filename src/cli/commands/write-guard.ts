import { readFile } from 'node:fs/promises';
import { jsonOption, type ParsedArgs, stringOption } from '../args';
import type { CliContext } from '../context';
import { CliUsageError } from '../usage-error';

/** The command line is read-only unless it says `--write`, like Frappe's own command line client. */
export function requireWrite(command: string, values: ParsedArgs['values']): void {
  if (values.write !== true) {
    throw new CliUsageError(
      `${command} changes data on the site: add --write to allow it (frappe-oauth is read-only by default)`,
    );
  }
}

/** `--data JSON`, `--data @file.json` or `--data -` (stdin): a JSON object. */
export async function documentData(
  values: ParsedArgs['values'],
  context: CliContext,
): Promise<Record<string, unknown>> {
  const raw = stringOption(values, 'data');
  if (raw === undefined)
    throw new CliUsageError('--data is needed: a JSON object, @file.json or - for stdin');
  let text = raw;
  if (raw === '-') text = await readAll(context.stdin);
  else if (raw.startsWith('@')) {
    try {
      text = await readFile(raw.slice(1), 'utf8');
    } catch (error) {
      throw new CliUsageError(
        `--data ${raw}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const parsed = jsonOption(text, 'data');
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliUsageError('--data must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk) => {
      text += String(chunk);
    });
    stream.once('end', () => resolve(text));
    stream.once('error', reject);
    stream.resume();
  });
}
