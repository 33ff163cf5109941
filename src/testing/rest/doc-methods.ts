import { frappeThrow } from '../core/exceptions';
import type { Site } from '../site';
import { salesOrderStatusAfterUpdate } from './controllers';
import { getMeta } from './doctypes';
import { type Actor, loadDoc, updateDoc } from './documents';

type DocMethod = (
  site: Site,
  actor: Actor,
  doctype: string,
  name: string,
  args: Record<string, unknown>,
) => unknown;

/**
 * Whitelisted document methods reachable through `run_method` (§7.1). `submit` and `cancel` are
 * whitelisted on every submittable document (v14+ `Document.submit/cancel`); the doctype-specific
 * ones stand in for ERPNext controller methods.
 */
const DOCTYPE_METHODS: Readonly<Record<string, Readonly<Record<string, DocMethod>>>> = {
  Customer: {
    /** A read-only method: `GET …?run_method=get_greeting&greeting=Hi`. */
    get_greeting: (site, actor, doctype, name, args) => {
      const doc = loadDoc(site, actor, doctype, name, 'read');
      const greeting = typeof args.greeting === 'string' && args.greeting ? args.greeting : 'Hello';
      return `${greeting}, ${String(doc.customer_name)}!`;
    },
  },
  'Sales Order': {
    /** ERPNext's `update_status(status)`: Close/Hold/Re-open a submitted order (a `db_set`). */
    update_status: (site, actor, doctype, name, args) => {
      const doc = loadDoc(site, actor, doctype, name, 'read');
      const status = salesOrderStatusAfterUpdate(doc, args.status);
      updateDoc(
        site,
        { ...actor, ignorePermissions: true },
        doctype,
        name,
        { status },
        {
          modifiedCheck: 'never',
          allowAfterSubmit: true,
        },
      );
      return undefined;
    },
  },
};

/** Methods every Document has but does not whitelist: calling them is a 403, not a 404. */
const NOT_WHITELISTED = new Set([
  'validate',
  'save',
  'insert',
  'delete',
  'db_set',
  'run_method',
  'reload',
  'on_submit',
  'on_cancel',
]);

/**
 * `execute_doc_method`: GET needs read permission, POST write permission (checked by the caller
 * through `ptype`), then the method runs with the remaining form-dict arguments.
 */
export function runDocMethod(
  site: Site,
  actor: Actor,
  doctype: string,
  name: string,
  method: string,
  ptype: 'read' | 'write',
  args: Record<string, unknown>,
): unknown {
  const meta = getMeta(doctype);
  loadDoc(site, actor, doctype, name, ptype);
  if (meta?.is_submittable && (method === 'submit' || method === 'cancel')) {
    updateDoc(
      site,
      actor,
      doctype,
      name,
      { docstatus: method === 'submit' ? 1 : 2 },
      { modifiedCheck: 'never' },
    );
    return undefined;
  }
  const handler = DOCTYPE_METHODS[doctype]?.[method];
  if (handler) return handler(site, actor, doctype, name, args);
  if (NOT_WHITELISTED.has(method)) {
    throw frappeThrow(
      'PermissionError',
      `<details><summary>You are not permitted to access this resource.</summary>Function <b>frappe.model.document.Document.${method}</b> is not whitelisted.</details>`,
      'Method Not Allowed',
    );
  }
  throw frappeThrow('DoesNotExistError', `Method ${method} not found`);
}
