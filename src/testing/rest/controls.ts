import { emitWrite } from '../core/document-events';
import { FrappeException } from '../core/exceptions';
import type { Site } from '../site';
import { ADMINISTRATOR } from '../state/users';
import { getMeta } from './doctypes';
import { type Actor, docOutput, insertDoc, updateDoc } from './documents';

/**
 * Server-side document access for the emulator's test controls: no HTTP, no permission checks,
 * as another user's (or a background job's) change would land. Validation still runs, so the data
 * stays what Frappe could hold.
 */
const SERVER: Actor = { user: ADMINISTRATOR, ignorePermissions: true };

function knownDoctype(control: string, doctype: string): void {
  if (!getMeta(doctype))
    throw new TypeError(`${control}: the emulator has no DocType ${JSON.stringify(doctype)}`);
}

/** Control errors are plain `Error`s naming the Frappe exception, never an HTTP envelope. */
function asControlError(control: string, error: unknown): Error {
  if (error instanceof FrappeException) {
    return new Error(
      `${control}: ${error.excType}: ${(error.frappeMessage ?? error.excType).replace(/<[^>]+>/g, '')}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function serverGetDocument(
  site: Site,
  doctype: string,
  name: string,
): Record<string, unknown> | undefined {
  knownDoctype('getDocument', doctype);
  const doc = site.docs.get(doctype, name);
  return doc ? docOutput(doc) : undefined;
}

export function serverInsertDocument(
  site: Site,
  doctype: string,
  doc: Record<string, unknown>,
): Record<string, unknown> {
  knownDoctype('insertDocument', doctype);
  try {
    return docOutput(insertDoc(site, SERVER, doctype, doc));
  } catch (error) {
    throw asControlError('insertDocument', error);
  }
}

export function serverUpdateDocument(
  site: Site,
  doctype: string,
  name: string,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  knownDoctype('updateDocument', doctype);
  try {
    const { docstatus: _docstatus, ...rest } = changes;
    return docOutput(
      updateDoc(site, SERVER, doctype, name, rest, { modifiedCheck: 'never', allowAfterSubmit: true }),
    );
  } catch (error) {
    throw asControlError('updateDocument', error);
  }
}

export function serverDeleteDocument(site: Site, doctype: string, name: string): boolean {
  knownDoctype('deleteDocument', doctype);
  const doc = site.docs.get(doctype, name);
  if (!doc) return false;
  site.docs.delete(doctype, name);
  // `frappe.delete_doc(..., force=True)` still runs on_trash and records the Deleted Document.
  emitWrite(site, 'delete', docOutput(doc), SERVER.user);
  return true;
}
