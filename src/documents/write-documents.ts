import type { AxiosResponse } from 'axios';
import {
  FrappeConflictError,
  FrappeError,
  FrappeInputError,
  FrappeNetworkError,
  FrappeNotFoundError,
  FrappeServerError,
} from '../errors';
import type { RequestOptions } from '../http/transport';
import { type DocumentsContext, METHOD, RESOURCE } from './documents-context';
import { dataOf, messageOf, pathSegment } from './envelopes';
import { getDoc } from './read-documents';

/** Frappe refuses more than 200 documents per `insert_many` call. */
export const INSERT_MANY_LIMIT = 200;

type Doc = Record<string, unknown>;

function checkDoc(doc: unknown, what: string): Doc {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new FrappeInputError({ message: `${what}: the document must be an object` });
  }
  return doc as Doc;
}

/** A failure after which the write may or may not have landed at the server. */
function isAmbiguous(error: unknown): boolean {
  if (error instanceof FrappeNetworkError) return error.reason !== 'aborted';
  return error instanceof FrappeServerError;
}

/**
 * `POST /api/resource/<DocType>`. A POST is never repeated once it may have reached the server —
 * unless the caller chose the `name`: then, after an ambiguous failure, the SDK looks the document
 * up first and resolves with it if the write landed, or sends it again if it did not.
 */
export async function insertDoc<T>(
  context: DocumentsContext,
  doctype: string,
  doc: Doc,
  options: RequestOptions & { retries?: number } = {},
): Promise<T> {
  const body = checkDoc(doc, 'insertDoc');
  const url = `${RESOURCE}/${pathSegment(doctype, 'doctype')}`;
  const name = typeof body.name === 'string' && body.name !== '' ? body.name : undefined;
  const attempts = name ? 1 + (options.retries ?? 3) : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1 && name) {
      const landed = await findDoc<T>(context, doctype, name, options);
      if (landed) return landed;
    }
    try {
      const response = await context.executor.execute(
        { method: 'POST', url, data: body, headers: { 'Content-Type': 'application/json' } },
        options,
      );
      return dataOf<T>(response, 'insertDoc');
    } catch (error) {
      if (!name || !isAmbiguous(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/** The document, or undefined when it does not exist. */
async function findDoc<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  options: RequestOptions,
): Promise<T | undefined> {
  try {
    return await getDoc<T>(context, doctype, name, options);
  } catch (error) {
    if (error instanceof FrappeNotFoundError) return undefined;
    throw error;
  }
}

/**
 * `frappe.client.insert_many`, in chunks of Frappe's 200-document limit; resolves all names in
 * order. Not repeated after an ambiguous failure (it could insert twice); a failed chunk rejects
 * and the chunks before it stay inserted.
 */
export async function insertMany(
  context: DocumentsContext,
  doctype: string,
  docs: Doc[],
  options: RequestOptions = {},
): Promise<string[]> {
  pathSegment(doctype, 'doctype');
  if (!Array.isArray(docs)) throw new FrappeInputError({ message: 'insertMany: docs must be an array' });
  const names: string[] = [];
  for (let offset = 0; offset < docs.length; offset += INSERT_MANY_LIMIT) {
    const chunk = docs
      .slice(offset, offset + INSERT_MANY_LIMIT)
      .map((doc) => ({ ...checkDoc(doc, 'insertMany'), doctype }));
    const response = await context.executor.execute(
      {
        method: 'POST',
        url: `${METHOD}/frappe.client.insert_many`,
        data: { docs: JSON.stringify(chunk) },
        headers: { 'Content-Type': 'application/json' },
      },
      options,
    );
    const chunkNames = messageOf<unknown>(response, 'insertMany');
    if (!Array.isArray(chunkNames))
      throw new FrappeError({ message: 'insertMany: the site did not answer names' });
    names.push(...(chunkNames as string[]));
  }
  return names;
}

export interface UpdateOptions extends RequestOptions {
  /**
   * The `modified` value you read. Frappe then refuses the update if someone changed the document
   * since (FrappeConflictError); without it the last writer wins.
   */
  modified?: string;
}

/**
 * `PUT /api/resource/<DocType>/<name>` (a partial merge). Retried like any PUT; when a retry meets
 * a conflict because the first attempt already landed, the SDK sees its own change in place and
 * resolves with the document.
 */
export async function updateDoc<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  changes: Doc,
  options: UpdateOptions = {},
): Promise<T> {
  const body: Doc = { ...checkDoc(changes, 'updateDoc') };
  if (options.modified !== undefined) {
    if (typeof options.modified !== 'string')
      throw new FrappeInputError({ message: 'modified must be a string' });
    body.modified = options.modified;
  }
  const response = await context.executor.execute(
    {
      method: 'PUT',
      url: `${RESOURCE}/${pathSegment(doctype, 'doctype')}/${pathSegment(name, 'name')}`,
      data: body,
      headers: { 'Content-Type': 'application/json' },
    },
    {
      ...options,
      recoverRetriedFailure: async (error) => {
        if (!(error instanceof FrappeConflictError)) return undefined;
        const current = await findDoc<Doc>(context, doctype, name, options);
        return current && hasChanges(current, changes) ? syntheticResponse({ data: current }) : undefined;
      },
    },
  );
  return dataOf<T>(response, 'updateDoc');
}

/** `DELETE /api/resource/<DocType>/<name>` (202). A retry that finds the document gone resolves. */
export async function deleteDoc(
  context: DocumentsContext,
  doctype: string,
  name: string,
  options: RequestOptions = {},
): Promise<void> {
  await context.executor.execute(
    { method: 'DELETE', url: `${RESOURCE}/${pathSegment(doctype, 'doctype')}/${pathSegment(name, 'name')}` },
    {
      ...options,
      recoverRetriedFailure: async (error) =>
        error instanceof FrappeNotFoundError ? syntheticResponse({ data: 'ok' }) : undefined,
    },
  );
}

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

/** Whether every changed field already holds the value we sent. */
function hasChanges(current: Doc, changes: Doc): boolean {
  return Object.entries(changes).every(
    ([key, value]) => key === 'modified' || JSON.stringify(current[key]) === JSON.stringify(value),
  );
}

/** A 200 answer made up from a recovered state, in Frappe's envelope. */
export function syntheticResponse(body: unknown): AxiosResponse<string> {
  return { status: 200, statusText: 'OK', headers: {}, config: {} as never, data: JSON.stringify(body) };
}
