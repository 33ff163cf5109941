import { FrappeInputError } from '../errors';

/**
 * A DocType or document name as exactly one path segment. Frappe names may hold any character —
 * `a/b`, `?`, `#`, `%`, line breaks, any script — and each is percent-encoded, so the site decodes
 * the name it was given and nothing of it is read as a path step, query or fragment. The one
 * exception is `.` and `..`: URL parsers (WHATWG, proxies) resolve them as "this" and "parent"
 * segment even when encoded (`%2E%2E`), so no encoding can send them and they are refused.
 */
export function pathSegment(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new FrappeInputError({ message: `${name} must be a non-empty string` });
  }
  if (value === '.' || value === '..') {
    throw new FrappeInputError({
      message: `${name} cannot be "${value}": URLs resolve it as a path step, so the site would never see it`,
    });
  }
  try {
    return encodeURIComponent(value);
  } catch {
    // URIError: a lone UTF-16 surrogate has no UTF-8 form.
    throw new FrappeInputError({ message: `${name} is not well-formed Unicode (it holds a lone surrogate)` });
  }
}

/** Python's dotted path of a whitelisted function, or a document method's name. */
const DOTTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * A method name for `/api/method/<name>` or `run_method=<name>`: a dotted identifier (`ping`,
 * `frappe.client.get_list`). It is sent as it is, so anything else — `..`, `a/b`, spaces — could
 * reach another URL or method than the one meant, and is refused.
 */
export function methodName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length > 256 || !DOTTED_IDENTIFIER.test(value)) {
    throw new FrappeInputError({
      message: `${what}: method must be a dotted name such as frappe.client.get_list`,
    });
  }
  return value;
}
