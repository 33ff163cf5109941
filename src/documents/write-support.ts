import { FrappeInputError, FrappeNetworkError, FrappeNotFoundError, FrappeServerError } from '../errors';
import type { ExecuteOptions } from '../requests/request-executor';
import type { TransportResponse } from '../transport/transport';
import type { DocumentsContext } from './documents-context';
import { checkJsonValue } from './json-values';
import { getDoc } from './read-documents';

/** A document as the write methods send it. */
export type Doc = Record<string, unknown>;

/**
 * A document to send: an object whose every value JSON carries as it is (see checkJsonValue), so
 * nothing is dropped on the way and nothing fails halfway through a write. `path` names the
 * argument in the error, e.g. `doc.items[2].rate`.
 */
export function checkDoc(doc: unknown, what: string, path = 'doc'): Doc {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new FrappeInputError({ message: `${what}: the document must be an object` });
  }
  checkJsonValue(doc, path, what);
  return doc as Doc;
}

/** A failure after which the write may or may not have landed at the server. */
export function isAmbiguous(error: unknown): boolean {
  if (error instanceof FrappeNetworkError) return error.reason !== 'aborted';
  return error instanceof FrappeServerError;
}

/** The document, or undefined when it does not exist. */
export async function findDoc<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  options: ExecuteOptions,
): Promise<T | undefined> {
  try {
    return await getDoc<T>(context, doctype, name, options);
  } catch (error) {
    if (error instanceof FrappeNotFoundError) return undefined;
    throw error;
  }
}

/** Whether every changed field already holds the value we sent. */
export function hasChanges(current: Doc, changes: Doc): boolean {
  return Object.entries(changes).every(
    ([key, value]) => key === 'modified' || JSON.stringify(current[key]) === JSON.stringify(value),
  );
}

/** A 200 answer made up from a recovered state, in Frappe's envelope. */
export function syntheticResponse(body: unknown): TransportResponse {
  return { status: 200, statusText: 'OK', headers: {}, data: JSON.stringify(body) };
}
