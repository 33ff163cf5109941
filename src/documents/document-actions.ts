import { FrappeError, FrappeInputError } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import type { TransportResponse } from '../transport/transport';
import type { DocumentsContext } from './documents-context';
import { documentOf, optionalDataOf, optionalValueOf, requiredValueOf } from './envelopes';
import { checkJsonObject, checkJsonValue } from './json-values';
import { methodName, pathSegment } from './names';
import { getDoc } from './read-documents';
import { type RestRoutes, routesFor, v2DocMethodPath } from './rest-routes';
import { type Doc, findDoc, syntheticResponse } from './write-support';

/**
 * Submits a draft (docstatus 0 → 1) with `frappe.client.submit` (on v2 through
 * `/api/v2/method/…`, so the `modified` check is the same); a repeat finds it submitted and resolves.
 */
export async function submitDoc<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  options: RequestOptions = {},
): Promise<T> {
  const doc = await getDoc<Doc>(context, doctype, name, options);
  if (doc.docstatus === 1) return doc as T;
  const routes = await routesFor(context, options);
  const response = await docstatusChange(context, routes, doctype, name, 1, options, {
    url: routes.method('frappe.client.submit'),
    data: { doc: JSON.stringify(doc) },
  });
  return documentOf<T>(response, 'submitDoc', routes.methodKey);
}

/** Cancels a submitted document (docstatus 1 → 2) with `frappe.client.cancel`. */
export async function cancelDoc<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  options: RequestOptions = {},
): Promise<T> {
  pathSegment(doctype, 'doctype');
  pathSegment(name, 'name');
  const routes = await routesFor(context, options);
  const response = await docstatusChange(context, routes, doctype, name, 2, options, {
    url: routes.method('frappe.client.cancel'),
    data: { doctype, name },
  });
  // Older releases answer the cancelled document; newer ones answer nothing.
  const answered = optionalValueOf<unknown>(response, 'cancelDoc', routes.methodKey);
  if (answered === undefined || answered === null) return getDoc<T>(context, doctype, name, options);
  return documentOf<T>(response, 'cancelDoc', routes.methodKey);
}

async function docstatusChange(
  context: DocumentsContext,
  routes: RestRoutes,
  doctype: string,
  name: string,
  target: 1 | 2,
  options: RequestOptions,
  request: { url: string; data: Doc },
): Promise<TransportResponse> {
  return context.executor.execute(
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, ...request },
    {
      ...options,
      // Changing docstatus to a target it already has is harmless to ask again: the recovery
      // below turns "already there" into success.
      idempotent: true,
      recoverRetriedFailure: async () => {
        const current = await findDoc<Doc>(context, doctype, name, options);
        return current?.docstatus === target ? syntheticResponse({ [routes.methodKey]: current }) : undefined;
      },
    },
  );
}

/** `frappe.client.rename_doc`; resolves the new name. A repeat that finds the rename done resolves. */
export async function renameDoc(
  context: DocumentsContext,
  doctype: string,
  oldName: string,
  newName: string,
  options: RequestOptions & { merge?: boolean } = {},
): Promise<string> {
  pathSegment(doctype, 'doctype');
  pathSegment(oldName, 'oldName');
  pathSegment(newName, 'newName');
  const routes = await routesFor(context, options);
  const response = await context.executor.execute(
    {
      method: 'POST',
      url: routes.method('frappe.client.rename_doc'),
      data: { doctype, old_name: oldName, new_name: newName, merge: options.merge ? 1 : 0 },
      headers: { 'Content-Type': 'application/json' },
    },
    {
      ...options,
      idempotent: true,
      recoverRetriedFailure: async () => {
        const renamed = await findDoc<Doc>(context, doctype, newName, options);
        const old = await findDoc<Doc>(context, doctype, oldName, options);
        return renamed && !old ? syntheticResponse({ [routes.methodKey]: newName }) : undefined;
      },
    },
  );
  const renamed = requiredValueOf(response, 'renameDoc', routes.methodKey);
  if (typeof renamed !== 'string' || renamed === '') {
    throw new FrappeError({
      message: `renameDoc: the site answered ${response.status} with a ${routes.methodKey} that is not a name`,
      status: response.status,
    });
  }
  return renamed;
}

/** `frappe.client.set_value`: one field (`field`, `value`) or several (an object); resolves the document. */
export async function setValue<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  fieldOrValues: string | Doc,
  value: unknown,
  options: RequestOptions = {},
): Promise<T> {
  pathSegment(doctype, 'doctype');
  pathSegment(name, 'name');
  let fieldname: string;
  if (typeof fieldOrValues === 'string' && fieldOrValues !== '') {
    checkJsonValue(value, 'value', 'setValue');
    fieldname = fieldOrValues;
  } else if (fieldOrValues !== null && typeof fieldOrValues === 'object' && !Array.isArray(fieldOrValues)) {
    fieldname = JSON.stringify(checkJsonObject(fieldOrValues, 'values', 'setValue'));
  } else throw new FrappeInputError({ message: 'setValue needs a field name or an object of values' });
  const data: Doc = { doctype, name, fieldname };
  if (typeof fieldOrValues === 'string') data.value = value;
  const routes = await routesFor(context, options);
  const response = await context.executor.execute(
    {
      method: 'POST',
      url: routes.method('frappe.client.set_value'),
      data,
      headers: { 'Content-Type': 'application/json' },
    },
    // Setting the same values twice has the effect of once.
    { ...options, idempotent: true },
  );
  return documentOf<T>(response, 'setValue', routes.methodKey);
}

/** Options of `runDocMethod`: POST (needs write permission, default) or GET (read permission). */
export interface DocMethodOptions extends RequestOptions {
  httpMethod?: 'GET' | 'POST';
  idempotent?: boolean;
}

/**
 * `/api/resource/<DocType>/<name>?run_method=<method>`: a whitelisted document method; on v2
 * `/api/v2/document/<DocType>/<name>/method/<method>`. Both resolve the method's return value.
 */
export async function runDocMethod<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  method: string,
  args: Doc = {},
  options: DocMethodOptions = {},
): Promise<T> {
  methodName(method, 'runDocMethod');
  checkJsonObject(args, 'args', 'runDocMethod');
  pathSegment(doctype, 'doctype');
  pathSegment(name, 'name');
  const routes = await routesFor(context, options);
  // v1 names the method in `run_method`; v2 in the path, leaving the query and body to the args.
  const v2 = routes.api === 'v2';
  const url = v2 ? v2DocMethodPath(doctype, name, method) : routes.document(doctype, name);
  const selector: Record<string, string> = v2 ? {} : { run_method: method };
  const response = await context.executor.execute(
    options.httpMethod === 'GET'
      ? { method: 'GET', url, params: { ...selector, ...stringParams(args) } }
      : {
          method: 'POST',
          url,
          params: selector,
          data: args,
          headers: { 'Content-Type': 'application/json' },
        },
    options,
  );
  // A method that returned None answers no `data`.
  return optionalDataOf<T>(response, 'runDocMethod') as T;
}

function stringParams(args: Doc): Record<string, string> {
  return Object.fromEntries(
    Object.entries(args).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}
