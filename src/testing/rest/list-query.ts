import { frappeThrow } from '../core/exceptions';
import type { Site } from '../site';
import { cint, jsonArg, truthy } from './args';
import { columnsOf, columnType, type DocTypeMeta, getMeta, isNumericType, parentsOf } from './doctypes';
import { compileFilters, unknownField } from './filters';
import { hasPermission, listPermissionDenied, unknownDoctype } from './permissions';

/** The arguments of `GET /api/resource/<DocType>` and `frappe.client.get_list`. */
export interface ListArgs {
  fields?: unknown;
  filters?: unknown;
  or_filters?: unknown;
  order_by?: unknown;
  limit_start?: unknown;
  limit_page_length?: unknown;
  limit?: unknown;
  as_dict?: unknown;
  parent?: unknown;
}

interface Projection {
  readonly column: string;
  readonly alias: string;
}

interface SortKey {
  readonly column: string;
  readonly descending: boolean;
  readonly numeric: boolean;
}

/**
 * `frappe.get_list` (`DatabaseQuery.execute`): read permission, filters, or_filters, order_by,
 * limit_start/limit_page_length (default 20, 0 = all), fields (default `name`, `*` = every
 * column) and as_dict. One linear scan, one sort and one slice per call, so it stays fast on
 * 100,000 rows.
 */
export function runListQuery(site: Site, user: string, doctype: string, args: ListArgs): unknown[] {
  const meta = getMeta(doctype);
  if (!meta) throw unknownDoctype(site, user, doctype);
  if (!hasPermission(site, user, doctype, 'read')) throw listPermissionDenied(doctype);

  const projection = parseFields(meta, args.fields);
  const filter = compileFilters(meta, jsonArg(args.filters, 'filters'), 'and');
  const orFilter = compileFilters(meta, jsonArg(args.or_filters, 'or_filters'), 'or');
  const sortKeys = parseOrderBy(meta, args.order_by);
  const start = Math.max(0, cint(args.limit_start));
  const pageLength = pageLengthOf(args);

  const matches: Record<string, unknown>[] = [];
  for (const row of sourceRows(site, meta, args.parent)) {
    if (filter(row) && orFilter(row)) matches.push(row);
  }
  if (sortKeys.length > 0) matches.sort(comparator(sortKeys));
  const page = pageLength > 0 ? matches.slice(start, start + pageLength) : matches.slice(start);

  const asDict = truthy(args.as_dict, true);
  return page.map((row) =>
    asDict
      ? Object.fromEntries(projection.map(({ column, alias }) => [alias, row[column] ?? null]))
      : projection.map(({ column }) => row[column] ?? null),
  );
}

/** The number of rows a filter matches (`frappe.client.get_count`). */
export function countRows(site: Site, user: string, doctype: string, filters: unknown): number {
  const meta = getMeta(doctype);
  if (!meta) throw unknownDoctype(site, user, doctype);
  if (!hasPermission(site, user, doctype, 'read')) throw listPermissionDenied(doctype);
  const filter = compileFilters(meta, filters, 'and');
  let count = 0;
  for (const row of sourceRows(site, meta, undefined)) if (filter(row)) count += 1;
  return count;
}

/** `limit_page_length`, with `limit` as its alias; absent → 20, `0` → no limit. */
function pageLengthOf(args: ListArgs): number {
  const raw = args.limit_page_length ?? args.limit;
  if (raw === undefined || raw === null || raw === '') return 20;
  return Math.max(0, cint(raw));
}

/** Rows of the doctype's table; child doctypes need `parent` (the parent doctype) as on Frappe. */
function* sourceRows(site: Site, meta: DocTypeMeta, parent: unknown): Iterable<Record<string, unknown>> {
  if (!meta.istable) {
    yield* site.docs.table(meta.name).values();
    return;
  }
  const link = parentsOf(meta.name).find(({ parent: parentMeta }) => parentMeta.name === parent);
  if (!link) {
    throw frappeThrow('ValidationError', `Please specify a valid parent DocType for <b>${meta.name}</b>`);
  }
  for (const doc of site.docs.table(link.parent.name).values()) {
    const rows = doc[link.field.fieldname];
    if (Array.isArray(rows)) yield* rows as Record<string, unknown>[];
  }
}

