import type { FrappeException } from '../../core/exceptions';
import type { ProfileSettings } from '../../profiles';
import { GUEST } from '../../state/users';

/**
 * The v2 error envelope (`report_error` and `_make_logs_v2` in `frappe/utils/response.py`):
 * `{"errors": [{"type": <class>, …}]}`. The message-log entry that belongs to the exception is
 * merged into the error (`_link_error_with_message_log`, which also drops `raise_exception`);
 * the full traceback goes in `exception` where tracebacks are allowed. No `exc_type`, no
 * `_server_messages`, and `frappe.flags.error_message` is not sent at all.
 *
 * The emulator's exceptions log at most one message, so `messages` (the others) never appears.
 */
export function errorBodyV2(
  profile: ProfileSettings,
  exception: FrappeException,
  user: string,
): Record<string, unknown> {
  const error: Record<string, unknown> = { type: exception.excType };
  const tracebacksAllowed =
    exception.status !== 404 && (profile.tracebacksFor === 'everyone' || user !== GUEST);
  if (tracebacksAllowed) {
    const lastLine = `frappe.exceptions.${exception.excType}${exception.frappeMessage ? `: ${exception.frappeMessage}` : ''}`;
    error.exception = `Traceback (most recent call last):\n  File "apps/frappe/frappe/app.py", line 115, in application\n    response = frappe.api.handle(request)\n${lastLine}\n`;
  }
  if (exception.frappeMessage !== undefined) {
    error.message = exception.frappeMessage;
    if (exception.title) error.title = exception.title;
    error.indicator = 'red';
  }
  return { errors: [error] };
}
