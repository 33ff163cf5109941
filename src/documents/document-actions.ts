import { FrappeInputError } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import { type DocumentsContext, METHOD, RESOURCE } from './documents-context';
import { dataOf, messageOf, pathSegment } from './envelopes';
import { getDoc } from './read-documents';
import { type Doc, findDoc, syntheticResponse } from './write-support';

/** Submits a draft (docstatus 0 → 1) with `frappe.client.submit`; a repeat finds it submitted and resolves. */
export async function submitDoc<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  options: RequestOptions = {},
): Promise<T> {
  const doc = await getDoc<Doc>(context, doctype, name, options);
  if (doc.docstatus === 1) return doc as T;
  return docstatusChange<T>(context, doctype, name, 1, options, {
    url: `${METHOD}/frappe.client.submit`,
    data: { doc: JSON.stringify(doc) },
  });
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
  const result = await docstatusChange<T | undefined>(context, doctype, name, 2, options, {
    url: `${METHOD}/frappe.client.cancel`,
    data: { doctype, name },
  });
  // Older releases answer the cancelled document; newer ones answer nothing.
  return result ?? getDoc<T>(context, doctype, name, options);
}

async function docstatusChange<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  target: 1 | 2,
  options: RequestOptions,
  request: { url: string; data: Doc },
): Promise<T> {
  const response = await context.executor.execute(
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, ...request },
    {
      ...options,
      // Changing docstatus to a target it already has is harmless to ask again: the recovery
      // below turns "already there" into success.
      idempotent: true,
      recoverRetriedFailure: async () => {
        const current = await findDoc<Doc>(context, doctype, name, options);
        return current?.docstatus === target ? syntheticResponse({ message: current }) : undefined;
      },
    },
  );
  return messageOf<T>(response, target === 1 ? 'submitDoc' : 'cancelDoc');
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
  const response = await context.executor.execute(
    {
      method: 'POST',
      url: `${METHOD}/frappe.client.rename_doc`,
      data: { doctype, old_name: oldName, new_name: newName, merge: options.merge ? 1 : 0 },
      headers: { 'Content-Type': 'application/json' },
    },
    {
      ...options,
      idempotent: true,
      recoverRetriedFailure: async () => {
        const renamed = await findDoc<Doc>(context, doctype, newName, options);
        const old = await findDoc<Doc>(context, doctype, oldName, options);
        return renamed && !old ? syntheticResponse({ message: newName }) : undefined;
      },
    },
  );
  return messageOf<string>(response, 'renameDoc');
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
  if (typeof fieldOrValues === 'string' && fieldOrValues !== '') fieldname = fieldOrValues;
  else if (fieldOrValues !== null && typeof fieldOrValues === 'object')
    fieldname = JSON.stringify(fieldOrValues);
  else throw new FrappeInputError({ message: 'setValue needs a field name or an object of values' });
  const data: Doc = { doctype, name, fieldname };
  if (typeof fieldOrValues === 'string') data.value = value;
  const response = await context.executor.execute(
    {
      method: 'POST',
      url: `${METHOD}/frappe.client.set_value`,
      data,
      headers: { 'Content-Type': 'application/json' },
    },
    // Setting the same values twice has the effect of once.
    { ...options, idempotent: true },
  );
  return messageOf<T>(response, 'setValue');
}

/** Options of `runDocMethod`: POST (needs write permission, default) or GET (read permission). */
export interface DocMethodOptions extends RequestOptions {
  httpMethod?: 'GET' | 'POST';
  idempotent?: boolean;
}

/** `/api/resource/<DocType>/<name>?run_method=<method>`: a whitelisted document method. */
export async function runDocMethod<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  method: string,
  args: Doc = {},
  options: DocMethodOptions = {},
): Promise<T> {
  if (typeof method !== 'string' || !/^\w+$/.test(method)) {
    throw new FrappeInputError({ message: 'runDocMethod: method must be a method name' });
  }
  const url = `${RESOURCE}/${pathSegment(doctype, 'doctype')}/${pathSegment(name, 'name')}`;
  const response = await context.executor.execute(
    options.httpMethod === 'GET'
      ? { method: 'GET', url, params: { run_method: method, ...stringParams(args) } }
      : {
          method: 'POST',
          url,
          params: { run_method: method },
          data: args,
          headers: { 'Content-Type': 'application/json' },
        },
    options,
  );
  return dataOf<T>(response, 'runDocMethod');
}

function stringParams(args: Doc): Record<string, string> {
  return Object.fromEntries(
    Object.entries(args).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}
