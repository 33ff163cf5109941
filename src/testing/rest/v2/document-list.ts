import type { Site } from '../../site';
import { cint } from '../args';
import { runListQuery } from '../list-query';

/**
 * `document_list` (`GET /api/v2/document/<DocType>`): `fields`, `filters`, `or_filters`,
 * `order_by`, `start` (default 0) and `limit` (default 20). It asks for one row more than `limit`
 * to answer `has_next_page`, so `limit=0` is an empty page, never "all rows" as in v1; v1's
 * `limit_start`/`limit_page_length` are not read.
 */
export function documentList(
  site: Site,
  user: string,
  doctype: string,
  args: Readonly<Record<string, unknown>>,
): { data: unknown[]; hasNextPage: boolean } {
  const start = Math.max(0, cint(args.start ?? 0));
  const limit = Math.max(0, cint(args.limit ?? 20));
  const rows = runListQuery(site, user, doctype, {
    fields: args.fields,
    filters: args.filters,
    or_filters: args.or_filters,
    order_by: args.order_by,
    limit_start: start,
    // One more than asked: whether it came tells whether there is a next page.
    limit_page_length: limit + 1,
    as_dict: args.as_dict === false ? 0 : 1,
    parent: args.parent,
  });
  return { data: rows.slice(0, limit), hasNextPage: rows.length > limit };
}
