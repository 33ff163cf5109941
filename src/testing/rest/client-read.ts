import { frappeThrow } from '../core/exceptions';
import type { HandlerContext } from '../core/registry';
import type { Site } from '../site';
import { jsonArg, jsonOrString, requiredString, truthy } from './args';
import { docOutput, loadDoc, requireMeta } from './documents';
import { countRows, firstMatch, runListQuery } from './list-query';
import { hasPermission, notFound } from './permissions';

/** The read side of `frappe.client` (§7.2): get_list, get_count, get, get_value. */
export function installClientRead(site: Site): void {
  site.methods.register('frappe.client.get_list', {
    handler: ({ site: current, auth, args }: HandlerContext) =>
      runListQuery(current, auth.user, requiredString(args, 'doctype'), args),
  });

  site.methods.register('frappe.client.get_count', {
    handler: ({ site: current, auth, args }: HandlerContext) =>
      countRows(current, auth.user, requiredString(args, 'doctype'), safeFilters(args.filters)),
  });

  site.methods.register('frappe.client.get', {
    handler: ({ site: current, auth, args }: HandlerContext) => {
      const doctype = requiredString(args, 'doctype');
      const actor = { user: auth.user };
      if (typeof args.name === 'string' && args.name)
        return docOutput(loadDoc(current, actor, doctype, args.name));
      requireMeta(current, auth.user, doctype);
      const filters = safeFilters(args.filters);
      const name = firstMatch(current, doctype, filters);
      if (!name) throw notFound(current, auth.user, doctype, JSON.stringify(filters ?? null));
      return docOutput(loadDoc(current, actor, doctype, name));
    },
  });

  site.methods.register('frappe.client.get_value', { handler: getValue });
}

/**
 * `get_value(doctype, fieldname, filters, as_dict=True)`: doctype read permission, then one row
 * through get_list. `fieldname` is a field or a JSON list; `filters` a name, dict or JSON.
 * as_dict → the row (or `{}`); otherwise the value, or the list of values for several fields.
 */
function getValue({ site, auth, args }: HandlerContext): unknown {
  const doctype = requiredString(args, 'doctype');
  requireMeta(site, auth.user, doctype);
  if (!hasPermission(site, auth.user, doctype, 'read')) {
    throw frappeThrow('PermissionError', `No permission for ${doctype}`);
  }
  const parsedFields = jsonOrString(args.fieldname ?? 'name');
  const fields = Array.isArray(parsedFields) ? parsedFields : [String(parsedFields)];
  const asDict = truthy(args.as_dict, true);
  const filters = safeFilters(args.filters);
  const rows = runListQuery(site, auth.user, doctype, {
    fields,
    filters: isEmpty(filters) ? undefined : filters,
    limit_page_length: 1,
    as_dict: asDict,
  });
  if (asDict) return rows[0] ?? {};
  const first = rows[0] as unknown[] | undefined;
  if (!first) return undefined;
  return fields.length > 1 ? first : first[0];
}

/** `get_safe_filters`: JSON when it parses, and a bare string means `{"name": string}`. */
function safeFilters(raw: unknown): unknown {
  const parsed = typeof raw === 'string' ? jsonOrString(raw) : raw;
  if (typeof parsed === 'string') return parsed === '' ? undefined : { name: parsed };
  if (typeof parsed === 'number') return { name: String(parsed) };
  return parsed === undefined ? undefined : jsonArg(parsed, 'filters');
}

function isEmpty(filters: unknown): boolean {
  if (filters === undefined || filters === null) return true;
  if (Array.isArray(filters)) return filters.length === 0;
  return typeof filters === 'object' && Object.keys(filters).length === 0;
}
