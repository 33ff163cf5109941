import { frappeThrow } from '../core/exceptions';
import type { HandlerContext } from '../core/registry';
import type { Site } from '../site';
import { cint, jsonArg, objectArg, requiredString, truthy } from './args';
import { CHILD_FIELDS, STANDARD_FIELDS } from './doctypes';
import type { StoredDoc } from './document-store';
import { type Actor, docOutput, insertDoc, loadDoc, requireMeta, updateDoc } from './documents';
import { deleteDoc, renameDoc } from './removal';

const WRITE_VERBS = ['POST', 'PUT'];
const STANDARD = new Set<string>([...STANDARD_FIELDS, ...CHILD_FIELDS]);
const MAX_INSERT_MANY = 200;

/**
 * The write side of `frappe.client` (§7.2). Like v14+ these are `@whitelist(methods=[…])`, so a
 * GET gets 403 "Not permitted" from the router.
 */
export function installClientWrite(site: Site): void {
  const register = (name: string, handler: (context: HandlerContext) => unknown, methods = WRITE_VERBS) =>
    site.methods.register(`frappe.client.${name}`, { methods, handler });

  register('set_value', setValue);
  register('insert', (context) =>
    docOutput(insertOne(context.site, actorOf(context), objectArg(context.args.doc, 'doc'))),
  );
  register('insert_many', insertMany, ['POST']);
  register('save', (context) => docOutput(saveDoc(context, objectArg(context.args.doc, 'doc'), undefined)));
  register('submit', (context) => docOutput(saveDoc(context, objectArg(context.args.doc, 'doc'), 1)));
  register('cancel', ({ site: current, auth, args }) =>
    docOutput(
      updateDoc(
        current,
        { user: auth.user },
        requiredString(args, 'doctype'),
        requiredString(args, 'name'),
        { docstatus: 2 },
        {
          modifiedCheck: 'never',
        },
      ),
    ),
  );
  register(
    'delete',
    ({ site: current, auth, args }) => {
      deleteDoc(current, { user: auth.user }, requiredString(args, 'doctype'), requiredString(args, 'name'));
      return undefined;
    },
    ['POST', 'DELETE'],
  );
  register('rename_doc', ({ site: current, auth, args }) =>
    renameDoc(
      current,
      { user: auth.user },
      requiredString(args, 'doctype'),
      requiredString(args, 'old_name'),
      requiredString(args, 'new_name'),
      truthy(args.merge, false),
    ),
  );
}

function actorOf(context: HandlerContext): Actor {
  return { user: context.auth.user };
}

/**
 * `set_value(doctype, name, fieldname, value)`; `fieldname` may be a JSON dict of values (then
 * `value` is empty). The doc is loaded fresh before saving, so it never conflicts on `modified`.
 */
function setValue(context: HandlerContext): unknown {
  const { site, args } = context;
  const doctype = requiredString(args, 'doctype');
  const name = requiredString(args, 'name');
  const fieldname = args.fieldname;
  let values: Record<string, unknown>;
  if (args.value === undefined || args.value === null || args.value === '') {
    if (typeof fieldname === 'string') {
      const parsed = tryJson(fieldname);
      values = isObject(parsed) ? parsed : { [fieldname]: args.value ?? '' };
    } else if (isObject(fieldname)) {
      values = fieldname;
    } else {
      throw frappeThrow('ValidationError', "'fieldname' must be a field name or a JSON object");
    }
  } else {
    values = { [String(fieldname)]: args.value };
  }
  if (Object.keys(values).some((key) => STANDARD.has(key)))
    throw frappeThrow('ValidationError', 'Cannot edit standard fields');
  return docOutput(updateDoc(site, actorOf(context), doctype, name, values, { modifiedCheck: 'never' }));
}

/** `insert_doc`: a child row (parenttype/parent/parentfield) is appended to its parent, which is saved and returned. */
function insertOne(site: Site, actor: Actor, doc: Record<string, unknown>): StoredDoc {
  if (typeof doc.doctype !== 'string' || !doc.doctype)
    throw frappeThrow('ValidationError', "'doctype' is required in doc");
  if (typeof doc.parenttype === 'string' && doc.parenttype && typeof doc.parent === 'string') {
    const parentfield = String(doc.parentfield ?? '');
    const parent = loadDoc(site, actor, doc.parenttype, doc.parent, 'write');
    const rows = Array.isArray(parent[parentfield]) ? (parent[parentfield] as unknown[]) : [];
    const { parent: _p, parenttype: _t, parentfield: _f, doctype: _d, ...row } = doc;
    return updateDoc(
      site,
      actor,
      doc.parenttype,
      doc.parent,
      { [parentfield]: [...rows, row] },
      { modifiedCheck: 'never' },
    );
  }
  return insertDoc(site, actor, doc.doctype, doc);
}

/** `insert_many(docs)`: at most 200, all or nothing (the request's transaction rolls back on error). */
function insertMany(context: HandlerContext): string[] {
  const { site } = context;
  const docs = jsonArg(context.args.docs, 'docs');
  if (!Array.isArray(docs)) throw frappeThrow('ValidationError', "'docs' must be a list of documents");
  if (docs.length > MAX_INSERT_MANY)
    throw frappeThrow('ValidationError', `Only ${MAX_INSERT_MANY} inserts allowed in one request`);
  const undo: Array<() => void> = [];
  try {
    return docs.map((entry) => {
      const doc = objectArg(entry, 'docs');
      const parentType = typeof doc.parenttype === 'string' ? doc.parenttype : undefined;
      const before =
        parentType && typeof doc.parent === 'string' ? site.docs.get(parentType, doc.parent) : undefined;
      const saved = insertOne(site, actorOf(context), doc);
      undo.push(before ? () => site.docs.put(before) : () => site.docs.delete(saved.doctype, saved.name));
      return saved.name;
    });
  } catch (error) {
    for (const step of undo.reverse()) step();
    throw error;
  }
}

/**
 * `save(doc)` / `submit(doc)`: the document is rebuilt from the body (`frappe.get_doc(doc)`), so
 * fields left out are cleared and the body's `modified` must match the stored one (§7.4).
 * A doc that does not exist yet is inserted.
 */
function saveDoc(context: HandlerContext, doc: Record<string, unknown>, docstatus: 1 | undefined): StoredDoc {
  const { site } = context;
  const actor = actorOf(context);
  if (typeof doc.doctype !== 'string' || !doc.doctype)
    throw frappeThrow('ValidationError', "'doctype' is required in doc");
  const meta = requireMeta(site, actor.user, doc.doctype);
  const name = typeof doc.name === 'string' ? doc.name : undefined;
  if (!name || !site.docs.get(meta.name, name)) {
    return insertDoc(site, actor, meta.name, docstatus ? { ...doc, docstatus } : doc);
  }
  const changes: Record<string, unknown> = {};
  for (const field of meta.fields) changes[field.fieldname] = doc[field.fieldname] ?? null;
  changes.modified = doc.modified;
  changes.docstatus = docstatus ?? cint(doc.docstatus);
  return updateDoc(site, actor, meta.name, name, changes, { modifiedCheck: 'required' });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
