import { FrappeInputError } from '../errors';
import type { FieldName } from './doctype-typing';
import { checkJsonValue } from './json-values';

/** Frappe's filter operators (frappe/model/db_query.py). */
export type FilterOperator =
  | '='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'like'
  | 'not like'
  | 'in'
  | 'not in'
  | 'between'
  | 'is'
  | 'timespan';

export type { FieldName };

/** `[field, operator, value]`, or `[doctype, field, operator, value]` (child-table fields). */
export type FilterCondition<T = Record<string, unknown>> =
  | [FieldName<T>, FilterOperator, unknown]
  | [string, FieldName<T> | string, FilterOperator, unknown];

/** `{ field: value }` (equality) or `{ field: [operator, value] }`. */
export type FilterDict<T = Record<string, unknown>> = {
  [K in FieldName<T>]?: unknown;
};

/** Frappe's two filter forms, typed against the document type where one is given. */
export type Filters<T = Record<string, unknown>> = FilterCondition<T>[] | FilterDict<T>;

const OPERATORS = new Set<string>([
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
  'timespan',
]);

/**
 * Checks a filters value before it is sent, so a mistake gets a clear FrappeInputError here
 * rather than a 417 from the site — or, worse, no error at all: a condition on `undefined` would
 * vanish from the JSON, and `{}` matches every row. Every value must be one JSON carries as it is
 * (see checkJsonValue); the error names its path, e.g. `filters.customer_group` or
 * `filters[0][2]`. Returns the filters unchanged.
 */
export function checkFilters(filters: unknown, name: string): Filters | undefined {
  if (filters === undefined || filters === null) return undefined;
  if (Array.isArray(filters)) {
    for (const condition of filters as unknown[]) {
      if (!Array.isArray(condition) || (condition.length !== 3 && condition.length !== 4)) {
        throw new FrappeInputError({
          message: `${name}: each condition must be [field, operator, value] or [doctype, field, operator, value]`,
        });
      }
      const operator = condition[condition.length - 2];
      if (typeof operator !== 'string' || !OPERATORS.has(operator.toLowerCase())) {
        const shown = typeof operator === 'string' ? JSON.stringify(operator) : `(a ${typeof operator})`;
        throw new FrappeInputError({ message: `${name}: unknown operator ${shown}` });
      }
      if (condition.slice(0, -2).some((part) => typeof part !== 'string' || part === '')) {
        throw new FrappeInputError({ message: `${name}: field names must be non-empty strings` });
      }
    }
    checkJsonValue(filters, name, '');
    return filters as Filters;
  }
  if (typeof filters === 'object') {
    if (Object.keys(filters).includes('')) {
      throw new FrappeInputError({ message: `${name}: field names must be non-empty strings` });
    }
    checkJsonValue(filters, name, '');
    return filters as Filters;
  }
  throw new FrappeInputError({ message: `${name} must be a list of conditions or an object` });
}
