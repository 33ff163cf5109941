import { FrappeError, FrappeInputError, TokenStoreError } from '../errors';
import { type ProgressListener, ProgressReporter } from '../observability/progress';
import { withRateLimitPacing } from '../requests/rate-limit-pacing';
import type { RequestOptions } from '../transport/http-transport';
import type { DocumentsContext } from './documents-context';
import { checkFilters, type FieldName, type FilterCondition, type Filters } from './filters';
import { keysetPage } from './keyset-page';
import { checkFields, nonNegativeInteger } from './list-query';
import { getCount } from './read-documents';

/** Options of `iterateList`. */
export interface IterateOptions<T = Record<string, unknown>> extends RequestOptions {
  /** Fields to return; `modified` and `name` are always added (they are the position). */
  fields?: readonly (FieldName<T> | '*')[];
  /** Filters in list or dict form; combined (AND) with the position. */
  filters?: Filters<T>;
  /** Rows per request; default 500. */
  pageSize?: number;
  /**
   * Keep the position in the client's store under this key, so the next run resumes after the
   * last row consumed: an incremental sync of everything added or modified since.
   */
  checkpointKey?: string;
  /**
   * Called with `{ done, total, ratePerSecond, elapsedMs }` once at the start and after each page
   * you consumed. For the total, one count of the matching rows (same filters) is asked first, only
   * when this is given; if the count fails, `total` is left out and the iteration goes on. A
   * callback that throws is logged and ignored.
   */
  onProgress?: ProgressListener;
}

/** Where an iteration stands: the last row consumed, in (`modified`, `name`) order. */
export interface IterationCheckpoint {
  modified: string;
  name: string;
}

type Row = Record<string, unknown>;

/**
 * Streams every document of a DocType in (`modified`, `name`) ascending order, page by page, with
 * memory bounded by one page. It pages by keyset — "after this (modified, name)" — rather than by
 * offset, so rows inserted or deleted during the run neither shift nor repeat the rows around them.
 *
 * With `checkpointKey`, the position is stored as the consumer moves on (before each next page,
 * and after the last row), so a crashed run resumes where it stood: rows since the last stored
 * position may come again (at-least-once), none is skipped. A finished run keeps its position, so
 * the next run yields only what was added or modified since.
 *
 * A row modified during the run moves to the end of the order, so it may come again later in the
 * same run, with its new values.
 *
 * A page that does not move past the position it was asked after (a server or cache answering the
 * same page again) ends the iteration with a FrappeError instead of looping over it forever.
 */
export async function* iterateList<T>(
  context: DocumentsContext,
  doctype: string,
  options: IterateOptions<T> = {},
): AsyncGenerator<T, void, undefined> {
  const pageSize = options.pageSize === undefined ? 500 : nonNegativeInteger(options.pageSize, 'pageSize');
  if (pageSize === 0) throw new FrappeInputError({ message: 'pageSize must be at least 1' });
  // Everything the caller gave is checked before the checkpoint is read or a page is asked for.
  const userFilters = toConditions(checkFilters(options.filters, 'filters'));
  const fields = options.fields
    ? [...new Set([...checkFields(options.fields), 'name', 'modified'])]
    : ['name', 'modified'];
  const request: RequestOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
  const checkpointName =
    options.checkpointKey === undefined ? undefined : checkpointStoreName(options.checkpointKey);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new FrappeInputError({ message: 'iterateList: onProgress must be a function' });
  }

  let position = checkpointName ? await loadCheckpoint(context, checkpointName) : undefined;
  const progress = options.onProgress
    ? await startProgress(context, doctype, options.onProgress, userFilters, position, request)
    : undefined;
  let done = 0;
  let saved = position;
  const save = async () => {
    if (!checkpointName || !position || position === saved) return;
    await context.store.setValue(checkpointName, position);
    saved = position;
  };

  // Each page is the rows after the position, in (modified, name) order: one query on v1, up to
  // two on v2 (see keysetPage). `iterateList` takes no `orFilters`, so v1's are free for it.
  while (true) {
    const rows = await withRateLimitPacing('iterateList', () =>
      keysetPage(context, doctype, {
        fields,
        filters: userFilters,
        position,
        pageSize,
        request,
      }),
    );
    // Positions first: a page that cannot be followed is refused before any of it is yielded.
    const positions = rows.map(positionOf);
    if (position) refuseStalePage(positions, position);
    for (const [index, row] of rows.entries()) {
      yield row as T;
      position = positions[index];
      done += 1;
    }
    // The consumer has taken every row of this page: the position is safe to keep.
    await save();
    progress?.report(done);
    if (rows.length < pageSize) return;
  }
}

