import { FrappeException, frappeThrow } from '../core/exceptions';
import { flt } from './args';
import { columnsOf, columnType, type DocTypeMeta, getMeta, isNumericType, tableFields } from './doctypes';

/** One condition after normalisation: `[doctype, field, operator, value]`. */
interface Condition {
  readonly doctype: string;
  readonly field: string;
  readonly operator: string;
  readonly value: unknown;
}

export type RowPredicate = (row: Readonly<Record<string, unknown>>) => boolean;

const OPERATORS = new Set([
  '=',
  '!=',
  '>',
  '<',
  '>=',
  '<=',
  'like',
  'not like',
  'in',
  'not in',
  'between',
  'is',
]);

/**
 * Frappe's list filters (`frappe.model.db_query`): list form `[[field, op, value]]` or
 * `[[doctype, field, op, value]]`, dict form `{field: value}` / `{field: [op, value]}`. Returns
 * one predicate: all conditions AND-ed (or OR-ed for `or_filters`). Conditions on a child
 * doctype match when any row of that table matches (the SQL join, one row per parent here).
 */
export function compileFilters(meta: DocTypeMeta, filters: unknown, combine: 'and' | 'or'): RowPredicate {
  const conditions = normalise(meta, filters);
  if (conditions.length === 0) return () => true;
  const predicates = conditions.map((condition) => compileCondition(meta, condition));
  return combine === 'and'
    ? (row) => predicates.every((predicate) => predicate(row))
    : (row) => predicates.some((predicate) => predicate(row));
}

function normalise(meta: DocTypeMeta, filters: unknown): Condition[] {
  if (filters === undefined || filters === null || filters === '') return [];
  if (Array.isArray(filters)) return filters.map((entry) => fromList(meta, entry));
  if (typeof filters === 'object') {
    return Object.entries(filters as Record<string, unknown>).map(([field, value]) => {
      if (Array.isArray(value)) {
        if (value.length < 2) throw invalidFilter(`${field}: ${JSON.stringify(value)}`);
        return { doctype: meta.name, field, operator: operatorOf(value[0]), value: value[1] };
      }
      return { doctype: meta.name, field, operator: '=', value };
    });
  }
  throw frappeThrow('ValidationError', `Filters must be a list or a dict, got: ${String(filters)}`);
}

function fromList(meta: DocTypeMeta, entry: unknown): Condition {
  if (!Array.isArray(entry)) throw invalidFilter(JSON.stringify(entry));
  if (entry.length === 3) {
    return { doctype: meta.name, field: String(entry[0]), operator: operatorOf(entry[1]), value: entry[2] };
  }
  if (entry.length >= 4) {
    return {
      doctype: String(entry[0]),
      field: String(entry[1]),
      operator: operatorOf(entry[2]),
      value: entry[3],
    };
  }
  throw invalidFilter(JSON.stringify(entry));
}

function invalidFilter(text: string): FrappeException {
  return frappeThrow(
    'ValidationError',
    `Filter must have 4 values (doctype, fieldname, operator, value): ${text}`,
  );
}

function operatorOf(value: unknown): string {
  const operator = String(value).trim().toLowerCase().replace(/\s+/g, ' ');
  if (operator === '==') return '=';
  if (operator === '<>') return '!=';
  if (!OPERATORS.has(operator)) {
    throw frappeThrow('ValidationError', `Operator must be one of ${[...OPERATORS].join(', ')}`);
  }
  return operator;
}

/** "Field not permitted in query" for a column the table does not have. */
export function unknownField(field: string): FrappeException {
  return new FrappeException('DataError', {
    message: `Field not permitted in query: ${field}`,
    thrown: true,
  });
}

