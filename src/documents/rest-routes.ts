import type { ExecuteOptions } from '../requests/request-executor';
import type { RestApi } from './api-version';
import type { DocumentsContext } from './documents-context';
import { pathSegment } from './names';

/**
 * Where each documents operation goes in one REST API version, and under which key the answer
 * sits. v1: `/api/resource/<DocType>[/<name>]` (`data`) and `/api/method/<name>` (`message`).
 * v2 (`frappe/api/v2.py`): `/api/v2/document/<DocType>[/<name>]`, `/api/v2/method/<name>`, a
 * document's methods at `…/<name>/method/<method>` and counts at `/api/v2/doctype/<DocType>/count`,
 * every answer under `data`. Names are checked and percent-encoded here, as one path segment each.
 */
export interface RestRoutes {
  readonly api: RestApi;
  /** A DocType's collection, or one document of it. */
  document(doctype: string, name?: string): string;
  /** A whitelisted method by its dotted path (checked by the caller). */
  method(dottedPath: string): string;
  /** The key a method's result sits under: v1 `message`, v2 `data`. */
  readonly methodKey: 'message' | 'data';
}

const V1: RestRoutes = {
  api: 'v1',
  document: (doctype, name) => documentPath('/api/resource', doctype, name),
  method: (dottedPath) => `/api/method/${dottedPath}`,
  methodKey: 'message',
};

const V2: RestRoutes = {
  api: 'v2',
  document: (doctype, name) => documentPath('/api/v2/document', doctype, name),
  method: (dottedPath) => `/api/v2/method/${dottedPath}`,
  methodKey: 'data',
};

/**
 * The routes of the API this call uses (`apiVersion`; `'auto'` is detected once per client). A
 * caller that has to wait for the detection waits within its own deadline and signal.
 */
export async function routesFor(context: DocumentsContext, options: ExecuteOptions): Promise<RestRoutes> {
  const known = context.api.known;
  if (known) return routesOf(known);
  const api = await context.executor.inScope('detecting the REST API version', options, (scope) =>
    scope.race(context.api.resolve()),
  );
  return routesOf(api);
}

/** The routes of one version, for code that already knows it. */
export function routesOf(api: RestApi): RestRoutes {
  return api === 'v2' ? V2 : V1;
}

/** v2's count of a DocType under filters (`frappe.desk.reportview.get_count`). */
export function v2CountPath(doctype: string): string {
  return `/api/v2/doctype/${pathSegment(doctype, 'doctype')}/count`;
}

/** v2's route of a document's whitelisted method. */
export function v2DocMethodPath(doctype: string, name: string, method: string): string {
  return `${documentPath('/api/v2/document', doctype, name)}/method/${method}`;
}

function documentPath(prefix: string, doctype: string, name: string | undefined): string {
  const collection = `${prefix}/${pathSegment(doctype, 'doctype')}`;
  return name === undefined ? collection : `${collection}/${pathSegment(name, 'name')}`;
}
