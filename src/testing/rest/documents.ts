import { emitWrite } from '../core/document-events';
import { FrappeException, frappeThrow } from '../core/exceptions';
import type { Site } from '../site';
import { cint } from './args';
import { runDocstatusChange, runValidate } from './controllers';
import { type DocTypeMeta, getMeta, tableFields } from './doctypes';
import type { StoredDoc } from './document-store';
import { newName } from './naming';
import { notFound, type PermissionType, requirePermission, unknownDoctype } from './permissions';
import {
  applyValues,
  checkUpdateAfterSubmit,
  defaultsOf,
  finalize,
  validateLinks,
  validateMandatory,
  validateSelects,
} from './validation';

/** Who performs a write: a request's user, or the server itself (test controls, seed data). */
export interface Actor {
  readonly user: string;
  /** `ignore_permissions=True`: server-side code, no role check. */
  readonly ignorePermissions?: boolean;
}

export interface UpdateOptions {
  /**
   * `modified` handling (§7.4): `if-sent` compares it when the body carries it (v1 PUT);
   * `required` always compares (frappe.client.save/submit: the doc is rebuilt from the body);
   * `never` skips it (set_value, server-side changes).
   */
  readonly modifiedCheck: 'if-sent' | 'required' | 'never';
  /** Skip UpdateAfterSubmitError (server-side `db_set`, e.g. Sales Order status). */
  readonly allowAfterSubmit?: boolean;
}

export function requireMeta(site: Site, user: string, doctype: string): DocTypeMeta {
  const meta = getMeta(doctype);
  if (!meta) throw unknownDoctype(site, user, doctype);
  return meta;
}

function check(site: Site, actor: Actor, doctype: string, ptype: PermissionType): void {
  if (!actor.ignorePermissions) requirePermission(site, actor.user, doctype, ptype);
}

/** `frappe.get_doc(doctype, name)`: 404 (or the masked 403), then read permission. */
export function loadDoc(
  site: Site,
  actor: Actor,
  doctype: string,
  name: string,
  ptype: PermissionType = 'read',
): StoredDoc {
  requireMeta(site, actor.user, doctype);
  const doc = site.docs.get(doctype, name);
  if (!doc) throw notFound(site, actor.user, doctype, name);
  check(site, actor, doctype, ptype);
  return doc;
}

/** Standard DocTypes cannot change outside developer mode; the emulator's never do. */
function refuseStandardDoctype(meta: DocTypeMeta): void {
  if (meta.name === 'DocType' || meta.istable) {
    throw frappeThrow(
      'ValidationError',
      meta.istable
        ? `${meta.name} rows are saved through their parent document`
        : "Not in Developer Mode! Set in site_config.json or make 'Custom' DocType.",
    );
  }
}

/** `Document.insert()`: permission, naming, controller, validation, duplicate check, stamps. */
export function insertDoc(
  site: Site,
  actor: Actor,
  doctype: string,
  input: Record<string, unknown>,
): StoredDoc {
  const meta = requireMeta(site, actor.user, doctype);
  check(site, actor, doctype, 'create');
  refuseStandardDoctype(meta);
  const docstatus = cint(input.docstatus);
  if (docstatus !== 0) checkTransition(site, actor, meta, 0, docstatus);

  const doc: Record<string, unknown> = { ...defaultsOf(meta, site) };
  applyValues(meta, doc, input);
  doc.docstatus = docstatus;
  const name = newName(site, meta, doc, input.name);
  doc.name = name;
  validateAndStamp(site, actor, meta, doc, undefined);
  if (site.docs.get(doctype, name)) {
    throw new FrappeException('DuplicateEntryError', {
      message: `${doctype} <b>${name}</b> already exists`,
      title: 'Duplicate Name',
      thrown: false,
    });
  }
  if (docstatus !== 0) runDocstatusChange(doctype, doc, docstatus as 0 | 1 | 2);
  const stored = doc as StoredDoc;
  site.docs.put(stored);
  emitWrite(site, 'insert', docOutput(stored), actor.user);
  return stored;
}

/**
 * `Document.save()` on a stored document with `changes` merged in: permission, optimistic
 * concurrency on `modified`, docstatus transitions (submit/cancel), update-after-submit rules.
 */
