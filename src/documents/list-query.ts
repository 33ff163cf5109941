import { FrappeInputError } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import type { FieldName, OrderBy } from './doctype-typing';
import { checkFilters, type Filters } from './filters';

/**
 * Options of `getList`, in Frappe's terms. With a document type `T`, field names (in `fields`,
 * filters and `orderBy`) must be its own or Frappe's standard ones; `F` narrows `fields` (and the
 * rows `getList` resolves) to some of them.
 */
export interface ListOptions<T = Record<string, unknown>, F extends FieldName<T> = FieldName<T>>
  extends RequestOptions {
  /** Fields to return; default Frappe's `["name"]`. `["*"]` for all. */
  fields?: readonly (F | '*')[];
  filters?: Filters<T>;
  orFilters?: Filters<T>;
  /** Frappe's order string, `'<field> asc|desc'`, e.g. `'modified desc'`. */
  orderBy?: OrderBy<T>;
  /** `limit_page_length`: no value means Frappe's 20 rows; 0 means all. */
  limit?: number;
  /** `limit_start`: rows to skip. */
  start?: number;
}

/** The query of `GET /api/resource/<DocType>`: JSON-encoded lists, Frappe's parameter names. */
export function listQueryParams(options: ListOptions<never> | ListOptions = {}): Record<string, string> {
  const params: Record<string, string> = {};
  const { fields, filters, orFilters, orderBy, limit, start } = options as ListOptions;
  if (fields !== undefined) params.fields = JSON.stringify(checkFields(fields));
  const checkedFilters = checkFilters(filters, 'filters');
  if (checkedFilters !== undefined) params.filters = JSON.stringify(checkedFilters);
  const checkedOr = checkFilters(orFilters, 'orFilters');
  if (checkedOr !== undefined) params.or_filters = JSON.stringify(checkedOr);
  if (orderBy !== undefined) {
    if (typeof orderBy !== 'string' || orderBy.trim() === '') {
      throw new FrappeInputError({ message: "orderBy must be Frappe's order string, e.g. 'modified desc'" });
    }
    params.order_by = orderBy;
  }
  if (limit !== undefined) params.limit_page_length = String(nonNegativeInteger(limit, 'limit'));
  if (start !== undefined) params.limit_start = String(nonNegativeInteger(start, 'start'));
  return params;
}

/**
 * The largest page v2 is asked for when `limit: 0` means "all rows" as in v1: v2 reads `limit=0`
 * as an empty page (it fetches `limit + 1` rows to answer `has_next_page`), so "all" is a limit
 * no table reaches, one more than which is still an exact integer.
 */
export const V2_ALL_ROWS = Number.MAX_SAFE_INTEGER - 1;

/**
 * The same options for `GET /api/v2/document/<DocType>`: `start` and `limit` instead of
 * `limit_start` and `limit_page_length`, `limit: 0` sent as {@link V2_ALL_ROWS}. The offset also
 * goes as `limit_start`, which v15's first v2 list (a pass-through to `frappe.client.get_list`)
 * reads where later ones read `start`; each ignores the other.
 */
export function v2ListQueryParams(options: ListOptions = {}): Record<string, string> {
  const { limit_page_length: pageLength, limit_start: offset, ...params } = listQueryParams(options);
  if (pageLength !== undefined) params.limit = pageLength === '0' ? String(V2_ALL_ROWS) : pageLength;
  if (offset !== undefined) {
    params.start = offset;
    params.limit_start = offset;
  }
  return params;
}

export function checkFields(fields: unknown): string[] {
  // Array.from reads holes as undefined, which `some` alone would skip.
  if (
    !Array.isArray(fields) ||
    Array.from(fields).some((field) => typeof field !== 'string' || field === '')
  ) {
    throw new FrappeInputError({ message: 'fields must be an array of field names' });
  }
  return fields as string[];
}

export function nonNegativeInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new FrappeInputError({ message: `${name} must be an integer ≥ 0` });
  }
  return value;
}
