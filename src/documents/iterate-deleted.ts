import { FrappeError, FrappeInputError, FrappePermissionError } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import type { DocumentsContext } from './documents-context';
import type { FilterCondition } from './filters';
import { iterateList } from './iterate-list';
import { pathSegment } from './names';

/** Frappe's log of deletions (`frappe/core/doctype/deleted_document`). */
export const DELETED_DOCUMENT = 'Deleted Document';

/** Options of `iterateDeleted`. */
export interface IterateDeletedOptions extends RequestOptions {
  /**
   * Only deletions at or after this moment: a `Date`, or a Frappe datetime string
   * (`YYYY-MM-DD HH:MM:SS[.ffffff]`, in the site's time zone). A `Date` is written in UTC, which
   * is the site's zone on most hosted sites; pass a string when it is not.
   */
  since?: Date | string;
  /**
   * Keep the position in the client's store under this key (apart from `iterateList`'s keys, so
   * one key may name both halves of a sync): the next run yields only what was deleted since.
   */
  checkpointKey?: string;
  /** Rows per request; default 500. */
  pageSize?: number;
}

/** A document as Frappe recorded it when it was deleted. */
export interface DeletedDocument<T = Record<string, unknown>> {
  /** The deleted document's name (`deleted_name`). */
  name: string;
  /** Its DocType (`deleted_doctype`). */
  doctype: string;
  /**
   * The document as it stood when it was deleted (`data`, Frappe's `doc.as_json()`), child rows
   * included; `undefined` when the record does not hold JSON.
   */
  data: T | undefined;
  /** When it was deleted: the record's `creation`, a Frappe datetime string. */
  deletedAt: string;
  /** Who deleted it (the record's `owner`). */
  deletedBy: string;
  /** Whether it was restored since (`restored`), and under which name (`new_name`). */
  restored: boolean;
  newName: string | undefined;
  /** The Deleted Document record's own name, e.g. to clear it once mirrored. */
  recordName: string;
}

const FIELDS = [
  'name',
  'deleted_name',
  'deleted_doctype',
  'data',
  'restored',
  'new_name',
  'owner',
  'creation',
];

/**
 * Streams the documents of a DocType deleted since a checkpoint, oldest deletion first, from
 * Frappe's `Deleted Document` log: each with the deleted name and the data Frappe recorded.
 * Resumable like `iterateList` (it pages the log the same way, by (`modified`, `name`)), with the
 * same at-least-once guarantee: after a crash, deletions since the last stored position may come
 * again, none is skipped.
 *
 * Frappe lets only System Manager read `Deleted Document`, and admins may clear it: a deletion
 * cleared before the sync read it is not seen, so a mirror that must be exact compares names now
 * and then. A user without read access gets a FrappePermissionError that says so.
 */
export async function* iterateDeleted<T = Record<string, unknown>>(
  context: DocumentsContext,
  doctype: string,
  options: IterateDeletedOptions = {},
): AsyncGenerator<DeletedDocument<T>, void, undefined> {
  pathSegment(doctype, 'doctype');
  const filters: FilterCondition[] = [['deleted_doctype', '=', doctype]];
  if (options.since !== undefined) filters.push(['creation', '>=', sinceText(options.since)]);
  if (
    options.checkpointKey !== undefined &&
    (typeof options.checkpointKey !== 'string' || !options.checkpointKey)
  ) {
    throw new FrappeInputError({ message: 'checkpointKey must be a non-empty string' });
  }
  const rows = iterateList<Record<string, unknown>>(context, DELETED_DOCUMENT, {
    fields: FIELDS,
    filters,
    pageSize: options.pageSize,
    checkpointKey: options.checkpointKey === undefined ? undefined : `deleted:${options.checkpointKey}`,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  try {
    for await (const row of rows) yield deletedDocument<T>(row, doctype);
  } catch (error) {
    throw error instanceof FrappePermissionError ? systemManagerNeeded(error) : error;
  }
}

function deletedDocument<T>(row: Record<string, unknown>, doctype: string): DeletedDocument<T> {
  if (typeof row.deleted_name !== 'string' || typeof row.name !== 'string') {
    throw new FrappeError({ message: 'iterateDeleted: a Deleted Document row came back without its names' });
  }
  return {
    name: row.deleted_name,
    doctype: typeof row.deleted_doctype === 'string' ? row.deleted_doctype : doctype,
    data: parseData<T>(row.data),
    deletedAt: typeof row.creation === 'string' ? row.creation : '',
    deletedBy: typeof row.owner === 'string' ? row.owner : '',
    restored: row.restored === 1 || row.restored === true || row.restored === '1',
    newName: typeof row.new_name === 'string' && row.new_name ? row.new_name : undefined,
    recordName: row.name,
  };
}

/** `data` is Python's JSON; a value Frappe could not write as JSON leaves `undefined`. */
function parseData<T>(data: unknown): T | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === 'object' ? (parsed as T) : undefined;
  } catch {
    return undefined;
  }
}

function sinceText(since: Date | string): string {
  if (since instanceof Date) {
    if (Number.isNaN(since.getTime())) throw new FrappeInputError({ message: 'since is an invalid Date' });
    const iso = since.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
  }
  if (typeof since !== 'string' || !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$/.test(since)) {
    throw new FrappeInputError({
      message: 'since must be a Date or a Frappe datetime string (YYYY-MM-DD HH:MM:SS[.ffffff])',
    });
  }
  return since;
}

function systemManagerNeeded(error: FrappePermissionError): FrappePermissionError {
  return new FrappePermissionError({
    message:
      "iterateDeleted: reading Frappe's Deleted Document log needs the System Manager role, which this user lacks (Frappe grants it to no other role)",
    status: error.status,
    excType: error.excType,
    messages: error.messages,
    cause: error,
  });
}
