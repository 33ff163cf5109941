import type { SecretSet } from '../redaction/secret-set';
import { classFromExceptionLine, className, exceptionLineText } from './envelope-class-name';
import { MAX_ENTRIES_READ, MAX_MESSAGES } from './limits';
import { decodeServerMessageEntries, type ServerMessageEntry } from './server-messages';
import { capServerText } from './server-text';

/** What REST API v2's error envelope says. */
export interface V2ErrorFacts {
  /** Whether the body has an `errors` list with at least one error in it. */
  hasErrors: boolean;
  /** `errors[0].type`, or the class in the last line of its traceback. */
  excType?: string;
  /** The errors' own messages first (marked as the raised exception's), then `messages`. */
  entries: ServerMessageEntry[];
  /** The text of the first error's traceback line, when no error carries a message. */
  fallback?: string;
}

/**
 * REST API v2's error envelope (`report_error` and `_make_logs_v2`, `frappe/utils/response.py`):
 * `{"errors": [{"type": <class>, "message"?, "title"?, "indicator"?, "exception"?}],
 * "messages": [{"message": …}, …]}`. The message-log entry tied to the exception is merged into
 * its error, so `errors[].message` is the raised error's text; other messages stay in `messages`,
 * a real list (not v1's double-encoded string). `exception` is the whole traceback, whose last
 * line is `frappe.exceptions.<Class>: <text>`. `messages` is read even without `errors` (a 2xx
 * or an error of another shape may carry it).
 *
 * The same bounds as for v1 hold: at most {@link MAX_MESSAGES} errors are read, every text is
 * cut before it is decoded and scrubbed of `secrets` before and after.
 */
export function readV2Errors(record: Record<string, unknown>, secrets: SecretSet): V2ErrorFacts {
  const errors = Array.isArray(record.errors)
    ? record.errors.slice(0, MAX_ENTRIES_READ).filter(isRecord).slice(0, MAX_MESSAGES)
    : [];
  const first = errors[0];
  const tracebackLine = lastTracebackLine(first?.exception, secrets);
  const entries: ServerMessageEntry[] = [];
  for (const error of errors) {
    if (error.message === undefined || error.message === null) continue;
    entries.push(...decodeServerMessageEntries([{ message: error.message, raise_exception: 1 }], secrets));
  }
  if (Array.isArray(record.messages)) entries.push(...decodeServerMessageEntries(record.messages, secrets));
  return {
    hasErrors: first !== undefined,
    excType: className(first?.type, secrets) ?? classFromExceptionLine(tracebackLine, secrets),
    entries,
    fallback: exceptionLineText(tracebackLine, secrets),
  };
}

/**
 * The last non-empty line of a traceback, capped and scrubbed. Only that line is kept: it names
 * the exception and its text; the frames above it are the server's business.
 */
function lastTracebackLine(traceback: unknown, secrets: SecretSet) {
  if (typeof traceback !== 'string') return undefined;
  const trimmed = traceback.trimEnd();
  const line = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  return line ? capServerText(line, secrets) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
