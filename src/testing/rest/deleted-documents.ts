import { type DocumentEvent, onDocumentEvents } from '../core/document-events';
import { hexHash } from '../core/random';
import type { Site } from '../site';
import { pythonJsonDumps } from '../webhooks/python-json';
import { withPythonTypes } from '../webhooks/python-values';
import { DELETED_DOCUMENT } from './deleted-document-doctype';
import type { StoredDoc } from './document-store';

/**
 * `add_to_deleted_document` (`frappe/model/delete_doc.py`): every deleted document but a Deleted
 * Document itself leaves a row with its name, its DocType and `doc.as_json()` — Frappe's
 * `as_json`: sorted keys, indent 1, Python's number forms. The row is written in the deleting
 * request's transaction (`db_insert`, no controller methods), owned by the session user.
 */
export function installDeletedDocuments(site: Site): void {
  onDocumentEvents(site, {
    inTransaction: (current, event) => {
      if (event.method === 'on_trash') recordDeletion(current, event);
    },
  });
}

function recordDeletion(site: Site, event: DocumentEvent): void {
  if (event.doctype === DELETED_DOCUMENT.name) return;
  const now = site.docs.timestamp();
  const row: StoredDoc = {
    name: uniqueName(site),
    doctype: DELETED_DOCUMENT.name,
    owner: event.user,
    creation: now,
    modified: now,
    modified_by: event.user,
    docstatus: 0,
    idx: 0,
    deleted_name: event.name,
    deleted_doctype: event.doctype,
    restored: 0,
    new_name: null,
    data: pythonJsonDumps(withPythonTypes(event.doc), { indent: 1, sortKeys: true }),
  };
  site.docs.put(row);
}

function uniqueName(site: Site): string {
  let name = hexHash(10);
  while (site.docs.get(DELETED_DOCUMENT.name, name)) name = hexHash(10);
  return name;
}
