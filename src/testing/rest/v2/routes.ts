import { bareRaise, FrappeException, frappeThrow, notWhitelistedForGuest } from '../../core/exceptions';
import type { HandlerContext } from '../../core/registry';
import { EmulatorResponse } from '../../core/response';
import { GUEST } from '../../state/users';
import { jsonArg } from '../args';
import { runDocMethod } from '../doc-methods';
import { type Actor, docOutput, insertDoc, loadDoc, updateDoc } from '../documents';
import { countRows } from '../list-query';
import { deleteDoc } from '../removal';
import { documentList } from './document-list';

/**
 * The routes of `frappe/api/v2.py` the SDK uses, matched on the path after `/api/v2/` (split on
 * its raw slashes, then each part decoded, as the v1 resource route does):
 *
 * - `method/<dotted.path>` — any whitelisted method (`handle_rpc_call`), `upload_file` included;
 *   the return value is `{"data": …}`, not v1's `message`.
 * - `document/<DocType>` — GET list (`start`/`limit`, `has_next_page`), POST create from the body.
 * - `document/<DocType>/<name>` — GET read, PUT/PATCH update, DELETE (202 `{"data": "ok"}`).
 * - `document/<DocType>/<name>/method/<method>` — GET (read permission) or POST (write): the
 *   result in `data`, the document after it in `docs`.
 * - `doctype/<DocType>/count` — `frappe.desk.reportview.get_count` under `filters`.
 *
 * Anything else is the DoesNotExistError (404) `frappe.api.handle` raises for an unmatched route;
 * a known route with another verb is werkzeug's 405.
 */
export async function handleV2(context: HandlerContext, path: string): Promise<EmulatorResponse> {
  const parts = path.split('/').map(decodePart);
  const [section, ...rest] = parts;
  if (section === 'method' && rest.length > 0) return callMethod(context, rest);
  if (section === 'document' && rest.length > 0 && rest[0]) return documentRoute(context, rest);
  if (section === 'doctype' && rest.length === 2 && rest[0] && rest[1] === 'count') {
    if (context.req.method !== 'GET') return methodNotAllowed();
    return data(
      countRows(context.site, context.auth.user, rest[0], jsonArg(context.args.filters, 'filters')),
    );
  }
  throw bareRaise('DoesNotExistError');
}

/** `handle_rpc_call`: the whitelisted method, its `methods=[…]`, Guest access; result in `data`. */
async function callMethod(context: HandlerContext, rest: string[]): Promise<EmulatorResponse> {
  const { site, req, auth } = context;
  const name = rest.join('.');
  const method = rest.length === 1 ? site.methods.get(name) : undefined;
  if (!method) {
    throw frappeThrow(
      'ValidationError',
      `Failed to get method ${rest.join('/')} with No module named '${name.split('.').slice(0, -1).join('.')}'`,
    );
  }
  if (method.methods && !method.methods.includes(req.method)) {
    throw frappeThrow('PermissionError', 'Not permitted');
  }
  if (!method.allowGuest && auth.user === GUEST) throw notWhitelistedForGuest(name);
  const result = await method.handler(context);
  if (result instanceof EmulatorResponse) return result;
  return data(result);
}

async function documentRoute(context: HandlerContext, rest: string[]): Promise<EmulatorResponse> {
  const { site, req, auth, args } = context;
  const [doctype = '', ...nameParts] = rest;
  const actor: Actor = { user: auth.user };
  if (nameParts.length === 0) {
    if (req.method === 'GET') {
      const { data: rows, hasNextPage } = documentList(site, auth.user, doctype, args);
      return EmulatorResponse.json(200, { data: rows, has_next_page: hasNextPage });
    }
    if (req.method === 'POST') return data(docOutput(insertDoc(site, actor, doctype, body(args, 'doctype'))));
    return methodNotAllowed();
  }

  const methodAt = nameParts.length >= 3 ? nameParts.length - 2 : -1;
  if (methodAt > 0 && nameParts[methodAt] === 'method') {
    const name = nameParts.slice(0, methodAt).join('/');
    const method = nameParts[methodAt + 1] ?? '';
    if (req.method !== 'GET' && req.method !== 'POST') return methodNotAllowed();
    const result = runDocMethod(
      site,
      actor,
      doctype,
      name,
      method,
      req.method === 'GET' ? 'read' : 'write',
      body(args, 'run_method'),
    );
    // `execute_doc_method` also sends the document as the method left it.
    const after = site.docs.get(doctype, name);
    const answer: Record<string, unknown> = {};
    if (result !== undefined) answer.data = result;
    answer.docs = after ? [docOutput(after)] : [];
    return EmulatorResponse.json(200, answer);
  }

  const name = nameParts.join('/');
  switch (req.method) {
    case 'GET':
      return data(docOutput(loadDoc(site, actor, doctype, name)));
    case 'PUT':
    case 'PATCH':
      return data(
        docOutput(updateDoc(site, actor, doctype, name, body(args, 'flags'), { modifiedCheck: 'if-sent' })),
      );
    case 'DELETE':
      deleteDoc(site, actor, doctype, name);
      return EmulatorResponse.json(202, { data: 'ok' });
    default:
      return methodNotAllowed();
  }
}

/** The form dict (the JSON body itself in v2, no `data` wrapper) without one key it pops. */
function body(args: Readonly<Record<string, unknown>>, pop: string): Record<string, unknown> {
  const { [pop]: _popped, ...rest } = args;
  return rest;
}

/** `frappe.api.handle`: a returned value goes under `data`; None sends no `data` at all. */
function data(value: unknown): EmulatorResponse {
  return EmulatorResponse.json(200, value === undefined ? {} : { data: value });
}

function methodNotAllowed(): EmulatorResponse {
  return EmulatorResponse.html(
    405,
    '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n',
  );
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new FrappeException('DoesNotExistError', { thrown: false });
  }
}
