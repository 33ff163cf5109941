import { emitWrite } from '../core/document-events';
import { FrappeException, frappeThrow } from '../core/exceptions';
import type { Site } from '../site';
import { DOCTYPES, dataFields, tableFields } from './doctypes';
import type { StoredDoc } from './document-store';
import { type Actor, docOutput, loadDoc, requireMeta } from './documents';
import { requirePermission } from './permissions';

/** A Link that points at a document: which document holds it, and where. */
interface LinkReference {
  readonly doc: StoredDoc;
  readonly row: Record<string, unknown>;
  readonly fieldname: string;
}

/** Every Link (in documents and their child rows) that names `doctype`/`name`. */
function referencesTo(site: Site, doctype: string, name: string): LinkReference[] {
  const out: LinkReference[] = [];
  for (const meta of DOCTYPES.values()) {
    if (meta.istable) continue;
    const ownLinks = dataFields(meta).filter(
      (field) => field.fieldtype === 'Link' && field.options === doctype,
    );
    const childLinks = tableFields(meta).flatMap((table) => {
      const childMeta = DOCTYPES.get(table.options ?? '');
      if (!childMeta) return [];
      return dataFields(childMeta)
        .filter((field) => field.fieldtype === 'Link' && field.options === doctype)
        .map((field) => ({ table: table.fieldname, field: field.fieldname }));
    });
    if (ownLinks.length === 0 && childLinks.length === 0) continue;
    for (const doc of site.docs.table(meta.name).values()) {
      for (const field of ownLinks)
        if (doc[field.fieldname] === name) out.push({ doc, row: doc, fieldname: field.fieldname });
      for (const { table, field } of childLinks) {
        const rows = doc[table];
        if (!Array.isArray(rows)) continue;
        for (const row of rows as Record<string, unknown>[])
          if (row[field] === name) out.push({ doc, row, fieldname: field });
      }
    }
  }
  return out;
}

/**
 * `frappe.delete_doc`: 404 when missing, delete permission, no submitted documents, and no
 * documents still linking to it (LinkExistsError; cancelled ones do not count on delete).
 * Attached File records go with it.
 */
export function deleteDoc(site: Site, actor: Actor, doctype: string, name: string): void {
  const meta = requireMeta(site, actor.user, doctype);
  const doc = loadDoc(site, actor, doctype, name, 'delete');
  if (meta.name === 'DocType') {
    throw frappeThrow('ValidationError', 'Not in Developer Mode! Standard DocTypes cannot be deleted.');
  }
  if (doc.docstatus === 1) {
    throw frappeThrow(
      'ValidationError',
      `${doctype} ${name}: Submitted Record cannot be deleted. You must Cancel it first.`,
    );
  }
  const linking = referencesTo(site, doctype, name).find((reference) => reference.doc.docstatus !== 2);
  if (linking) {
    throw frappeThrow(
      'LinkExistsError',
      `Cannot delete or cancel because ${doctype} <a href="/app/${slug(doctype)}/${name}">${name}</a> is linked with ${linking.doc.doctype} <a href="/app/${slug(linking.doc.doctype)}/${linking.doc.name}">${linking.doc.name}</a>`,
      'Error',
    );
  }
  site.docs.delete(doctype, name);
  emitWrite(site, 'delete', docOutput(doc), actor.user);
  for (const file of [...site.docs.table('File').values()]) {
    if (file.attached_to_doctype === doctype && file.attached_to_name === name) {
      // `remove_all` deletes each File with `delete_doc`: it is recorded and runs on_trash too.
      site.docs.delete('File', file.name);
      emitWrite(site, 'delete', docOutput(file), actor.user);
    }
  }
}

/**
 * `frappe.rename_doc`: only for doctypes with `allow_rename`, write permission, the new name free
 * (409 DuplicateEntryError) unless merging into an existing document. Links everywhere follow the
 * new name; a `field:` autoname field takes the new name too. Returns the new name.
 */
export function renameDoc(
  site: Site,
  actor: Actor,
  doctype: string,
  oldName: string,
  newName: string,
  merge: boolean,
): string {
  const meta = requireMeta(site, actor.user, doctype);
  const doc = loadDoc(site, actor, doctype, oldName, 'read');
  if (!actor.ignorePermissions) requirePermission(site, actor.user, doctype, 'write');
  if (!meta.allow_rename) throw frappeThrow('ValidationError', `${doctype} not allowed to be renamed`);
  const target = newName.trim();
  if (!target) throw frappeThrow('ValidationError', 'Please select a new name to rename');
  if (target === oldName) return oldName;
  const existing = site.docs.get(doctype, target);
  if (existing && !merge) {
    throw new FrappeException('DuplicateEntryError', {
      message: `Another ${doctype} with name <b>${target}</b> exists, select another name`,
      thrown: true,
    });
  }
  if (!existing && merge) {
    throw frappeThrow('ValidationError', `${doctype} ${target} does not exist, select a new target to merge`);
  }

  const now = site.docs.timestamp();
  for (const reference of referencesTo(site, doctype, oldName)) reference.row[reference.fieldname] = target;
  for (const file of site.docs.table('File').values()) {
    if (file.attached_to_doctype === doctype && file.attached_to_name === oldName)
      file.attached_to_name = target;
  }
  site.docs.delete(doctype, oldName);
  if (existing) {
    // Merge: the old document's links now point at the surviving one; the old one is gone.
    existing.modified = now;
    existing.modified_by = actor.user;
    return target;
  }
  doc.name = target;
  if (meta.autoname.startsWith('field:')) doc[meta.autoname.slice('field:'.length)] = target;
  doc.modified = now;
  doc.modified_by = actor.user;
  for (const table of tableFields(meta)) {
    const rows = doc[table.fieldname];
    if (Array.isArray(rows)) for (const row of rows as Record<string, unknown>[]) row.parent = target;
  }
  site.docs.put(doc);
  return target;
}

function slug(doctype: string): string {
  return doctype.toLowerCase().replaceAll(' ', '-');
}
