import type { ProfileSettings } from '../profiles';
import { GUEST } from '../state/users';
import type { FrappeException } from './exceptions';
import { EmulatorResponse, escapeHtml } from './response';

/** One `_server_messages` entry, before the double encoding. */
export interface ServerMessage {
  message: string;
  title?: string;
  indicator?: string;
  raise_exception?: 1;
}

/** Frappe's double encoding: a JSON array of JSON strings (§8.2, quirk 1). */
export function encodeServerMessages(messages: readonly ServerMessage[]): string {
  return JSON.stringify(messages.map((message) => JSON.stringify(message)));
}

/** Whether the request "wants JSON" (`frappe/app.py`): otherwise errors are HTML pages. */
export function wantsJson(
  path: string,
  accept: string | undefined,
  requestedWith: string | undefined,
): boolean {
  const acceptValue = (accept ?? '').toLowerCase();
  if (acceptValue.includes('application/json')) return true;
  if ((requestedWith ?? '').toLowerCase() === 'xmlhttprequest') return true;
  return path.startsWith('/api/') && !acceptValue.startsWith('text');
}

/**
 * The v1 error envelope for an exception, per profile (§8.2): `exc_type` (always from v15 on,
 * only for thrown errors before), tracebacks when allowed, the double-encoded messages.
 */
export function errorEnvelope(
  profile: ProfileSettings,
  exception: FrappeException,
  user: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (profile.excTypeAlways || exception.thrown) body.exc_type = exception.excType;
  const tracebacksAllowed =
    exception.status !== 404 && (profile.tracebacksFor === 'everyone' || user !== GUEST);
  if (tracebacksAllowed) {
    const lastLine = `frappe.exceptions.${exception.excType}${exception.frappeMessage ? `: ${exception.frappeMessage}` : ''}`;
    body.exception = lastLine;
    body.exc = JSON.stringify([
      `Traceback (most recent call last):\n  File "apps/frappe/frappe/app.py", line 114, in application\n    response = frappe.api.handle(request)\n${lastLine}\n`,
    ]);
  }
  if (exception.frappeMessage !== undefined) {
    const entry: ServerMessage = { message: exception.frappeMessage };
    if (exception.title) entry.title = exception.title;
    entry.indicator = 'red';
    entry.raise_exception = 1;
    body._server_messages = encodeServerMessages([entry]);
  }
  if (exception.errorMessage !== undefined) body._error_message = exception.errorMessage;
  return body;
}

/** The HTML error page a browser (or `Accept: text/html`) gets instead of JSON. */
export function htmlErrorPage(exception: FrappeException): EmulatorResponse {
  const text = exception.frappeMessage ?? exception.excType;
  return EmulatorResponse.html(
    exception.status,
    `<!doctype html><html><head><title>Error</title></head><body><h1>${escapeHtml(exception.excType)}</h1><p>${text}</p></body></html>`,
  );
}