/**
 * The progress reporter of a run, with the total from one count of the rows still ahead (the
 * caller's filters, from the position on). A count that fails leaves the total unknown.
 */
async function startProgress(
  context: DocumentsContext,
  doctype: string,
  listener: ProgressListener,
  filters: FilterCondition[],
  position: IterationCheckpoint | undefined,
  request: RequestOptions,
): Promise<ProgressReporter> {
  const { observer } = context.executor;
  const reporter = new ProgressReporter(listener, observer.log, `iterateList(${doctype})`);
  const ahead: FilterCondition[] = position ? [...filters, ['modified', '>=', position.modified]] : filters;
  try {
    reporter.total = await getCount(context, doctype, ahead, request);
  } catch (error) {
    if (request.signal?.aborted) throw error;
    const name = error instanceof Error ? error.name : 'error';
    observer.log(
      'warn',
      `iterateList(${doctype}): the count for onProgress failed (${name}); going on without a total`,
    );
  }
  reporter.report(0);
  return reporter;
}

function positionOf(row: Row): IterationCheckpoint {
  if (
    row === null ||
    typeof row !== 'object' ||
    typeof row.modified !== 'string' ||
    typeof row.name !== 'string'
  ) {
    throw new FrappeError({ message: 'iterateList: a row came back without string modified and name' });
  }
  return { modified: row.modified, name: row.name };
}

/**
 * Every row of a page comes after the position it was asked for, so a row *at* that position means
 * the site did not apply it: a server, proxy or cache answering the same page again. Left alone
 * the iteration would yield that page forever; it stops before yielding any of it again. (Only
 * equality is checked: whether a row sorts after the position depends on the database collation,
 * which JavaScript string order does not reproduce.)
 */
function refuseStalePage(rows: readonly IterationCheckpoint[], position: IterationCheckpoint): void {
  for (const row of rows) {
    if (row.modified === position.modified && row.name === position.name) {
      throw new FrappeError({
        message:
          'iterateList: the site answered a page that does not move past the last row (the same page again?); stopping rather than repeating it',
      });
    }
  }
}

/** Checked filters (see checkFilters) as a list of conditions, to add the position to. */
function toConditions(filters: Filters | undefined): FilterCondition[] {
  if (filters === undefined) return [];
  if (Array.isArray(filters)) return [...filters];
  return Object.entries(filters).map(([field, value]) =>
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'string'
      ? ([field, value[0], value[1]] as FilterCondition)
      : ([field, '=', value] as FilterCondition),
  );
}

function checkpointStoreName(key: unknown): string {
  if (typeof key !== 'string' || key === '') {
    throw new FrappeInputError({ message: 'checkpointKey must be a non-empty string' });
  }
  return `checkpoint:${encodeURIComponent(key)}`;
}

async function loadCheckpoint(
  context: DocumentsContext,
  name: string,
): Promise<IterationCheckpoint | undefined> {
  const value = await context.store.getValue<unknown>(name);
  if (value === undefined || value === null) return undefined;
  const candidate = value as Partial<IterationCheckpoint>;
  if (typeof candidate.modified !== 'string' || typeof candidate.name !== 'string') {
    throw new TokenStoreError({
      message: 'the stored iteration checkpoint is unreadable',
      reason: 'unreadable',
    });
  }
  return { modified: candidate.modified, name: candidate.name };
}
