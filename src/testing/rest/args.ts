import { frappeThrow } from '../core/exceptions';

/**
 * Frappe's form-dict argument helpers. Arguments arrive either as native JSON (a JSON body) or as
 * strings (query string, form fields), where complex values are JSON text; both must work.
 */

/** Python's `cint`: integers from numbers and numeric strings, 0 for anything else. */
export function cint(value: unknown, fallback = 0): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number.parseFloat(value);
    return Number.isFinite(parsed) ? Math.trunc(parsed) : fallback;
  }
  return fallback;
}

/** Python's `flt`: floats from numbers and numeric strings, 0 for anything else. */
export function flt(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.trim());
    return Number.isFinite(parsed) ? parsed : 0;
  }
  return 0;
}

/** Booleans as sent in query strings: `1`/`0`, `true`/`false` (any case), or native. */
export function truthy(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  const text = String(value).trim().toLowerCase();
  if (text === 'false' || text === '0' || text === 'none' || text === 'null') return false;
  return true;
}

/**
 * A complex argument: native JSON stays as it is; a string must hold JSON. Invalid JSON is a
 * 417 naming the argument (real Frappe lets the JSONDecodeError escape as a 500; a clear 417 is
 * what the SDK tests need and still reads as "the request was wrong").
 */
export function jsonArg(value: unknown, argName: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw frappeThrow('ValidationError', `Invalid JSON in '${argName}': ${truncate(value)}`);
  }
}

/** `frappe.parse_json` for arguments that may also be a plain string (a name, a fieldname). */
export function jsonOrString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[') && !text.startsWith('"')) return value;
  try {
    return JSON.parse(text);
  } catch {
    return value;
  }
}

/** A required string argument (doctype, name): missing → Frappe's TypeError-like 417. */
export function requiredString(args: Readonly<Record<string, unknown>>, key: string): string {
  const value = args[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw frappeThrow('ValidationError', `Missing required argument: '${key}'`);
}

/** A JSON object argument (a document), as `frappe.parse_json` accepts it. */
export function objectArg(value: unknown, argName: string): Record<string, unknown> {
  const parsed = jsonArg(value, argName);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw frappeThrow('ValidationError', `'${argName}' must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
