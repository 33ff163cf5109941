import { integerOption, requirePositionals, stringOption } from '../args';
import { COMMON_HELP, type Command } from '../command';
import { ProgressBar } from '../output/progress-bar';
import { checkFormat, RowWriter } from '../output/row-writer';
import { withSite } from '../site-client';
import { CliUsageError } from '../usage-error';
import { fieldsFrom, filtersFrom } from './list-filters';

export const listCommand: Command = {
  name: 'list',
  summary: 'list documents (fields, filters; --all streams every row) as JSON, NDJSON or CSV',
  help: `Usage: frappe-oauth list <DocType> [options]

Lists documents of a DocType. One page by default (Frappe's 20 rows, or --limit); with --all every
matching row, read page by page by keyset on (modified, name) so nothing is skipped or repeated
while others write, with memory bounded by one page; a progress bar goes to stderr when it is a
terminal and the rows go to a file or a pipe.

  frappe-oauth list Customer --fields name,customer_group --filter customer_group=Commercial
  frappe-oauth list Item --all --format csv > items.csv

Options:
  --fields a,b,c          the fields (or a JSON list); default name
  --filter FIELD=VALUE    a condition (also != > < >= <= and ~ for like); repeatable, ANDed
  --filters JSON          Frappe's filters, list or dict form
  --or-filters JSON       conditions of which one must hold (not with --all)
  --order-by "FIELD desc" sort order (not with --all, which orders by modified, name)
  --limit N               rows of one page (default 20; 0: all rows in one answer)
  --start N               skip N rows (not with --all)
  --all                   every matching row, page by page
  --page-size N           rows per page with --all (default 500)
  --format FORMAT         json (default: an array), ndjson (a row per line) or csv
  --progress              show progress even when stderr is not a terminal
  --no-progress           never show progress

${COMMON_HELP}`,
  options: {
    fields: { type: 'string' },
    filter: { type: 'string', multiple: true },
    filters: { type: 'string' },
    'or-filters': { type: 'string' },
    'order-by': { type: 'string' },
    limit: { type: 'string' },
    start: { type: 'string' },
    all: { type: 'boolean' },
    'page-size': { type: 'string' },
    format: { type: 'string' },
    progress: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
  },
  async run({ values, positionals }, context) {
    const [doctype] = requirePositionals('list', positionals, ['DocType']) as [string];
    const format = checkFormat(stringOption(values, 'format'));
    const fields = fieldsFrom(values);
    const filters = filtersFrom(values);
    const all = values.all === true;
    if (all) {
      for (const option of ['order-by', 'start', 'limit', 'or-filters']) {
        if (values[option] !== undefined) throw new CliUsageError(`list: --${option} does not go with --all`);
      }
    }
    const limit = integerOption(values, 'limit', { min: 0, max: 10_000_000 });
    const start = integerOption(values, 'start', { min: 0, max: 10_000_000 });
    const pageSize = integerOption(values, 'page-size', { min: 1, max: 10_000 }) ?? 500;
    const orFiltersText = stringOption(values, 'or-filters');
    const orFilters = orFiltersText === undefined ? undefined : filtersFrom({ filters: orFiltersText });
    const writer = new RowWriter(context.stdout, format, fields);
    return withSite(values, context, async ({ client }) => {
      if (!all) {
        const rows = await client.getList(doctype, {
          fields,
          filters,
          orFilters,
          orderBy: stringOption(values, 'order-by'),
          limit,
          start,
          signal: context.signal,
        });
        for (const row of rows) writer.write(row);
        writer.end();
        return 0;
      }
      // By default only when a person watches stderr and the rows go elsewhere (a file, a pipe):
      // a bar redrawn between rows printed on the same terminal would garble both.
      const showProgress =
        values['no-progress'] !== true &&
        (values.progress === true || (context.stderr.isTTY === true && context.stdout.isTTY !== true));
      // iterateList's onProgress counts the rows once at the start and reports after each page.
      const progress = showProgress ? new ProgressBar(context.stderr, doctype, undefined) : undefined;
      // iterateList reads `modified` and `name` too (its keyset); the output keeps the fields asked for.
      const project = fields && !fields.includes('*') ? fields : undefined;
      for await (const row of client.iterateList(doctype, {
        fields,
        filters,
        pageSize,
        signal: context.signal,
        onProgress: progress ? ({ done, total }) => progress.update(done, total) : undefined,
      })) {
        writer.write(project ? pick(row, project) : row);
      }
      const count = writer.end();
      progress?.finish();
      if (!showProgress && context.stderr.isTTY) context.stderr.write(`${count} rows\n`);
      return 0;
    });
  },
};

function pick(row: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    // `customer_group as group` and `tabX`.`y` name their column after the alias or the field.
    const column = /\s+as\s+(\S+)$/i.exec(field)?.[1] ?? field.split('.').pop()?.replaceAll('`', '') ?? field;
    if (column in row) picked[column] = row[column];
  }
  return picked;
}