export function updateDoc(
  site: Site,
  actor: Actor,
  doctype: string,
  name: string,
  changes: Record<string, unknown>,
  options: UpdateOptions,
): StoredDoc {
  const existing = loadDoc(site, actor, doctype, name, 'write');
  const meta = requireMeta(site, actor.user, doctype);
  refuseStandardDoctype(meta);
  checkModified(existing, changes, options);
  const to = 'docstatus' in changes ? cint(changes.docstatus) : existing.docstatus;
  checkTransition(site, actor, meta, existing.docstatus, to);

  const doc = structuredClone(existing) as Record<string, unknown>;
  applyValues(meta, doc, changes);
  doc.docstatus = to;
  if (existing.docstatus === 1 && to === 1 && !options.allowAfterSubmit) {
    finalize(meta, doc);
    checkUpdateAfterSubmit(meta, existing, doc);
  }
  validateAndStamp(site, actor, meta, doc, existing);
  if (to !== existing.docstatus) runDocstatusChange(doctype, doc, to as 0 | 1 | 2);
  const stored = doc as StoredDoc;
  site.docs.put(stored);
  emitWrite(site, 'update', docOutput(stored), actor.user, existing.docstatus);
  return stored;
}

function checkModified(existing: StoredDoc, changes: Record<string, unknown>, options: UpdateOptions): void {
  if (options.modifiedCheck === 'never') return;
  if (options.modifiedCheck === 'if-sent' && !('modified' in changes)) return;
  const sent =
    changes.modified === null || changes.modified === undefined ? 'None' : String(changes.modified);
  if (sent !== existing.modified) {
    throw frappeThrow(
      'TimestampMismatchError',
      `Error: Document has been modified after you have opened it (${existing.modified}, ${sent}). Please refresh to get the latest document.`,
    );
  }
}

/** `check_docstatus_transition`, plus the submit/cancel permission each transition needs. */
function checkTransition(site: Site, actor: Actor, meta: DocTypeMeta, from: number, to: number): void {
  if (from === 2) throw frappeThrow('ValidationError', 'Cannot edit cancelled document');
  if (to === from) return;
  const allowed = (from === 0 && to === 1) || (from === 1 && to === 2);
  if (!allowed || !meta.is_submittable) {
    throw frappeThrow('DocstatusTransitionError', `Cannot change docstatus from ${from} to ${to}`);
  }
  check(site, actor, meta.name, to === 1 ? 'submit' : 'cancel');
}

/** Controller validate, mandatory, selects, links; then the standard columns of doc and rows. */
function validateAndStamp(
  site: Site,
  actor: Actor,
  meta: DocTypeMeta,
  doc: Record<string, unknown>,
  existing: StoredDoc | undefined,
): void {
  runValidate(site, meta.name, doc);
  validateMandatory(meta, doc);
  validateSelects(meta, doc);
  validateLinks(site, meta, doc);
  finalize(meta, doc);
  const now = site.docs.timestamp();
  doc.doctype = meta.name;
  doc.owner = existing?.owner ?? actor.user;
  doc.creation = existing?.creation ?? now;
  doc.modified = now;
  doc.modified_by = actor.user;
  doc.idx = existing?.idx ?? 0;
  stampChildren(meta, doc, now, actor.user);
}

/** Child rows: name/parent/parenttype/parentfield/idx, the parent's docstatus and stamps. */
export function stampChildren(
  meta: DocTypeMeta,
  doc: Record<string, unknown>,
  now: string,
  user: string,
): void {
  for (const field of tableFields(meta)) {
    const rows = doc[field.fieldname];
    if (!Array.isArray(rows)) continue;
    rows.forEach((row: Record<string, unknown>, index) => {
      row.owner ??= doc.owner;
      row.creation ??= now;
      row.modified = now;
      row.modified_by = user;
      row.docstatus = doc.docstatus;
      row.idx = index + 1;
      row.parent = doc.name;
      row.parentfield = field.fieldname;
      row.parenttype = meta.name;
      row.doctype = field.options;
    });
  }
}

/** `as_dict()`: standard columns first, then the doctype's fields, child tables and `doctype`. */
export function docOutput(doc: StoredDoc): Record<string, unknown> {
  const meta = getMeta(doc.doctype);
  const out: Record<string, unknown> = {
    name: doc.name,
    owner: doc.owner,
    creation: doc.creation,
    modified: doc.modified,
    modified_by: doc.modified_by,
    docstatus: doc.docstatus,
    idx: doc.idx,
  };
  for (const field of meta?.fields ?? [])
    out[field.fieldname] = structuredClone(doc[field.fieldname] ?? null);
  out.doctype = doc.doctype;
  return out;
}
