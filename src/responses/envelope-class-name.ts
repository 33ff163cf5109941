import type { SecretSet } from '../redaction/secret-set';
import { MAX_MESSAGE_LENGTH } from './limits';
import { type CappedText, decodeServerText } from './server-text';

/** A Python class name, possibly dotted (`frappe.exceptions.PermissionError`). */
const CLASS_NAME = /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*$/;
const MAX_CLASS_NAME_LENGTH = 200;

/**
 * The last segment of a class name, if the value is one once scrubbed: a value that held a secret
 * (a broken server echoing the token as `exc_type`) reads `[redacted]` and is no class name.
 */
export function className(value: unknown, secrets: SecretSet): string | undefined {
  if (typeof value !== 'string' || value.length > 2 * MAX_CLASS_NAME_LENGTH) return undefined;
  const trimmed = secrets.scrub(value).trim();
  if (trimmed.length > MAX_CLASS_NAME_LENGTH || !CLASS_NAME.test(trimmed)) return undefined;
  return trimmed.slice(trimmed.lastIndexOf('.') + 1);
}

/**
 * The class in a traceback's last line, `frappe.exceptions.X: text` (v14's `exception` field, the
 * last line of v2's `errors[].exception`): only a dotted name counts, so a plain `Error: text`
 * sentence is not read as a class.
 */
export function classFromExceptionLine(line: CappedText | undefined, secrets: SecretSet): string | undefined {
  if (!line) return undefined;
  const text = line.text.trimStart();
  const colon = text.indexOf(':');
  const head = colon === -1 ? text : text.slice(0, colon);
  return head.includes('.') ? className(head, secrets) : undefined;
}

/** The text after the class in a traceback's last line, as plain text. */
export function exceptionLineText(line: CappedText | undefined, secrets: SecretSet): string | undefined {
  const colon = line ? line.text.indexOf(':') : -1;
  if (!line || colon === -1) return undefined;
  const text = decodeServerText(
    { text: line.text.slice(colon + 1), cut: line.cut },
    secrets,
    MAX_MESSAGE_LENGTH,
  );
  return text || undefined;
}
