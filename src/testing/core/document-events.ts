import { AsyncLocalStorage } from 'node:async_hooks';
import type { Site } from '../site';

/**
 * The controller methods Frappe's `Document.run_method` runs around a write that webhooks and the
 * Deleted Document log react to (`frappe/model/document.py` `run_post_save_methods`,
 * `frappe/model/delete_doc.py`).
 */
export type DocEventMethod =
  | 'after_insert'
  | 'on_update'
  | 'on_submit'
  | 'on_cancel'
  | 'on_trash'
  | 'on_update_after_submit'
  | 'on_change';

/** One method run on one document: the document as it stood when the method ran. */
export interface DocumentEvent {
  readonly method: DocEventMethod;
  /** A copy of the document (`as_dict`), child rows included. */
  readonly doc: Readonly<Record<string, unknown>>;
  readonly doctype: string;
  readonly name: string;
  /** `doc.flags.in_insert`: true for the methods an insert runs. */
  readonly inInsert: boolean;
  /** The session user who made the change. */
  readonly user: string;
}

/**
 * Who listens: `inTransaction` runs at once, inside the request's transaction (what Frappe writes
 * to the database then, like the Deleted Document row); `afterCommit` runs only once the request
 * succeeded, with all its events in order (what Frappe queues on `frappe.db.after_commit`, like
 * webhooks). A failed request's events never reach `afterCommit`.
 */
export interface DocumentEventListener {
  inTransaction?(site: Site, event: DocumentEvent): void;
  afterCommit?(site: Site, events: readonly DocumentEvent[]): void;
}

interface Transaction {
  readonly site: Site;
  readonly events: DocumentEvent[];
}

const listeners = new WeakMap<Site, DocumentEventListener[]>();
const transaction = new AsyncLocalStorage<Transaction>();

/** Adds a listener to the site's document events. */
export function onDocumentEvents(site: Site, listener: DocumentEventListener): void {
  const list = listeners.get(site) ?? [];
  list.push(listener);
  listeners.set(site, list);
}

/**
 * Runs one request as one transaction: events emitted inside it reach `afterCommit` listeners
 * only when `succeeded` says the answer was a success. Requests served at the same time keep
 * their own events (AsyncLocalStorage), as each Frappe worker has its own transaction.
 */
export async function inTransaction<T>(
  site: Site,
  work: () => Promise<T>,
  succeeded: (result: T) => boolean,
): Promise<T> {
  const tx: Transaction = { site, events: [] };
  const result = await transaction.run(tx, work);
  if (succeeded(result) && tx.events.length > 0) commit(site, tx.events);
  return result;
}

/** The methods a write runs, in Frappe's order, given the docstatus before and after. */
export function methodsOfWrite(
  kind: 'insert' | 'update' | 'delete',
  from: number | undefined,
  to: number,
): DocEventMethod[] {
  if (kind === 'delete') return ['on_trash', 'on_change'];
  if (kind === 'insert')
    return to === 1 ? ['after_insert', 'on_update', 'on_submit'] : ['after_insert', 'on_update'];
  if (from === 0 && to === 1) return ['on_update', 'on_submit', 'on_change'];
  if (from === 1 && to === 2) return ['on_cancel', 'on_change'];
  if (from === 1 && to === 1) return ['on_update_after_submit', 'on_change'];
  return ['on_update', 'on_change'];
}

/**
 * Reports a write: each of its methods becomes an event. Outside a request (a test control's
 * server-side change) the write commits at once.
 */
export function emitWrite(
  site: Site,
  kind: 'insert' | 'update' | 'delete',
  doc: Record<string, unknown>,
  user: string,
  from?: number,
): void {
  const registered = listeners.get(site);
  if (!registered || registered.length === 0) return;
  const to = typeof doc.docstatus === 'number' ? doc.docstatus : 0;
  const snapshot = structuredClone(doc);
  const events = methodsOfWrite(kind, from, to).map(
    (method): DocumentEvent => ({
      method,
      doc: snapshot,
      doctype: String(doc.doctype),
      name: String(doc.name),
      inInsert: kind === 'insert',
      user,
    }),
  );
  for (const event of events) for (const listener of registered) listener.inTransaction?.(site, event);
  const tx = transaction.getStore();
  if (tx && tx.site === site) tx.events.push(...events);
  else commit(site, events);
}

function commit(site: Site, events: readonly DocumentEvent[]): void {
  for (const listener of listeners.get(site) ?? []) listener.afterCommit?.(site, events);
}
