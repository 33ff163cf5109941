import { parseArgs } from 'node:util';
import { CliUsageError } from './usage-error';

export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  site: { type: 'string' },
  key: { type: 'string' },
  'key-command': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** `node:util` parseArgs, strict, with its errors as a usage error naming the command. */
export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new CliUsageError(`${command}: ${(error as Error).message} (see frappe-oauth ${command} --help)`);
  }
}

export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(values: ParsedArgs['values'], name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** A whole number option within bounds; a usage error otherwise. */
export function integerOption(
  values: ParsedArgs['values'],
  name: string,
  { min, max }: { min: number; max: number },
): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new CliUsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Parses a JSON option, naming it in the usage error. */
export function jsonOption(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new CliUsageError(`--${name} must be JSON`);
  }
}

export function requirePositionals(command: string, positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) {
    throw new CliUsageError(
      `${command} needs ${names.map((name) => `<${name}>`).join(' ')} (see frappe-oauth ${command} --help)`,
    );
  }
  if (positionals.length > names.length) {
    throw new CliUsageError(`${command}: unexpected argument ${JSON.stringify(positionals[names.length])}`);
  }
  return positionals;
}
