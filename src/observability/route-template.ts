/**
 * Where a request went, in words that are safe to put on a span, a metric or a dashboard: the
 * route template (`/api/resource/{doctype}/{name}`), never a document name or a query value.
 */
export interface RouteInfo {
  /** The route template, e.g. `/api/resource/{doctype}/{name}` or `/api/method/{method}`. */
  route: string;
  /** The path without its query or fragment (document names kept: for logs and hooks only). */
  path: string;
  /** The DocType the route names, decoded (`Sales Invoice`), when it names one. */
  doctype?: string;
  /** The whitelisted method the route calls (`frappe.client.get_list`), when it calls one. */
  method?: string;
}

/** A method name is code (`frappe.client.get_count`), not data: it may be shown as it is. */
const METHOD_NAME = /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*$/;

/** v2's POST routes under a DocType that are actions, not document names (develop). */
const V2_BULK_ACTIONS = new Set(['bulk_delete', 'bulk_update']);

/**
 * The route of a request path on a Frappe site, for the v1 (`/api/resource`, `/api/method`,
 * `/api/v1/…`) and v2 (`/api/v2/document`, `/api/v2/method`, `/api/v2/doctype`) REST routes and
 * the file routes. `basePath` is the site's path prefix (a site served under `/erp`), removed
 * first. A path that matches none of them is `/{path}`: nothing of an unknown path is kept.
 */
export function routeOf(url: string, basePath = ''): RouteInfo {
  const path = pathWithoutQuery(url);
  const prefix = basePath.replace(/\/+$/, '');
  const local =
    prefix !== '' && (path === prefix || path.startsWith(`${prefix}/`)) ? path.slice(prefix.length) : path;
  const segments = local.split('/').filter((segment) => segment !== '');
  return { path, ...templateOf(segments.map(decodeSegment)) };
}

function templateOf(segments: string[]): Omit<RouteInfo, 'path'> {
  const [first, second, ...rest] = segments;
  if (first === 'api') {
    if (second === 'v2') return v2Template(rest);
    // `/api/v1/…` follows the v1 rules as `/api/…` does.
    if (second === 'v1') return v1Template(rest, '/api/v1');
    return v1Template(second === undefined ? [] : [second, ...rest], '/api');
  }
  if (first === 'files' && segments.length > 1) return { route: '/files/{file}' };
  if (first === 'private' && second === 'files' && segments.length > 2) {
    return { route: '/private/files/{file}' };
  }
  if (first === '.well-known' && segments.length === 2 && second === 'openid-configuration') {
    return { route: '/.well-known/openid-configuration' };
  }
  return { route: '/{path}' };
}

function v1Template(segments: string[], root: string): Omit<RouteInfo, 'path'> {
  const [kind, a, b] = segments;
  if (kind === 'method' && segments.length === 2) {
    return withMethod({ route: `${root}/method/{method}` }, a);
  }
  if (kind === 'resource' && segments.length === 2)
    return { route: `${root}/resource/{doctype}`, doctype: a };
  if (kind === 'resource' && segments.length === 3 && b !== undefined) {
    return { route: `${root}/resource/{doctype}/{name}`, doctype: a };
  }
  return { route: `${root}/{path}` };
}

function v2Template(segments: string[]): Omit<RouteInfo, 'path'> {
  const [kind, a, b, c, d] = segments;
  const root = '/api/v2';
  if (kind === 'document' && a !== undefined) {
    if (segments.length === 2) return { route: `${root}/document/{doctype}`, doctype: a };
    if (segments.length === 3 && b !== undefined && V2_BULK_ACTIONS.has(b)) {
      return { route: `${root}/document/{doctype}/${b}`, doctype: a };
    }
    if (segments.length === 3) return { route: `${root}/document/{doctype}/{name}`, doctype: a };
    if (segments.length === 4 && c === 'copy')
      return { route: `${root}/document/{doctype}/{name}/copy`, doctype: a };
    if (segments.length === 5 && c === 'method') {
      return withMethod({ route: `${root}/document/{doctype}/{name}/method/{method}`, doctype: a }, d);
    }
  }
  if (kind === 'method' && segments.length === 2) return withMethod({ route: `${root}/method/{method}` }, a);
  if (kind === 'method' && segments.length === 3) {
    return withMethod({ route: `${root}/method/{doctype}/{method}`, doctype: a }, b);
  }
  if (kind === 'doctype' && segments.length === 3 && b !== undefined && /^[a-z_]+$/.test(b)) {
    return { route: `${root}/doctype/{doctype}/${b}`, doctype: a };
  }
  return { route: `${root}/{path}` };
}

function withMethod(info: Omit<RouteInfo, 'path'>, method: string | undefined): Omit<RouteInfo, 'path'> {
  return method !== undefined && METHOD_NAME.test(method) && method.length <= 140
    ? { ...info, method }
    : info;
}

function pathWithoutQuery(url: string): string {
  try {
    return new URL(url, 'http://placeholder.invalid').pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? '';
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
