import type { CliOutput } from '../context';
import { CliUsageError } from '../usage-error';

export type RowFormat = 'json' | 'ndjson' | 'csv';

export function checkFormat(value: string | undefined): RowFormat {
  const format = value ?? 'json';
  if (format !== 'json' && format !== 'ndjson' && format !== 'csv') {
    throw new CliUsageError('--format must be json, ndjson or csv');
  }
  return format;
}

/**
 * Writes rows as they come, so an export of any size stays within one page of memory: a JSON array
 * (opened on the first row), one JSON object per line, or CSV (RFC 4180: a header of the columns,
 * fields quoted when they hold a comma, quote or line break; objects and arrays as JSON).
 */
export class RowWriter {
  private count = 0;
  private columns: string[] | undefined;

  constructor(
    private readonly output: CliOutput,
    private readonly format: RowFormat,
    /** CSV columns; default the first row's keys. */
    columns?: string[],
  ) {
    this.columns = columns && columns.length > 0 ? columns : undefined;
  }

  write(row: Record<string, unknown>): void {
    if (this.format === 'ndjson') this.output.write(`${JSON.stringify(row)}\n`);
    else if (this.format === 'json') {
      const text = JSON.stringify(row, null, 2).replaceAll('\n', '\n  ');
      this.output.write(`${this.count === 0 ? '[\n  ' : ',\n  '}${text}`);
    } else {
      if (this.count === 0) {
        this.columns ??= Object.keys(row);
        this.output.write(`${this.columns.map(csvField).join(',')}\r\n`);
      }
      this.output.write(`${(this.columns ?? []).map((column) => csvField(row[column])).join(',')}\r\n`);
    }
    this.count += 1;
  }

  /** Closes the JSON array (an empty one when no row came); the number of rows written. */
  end(): number {
    if (this.format === 'json') this.output.write(this.count === 0 ? '[]\n' : '\n]\n');
    else if (this.format === 'csv' && this.count === 0 && this.columns) {
      this.output.write(`${this.columns.map(csvField).join(',')}\r\n`);
    }
    return this.count;
  }
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