function compileCondition(meta: DocTypeMeta, condition: Condition): RowPredicate {
  if (condition.doctype === meta.name) return compileOnColumn(meta, condition);
  const table = tableFields(meta).find((field) => field.options === condition.doctype);
  const childMeta = getMeta(condition.doctype);
  if (!table || !childMeta) {
    throw frappeThrow(
      'ValidationError',
      `Invalid filter: ${condition.doctype} is not a table of ${meta.name}`,
    );
  }
  const onRow = compileOnColumn(childMeta, condition);
  return (row) => {
    const rows = row[table.fieldname];
    return Array.isArray(rows) && rows.some((child) => onRow(child as Record<string, unknown>));
  };
}

function compileOnColumn(meta: DocTypeMeta, condition: Condition): RowPredicate {
  const field = condition.field.replace(/^`?tab[^`.]+`?\./, '').replaceAll('`', '');
  if (!columnsOf(meta).includes(field)) throw unknownField(field);
  const type = columnType(meta, field);
  const numeric = isNumericType(type);
  // Frappe wraps the column in ifnull(col, fallback): NULL compares as '' (or 0 for numbers).
  const read = numeric
    ? (row: Readonly<Record<string, unknown>>) => flt(row[field])
    : (row: Readonly<Record<string, unknown>>) => asText(row[field]);
  const coerce = (value: unknown): number | string => (numeric ? flt(value) : asText(value));
  const { operator, value } = condition;

  switch (operator) {
    case '=': {
      const target = coerce(value);
      return (row) => read(row) === target;
    }
    case '!=': {
      const target = coerce(value);
      return (row) => read(row) !== target;
    }
    case '>':
    case '<':
    case '>=':
    case '<=': {
      const target = coerce(value);
      return (row) => compare(read(row), target, operator);
    }
    case 'like':
    case 'not like': {
      const pattern = likePattern(asText(value));
      const negate = operator === 'not like';
      return (row) => pattern.test(asText(row[field])) !== negate;
    }
    case 'in':
    case 'not in': {
      const values = new Set<unknown>(listValue(value).map((each) => coerce(each)));
      const negate = operator === 'not in';
      return (row) => values.has(read(row)) !== negate;
    }
    case 'between':
      return compileBetween(value, type, read, coerce);
    default: {
      const wanted = asText(value).toLowerCase();
      if (wanted !== 'set' && wanted !== 'not set') {
        throw frappeThrow(
          'ValidationError',
          `Invalid value for 'is': ${asText(value)} (use 'set' or 'not set')`,
        );
      }
      // `is set` is `ifnull(col, '') != ''`: a stored 0 counts as set, NULL and '' do not.
      const isSet = (row: Readonly<Record<string, unknown>>) =>
        row[field] !== null && row[field] !== undefined && row[field] !== '';
      return wanted === 'set' ? isSet : (row) => !isSet(row);
    }
  }
}

function compileBetween(
  value: unknown,
  type: string,
  read: (row: Readonly<Record<string, unknown>>) => number | string,
  coerce: (value: unknown) => number | string,
): RowPredicate {
  const bounds = listValue(value);
  if (bounds.length !== 2) throw frappeThrow('ValidationError', "'between' needs exactly two values");
  const low = coerce(bounds[0]);
  let high = coerce(bounds[1]);
  // Frappe's get_between_date_filter: a date-only upper bound on a Datetime column means the whole day.
  if (type === 'Datetime' && typeof high === 'string' && high.length === 10) high = `${high} 23:59:59.999999`;
  return (row) => {
    const current = read(row);
    return current >= low && current <= high;
  };
}

function compare(left: number | string, right: number | string, operator: string): boolean {
  switch (operator) {
    case '>':
      return left > right;
    case '<':
      return left < right;
    case '>=':
      return left >= right;
    default:
      return left <= right;
  }
}

/** `in` values: a list, or a comma-separated string as Frappe also accepts. */
function listValue(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(',').map((part) => part.trim());
  if (value === null || value === undefined) return [];
  return [value];
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** SQL LIKE as MariaDB's default collation runs it: `%`, `_`, `\` escapes, case-insensitive. */
export function likePattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      source += escapeRegExp(pattern[i]!);
    } else if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'is');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
