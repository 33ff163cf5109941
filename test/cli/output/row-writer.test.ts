import { describe, expect, it } from 'vitest';
import { checkFormat, RowWriter } from '../../../src/cli/output/row-writer';
import { CliUsageError } from '../../../src/cli/usage-error';

function written(format: 'json' | 'ndjson' | 'csv', rows: Record<string, unknown>[], columns?: string[]) {
  let text = '';
  const writer = new RowWriter({ write: (chunk: string) => (text += chunk) }, format, columns);
  for (const row of rows) writer.write(row);
  return { count: writer.end(), text };
}

describe('RowWriter', () => {
  const rows = [
    { name: 'A, "quoted"', qty: 2, tags: ['x', 'y'], note: 'two\nlines' },
    { name: 'B', qty: null, tags: [], note: undefined },
  ];

  it('json: one array, valid whether empty or not', () => {
    expect(JSON.parse(written('json', rows).text)).toEqual([
      { name: 'A, "quoted"', qty: 2, tags: ['x', 'y'], note: 'two\nlines' },
      { name: 'B', qty: null, tags: [] },
    ]);
    expect(written('json', []).text).toBe('[]\n');
  });

  it('ndjson: a row per line', () => {
    const { text, count } = written('ndjson', rows);
    expect(count).toBe(2);
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).name),
    ).toEqual(['A, "quoted"', 'B']);
  });

  it('csv: RFC 4180 quoting, objects as JSON, empty for null, the columns asked for', () => {
    expect(written('csv', rows).text).toBe(
      'name,qty,tags,note\r\n"A, ""quoted""",2,"[""x"",""y""]","two\nlines"\r\nB,,[],\r\n',
    );
    expect(written('csv', rows, ['qty', 'name']).text).toBe('qty,name\r\n2,"A, ""quoted"""\r\n,B\r\n');
    expect(written('csv', [], ['name']).text).toBe('name\r\n');
  });

  it('refuses an unknown format', () => {
    expect(checkFormat(undefined)).toBe('json');
    expect(() => checkFormat('xml')).toThrow(CliUsageError);
  });
});
