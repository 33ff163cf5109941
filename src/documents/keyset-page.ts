import type { RequestOptions } from '../transport/http-transport';
import type { DocumentsContext } from './documents-context';
import type { FilterCondition } from './filters';
import { getList } from './read-documents';
import { routesFor } from './rest-routes';

type Row = Record<string, unknown>;

/** One page of iterateList: the rows after `position` in (`modified`, `name`) order. */
export interface KeysetPageRequest {
  fields: string[];
  /** The caller's filters, as conditions (ANDed with the position). */
  filters: readonly FilterCondition[];
  position: { modified: string; name: string } | undefined;
  pageSize: number;
  request: RequestOptions;
}

const ORDER = 'modified asc, name asc';

/**
 * "After (modified, name)" is `modified > m OR (modified = m AND name > n)`.
 *
 * On v1 that is one query: `modified >= m` in `filters` and `modified > m OR name > n` in
 * `or_filters`, which Frappe puts in parentheses and ANDs with the rest.
 *
 * On v2 it is two AND-only queries, because not every v2 list reads `or_filters` (the one in
 * Frappe's `frappe/api/v2.py` that builds on `frappe.qb.get_query` and answers `has_next_page`
 * passes no `or_filters` on, so they would be dropped and the page would start at the position
 * again): first the rest of the rows sharing `modified = m` (`name > n`, by name), then, if the
 * page is not full, the rows with `modified > m`. Both comparisons stay the database's, so its
 * collation decides the order, as on v1. A position costs a second request only when the first
 * does not fill the page.
 */
export async function keysetPage(
  context: DocumentsContext,
  doctype: string,
  page: KeysetPageRequest,
): Promise<Row[]> {
  const { fields, filters, position, pageSize, request } = page;
  const list = (
    conditions: FilterCondition[],
    limit: number,
    orFilters?: FilterCondition[],
    orderBy = ORDER,
  ) => getList<Row>(context, doctype, { fields, filters: conditions, orFilters, orderBy, limit, ...request });

  if (!position) return list([...filters], pageSize);
  if ((await routesFor(context, request)).api === 'v1') {
    return list([...filters, ['modified', '>=', position.modified]], pageSize, [
      ['modified', '>', position.modified],
      ['name', '>', position.name],
    ]);
  }
  const sameModified = await list(
    [...filters, ['modified', '=', position.modified], ['name', '>', position.name]],
    pageSize,
    undefined,
    'name asc',
  );
  if (sameModified.length >= pageSize) return sameModified;
  const later = await list(
    [...filters, ['modified', '>', position.modified]],
    pageSize - sameModified.length,
  );
  return [...sameModified, ...later];
}