/**
 * `fields`: a JSON list, `*`, or (as `DatabaseQuery.parse_args` falls back to) a comma-separated
 * string. `field as alias` and backtick-qualified `tabDocType`.`field` are accepted.
 */
function parseFields(meta: DocTypeMeta, raw: unknown): Projection[] {
  let fields: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) fields = jsonArg(text, 'fields');
    else fields = text === '' ? [] : text.split(',').map((part) => part.trim());
  }
  if (fields === undefined || fields === null) fields = ['name'];
  if (!Array.isArray(fields)) throw frappeThrow('ValidationError', "'fields' must be a list of field names");
  const entries: unknown[] = fields.length === 0 ? ['name'] : fields;
  const columns = columnsOf(meta);
  const out: Projection[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') throw unknownField(JSON.stringify(entry));
    const [expression = '', alias] = entry.split(/\s+as\s+/i).map((part) => part.trim());
    const column = bareColumn(expression);
    if (column === '*') {
      for (const each of columns) out.push({ column: each, alias: each });
      continue;
    }
    if (!columns.includes(column)) throw unknownField(entry);
    out.push({ column, alias: alias ? alias.replaceAll('`', '') : column });
  }
  return out;
}

/** `order_by`: `field [asc|desc]`, comma-separated; default the doctype's sort (`modified desc`). */
function parseOrderBy(meta: DocTypeMeta, raw: unknown): SortKey[] {
  const text =
    typeof raw === 'string' && raw.trim() !== ''
      ? raw
      : `${meta.sort_field} ${meta.sort_order.toLowerCase()}`;
  const columns = columnsOf(meta);
  return text.split(',').map((part) => {
    const [expression = '', direction = 'asc', ...rest] = part.trim().split(/\s+/);
    const column = bareColumn(expression);
    const dir = direction.toLowerCase();
    if (!columns.includes(column) || rest.length > 0 || (dir !== 'asc' && dir !== 'desc')) {
      throw unknownField(part.trim());
    }
    return { column, descending: dir === 'desc', numeric: isNumericType(columnType(meta, column)) };
  });
}

function bareColumn(expression: string): string {
  return expression.replace(/^`?tab[^`.]+`?\./, '').replaceAll('`', '');
}

/** SQL ordering: NULLs first ascending, numbers numerically, text by code point. */
function comparator(keys: readonly SortKey[]) {
  return (left: Record<string, unknown>, right: Record<string, unknown>): number => {
    for (const key of keys) {
      const order = compareValues(left[key.column], right[key.column], key.numeric);
      if (order !== 0) return key.descending ? -order : order;
    }
    return 0;
  };
}

function compareValues(left: unknown, right: unknown, numeric: boolean): number {
  const leftNull = left === null || left === undefined;
  const rightNull = right === null || right === undefined;
  if (leftNull || rightNull) return leftNull === rightNull ? 0 : leftNull ? -1 : 1;
  if (numeric) return Number(left) - Number(right);
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `frappe.db.get_value(doctype, filters, "name")`: the first match in default order, no permission check. */
export function firstMatch(site: Site, doctype: string, filters: unknown): string | undefined {
  const meta = getMeta(doctype);
  if (!meta) return undefined;
  const filter = compileFilters(meta, filters, 'and');
  const sortKeys = parseOrderBy(meta, undefined);
  let best: Record<string, unknown> | undefined;
  const order = comparator(sortKeys);
  for (const row of sourceRows(site, meta, undefined)) {
    if (filter(row) && (best === undefined || order(row, best) < 0)) best = row;
  }
  return best ? String(best.name) : undefined;
}
