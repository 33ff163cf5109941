import { FrappeError, FrappeInputError } from '../errors';
import type { ExecuteOptions } from '../requests/request-executor';
import type { RequestOptions } from '../transport/http-transport';
import type { DocumentsContext } from './documents-context';
import { documentOf, listOf, optionalValueOf, requiredValueOf } from './envelopes';
import { checkFilters, type Filters } from './filters';
import { checkJsonObject } from './json-values';
import { type ListOptions, listQueryParams, v2ListQueryParams } from './list-query';
import { methodName, pathSegment } from './names';
import { routesFor, v2CountPath } from './rest-routes';

/** `GET /api/resource/<DocType>/<name>` (v2: `/api/v2/document/…`): the whole document, child tables included. */
export async function getDoc<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  options: ExecuteOptions = {},
): Promise<T> {
  pathSegment(doctype, 'doctype');
  pathSegment(name, 'name');
  const routes = await routesFor(context, options);
  const response = await context.executor.execute(
    { method: 'GET', url: routes.document(doctype, name) },
    options,
  );
  return documentOf<T>(response, 'getDoc');
}

/**
 * `GET /api/resource/<DocType>` with Frappe's list parameters; v2's `GET /api/v2/document/<DocType>`
 * with the same options in its own terms (see v2ListQueryParams). Both resolve the rows alone.
 */
export async function getList<T>(
  context: DocumentsContext,
  doctype: string,
  options: ListOptions<T> = {},
): Promise<T[]> {
  pathSegment(doctype, 'doctype');
  // Checked before the API version is known, so bad options never wait for a detection.
  const v1Params = listQueryParams(options as ListOptions);
  const routes = await routesFor(context, options);
  const response = await context.executor.execute(
    {
      method: 'GET',
      url: routes.document(doctype),
      params: routes.api === 'v2' ? v2ListQueryParams(options as ListOptions) : v1Params,
    },
    options,
  );
  return listOf(response, 'getList') as T[];
}

/** `frappe.client.get_count`; v2's `GET /api/v2/doctype/<DocType>/count`. */
export async function getCount(
  context: DocumentsContext,
  doctype: string,
  filters?: Filters,
  options: RequestOptions = {},
): Promise<number> {
  pathSegment(doctype, 'doctype');
  const params: Record<string, string> = { doctype };
  const checked = checkFilters(filters, 'filters');
  if (checked !== undefined) params.filters = JSON.stringify(checked);
  const routes = await routesFor(context, options);
  const response = await context.executor.execute(
    routes.api === 'v2'
      ? {
          method: 'GET',
          url: v2CountPath(doctype),
          params: checked === undefined ? {} : { filters: params.filters },
        }
      : { method: 'GET', url: routes.method('frappe.client.get_count'), params },
    options,
  );
  // Frappe answers a number; a numeric string is read as one, as this SDK always has.
  const count = requiredValueOf(response, 'getCount', routes.methodKey);
  const value = typeof count === 'string' && count.trim() !== '' ? Number(count) : count;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new FrappeError({
      message: `getCount: the site answered ${response.status} with a ${routes.methodKey} that is not a count`,
      status: response.status,
    });
  }
  return value;
}

/**
 * `frappe.client.get_value`: one field (a value) or several (an object) of the first document
 * matching a name or filters.
 */
export async function getValue<T>(
  context: DocumentsContext,
  doctype: string,
  fieldnames: string | string[],
  filtersOrName: string | Filters,
  options: RequestOptions = {},
): Promise<T> {
  pathSegment(doctype, 'doctype');
  const fields = typeof fieldnames === 'string' ? [fieldnames] : fieldnames;
  if (
    !Array.isArray(fields) ||
    fields.length === 0 ||
    fields.some((f) => typeof f !== 'string' || f === '')
  ) {
    throw new FrappeInputError({ message: 'getValue: fieldnames must be a field name or a list of them' });
  }
  // A missing name must not become "no filters": the site would answer the first document it finds.
  if (
    typeof filtersOrName === 'string'
      ? filtersOrName === ''
      : checkFilters(filtersOrName, 'filters') === undefined
  ) {
    throw new FrappeInputError({ message: 'getValue needs a document name or filters' });
  }
  const params: Record<string, string> = {
    doctype,
    fieldname: typeof fieldnames === 'string' ? fieldnames : JSON.stringify(fieldnames),
    filters: typeof filtersOrName === 'string' ? filtersOrName : JSON.stringify(filtersOrName),
  };
  // get_value defaults to as_dict=True, which answers `{field: value}` even for one field; ask for
  // the bare value then (absent when nothing matches), and keep the object for a list of fields.
  if (typeof fieldnames === 'string') params.as_dict = '0';
  const routes = await routesFor(context, options);
  const response = await context.executor.execute(
    { method: 'GET', url: routes.method('frappe.client.get_value'), params },
    options,
  );
  return optionalValueOf<T>(response, 'getValue', routes.methodKey) as T;
}

/** Options of `call`: GET puts params in the query, POST (default) sends them as a JSON body. */
export interface CallOptions extends RequestOptions {
  httpMethod?: 'GET' | 'POST';
  /** Mark a POST method as safe to repeat, so it is retried like a GET. */
  idempotent?: boolean;
}

/** `/api/method/<dotted.path>`: a whitelisted method; resolves its `message` (v2: `/api/v2/method/…`, its `data`). */
export async function call<T>(
  context: DocumentsContext,
  method: string,
  params: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<T> {
  methodName(method, 'call');
  checkJsonObject(params, 'params', 'call');
  const httpMethod = options.httpMethod ?? 'POST';
  const routes = await routesFor(context, options);
  const response = await context.executor.execute(
    httpMethod === 'GET'
      ? { method: 'GET', url: routes.method(method), params: queryParams(params) }
      : {
          method: 'POST',
          url: routes.method(method),
          data: params,
          headers: { 'Content-Type': 'application/json' },
        },
    options,
  );
  return optionalValueOf<T>(response, method, routes.methodKey) as T;
}

/**
 * Query values are strings; objects and arrays travel as JSON, as Frappe expects. The values were
 * checked with checkJsonObject, so each has a JSON form.
 */
export function queryParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}
