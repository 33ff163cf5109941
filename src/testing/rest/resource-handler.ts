import { bareRaise, frappeThrow } from '../core/exceptions';
import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import { objectArg } from './args';
import { runDocMethod } from './doc-methods';
import { type Actor, docOutput, insertDoc, loadDoc, updateDoc } from './documents';
import { runListQuery } from './list-query';
import { deleteDoc } from './removal';

/**
 * `/api/resource/<DocType>[/<name>]` (v1, §7.1): list, insert, read, update, delete and
 * `run_method`. Return values become `{"data": …}` in the router; delete answers 202 itself.
 */
export function handleResource(context: HandlerContext, doctype: string, name: string | undefined): unknown {
  const { site, req, auth, args } = context;
  const actor: Actor = { user: auth.user };

  if (name === undefined) {
    if (req.method === 'GET') return runListQuery(site, auth.user, doctype, args);
    if (req.method === 'POST') return docOutput(insertDoc(site, actor, doctype, requestDocument(context)));
    throw bareRaise('DoesNotExistError');
  }

  const runMethod = args.run_method ?? req.query.get('run_method') ?? undefined;
  switch (req.method) {
    case 'GET':
      if (typeof runMethod === 'string' && runMethod) {
        return runDocMethod(site, actor, doctype, name, runMethod, 'read', methodArgs(args));
      }
      return docOutput(loadDoc(site, actor, doctype, name));
    case 'POST':
      if (typeof runMethod !== 'string' || !runMethod) {
        throw frappeThrow('ValidationError', 'POST on a document needs run_method=<method>');
      }
      return runDocMethod(site, actor, doctype, name, runMethod, 'write', methodArgs(args));
    case 'PUT': {
      const { flags: _flags, ...changes } = requestDocument(context);
      return docOutput(updateDoc(site, actor, doctype, name, changes, { modifiedCheck: 'if-sent' }));
    }
    case 'DELETE': {
      deleteDoc(site, actor, doctype, name);
      // v13/v14 set response.message; v15+ return "ok" under data (§7.1, quirk 21).
      return EmulatorResponse.json(202, { [site.profile.deleteEnvelopeKey]: 'ok' });
    }
    default:
      throw bareRaise('DoesNotExistError');
  }
}

/**
 * `get_request_form_data`: the form field `data` holding JSON, else the raw body as JSON, else
 * the form fields themselves. A `doctype` key is ignored in favour of the URL.
 */
function requestDocument({ req, args }: HandlerContext): Record<string, unknown> {
  let body: Record<string, unknown>;
  if (args.data !== undefined && args.data !== null) {
    body = objectArg(args.data, 'data');
  } else if (req.json !== null && typeof req.json === 'object' && !Array.isArray(req.json)) {
    body = req.json as Record<string, unknown>;
  } else {
    body = parseObject(req.rawBody.toString('utf8')) ?? { ...args };
  }
  const { doctype: _doctype, ...rest } = body;
  return rest;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function methodArgs(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { run_method: _method, cmd: _cmd, ...rest } = args;
  return rest;
}
