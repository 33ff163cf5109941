/**
 * Python's `json.dumps`, byte for byte, for the bodies Frappe writes with it: webhook payloads
 * (`json.dumps(data, default=str)`, whose bytes are also what the signature covers) and the
 * Deleted Document `data` column (`frappe.as_json`: indent 1, sorted keys).
 *
 * What differs from `JSON.stringify`: separators `", "` and `": "` by default; non-ASCII escaped
 * as `\uXXXX` (surrogate pairs for astral characters); floats written as Python's `repr` writes
 * them (`1250.0`, `1e-05`, `1e+16`). JavaScript has one number type, so a float is marked with
 * {@link PythonFloat}; a plain integral number is a Python int.
 */

/** A number Python holds as a `float` (Float and Currency fields), so `3` prints as `3.0`. */
export class PythonFloat {
  constructor(readonly value: number) {}
}

export interface PythonJsonOptions {
  /** `indent`: pretty-print with this many spaces per level; default none (one line). */
  indent?: number;
  /** `sort_keys`; default false. */
  sortKeys?: boolean;
  /** `separators` (item, key); default `", "` / `": "`, or `","` / `": "` when indenting. */
  separators?: readonly [string, string];
  /** `ensure_ascii`; default true. */
  ensureAscii?: boolean;
}

export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const indent = options.indent;
  const [itemSeparator, keySeparator] =
    options.separators ?? (indent === undefined ? [', ', ': '] : [',', ': ']);
  const ensureAscii = options.ensureAscii ?? true;
  const sortKeys = options.sortKeys ?? false;

  const write = (item: unknown, depth: number): string => {
    if (item === null || item === undefined) return 'null';
    if (item === true) return 'true';
    if (item === false) return 'false';
    if (item instanceof PythonFloat) return pythonFloatRepr(item.value);
    if (typeof item === 'number') return Number.isInteger(item) ? integerText(item) : pythonFloatRepr(item);
    if (typeof item === 'bigint') return item.toString();
    if (typeof item === 'string') return quote(item, ensureAscii);
    if (item instanceof Date) return quote(pythonStr(item), ensureAscii);
    if (Array.isArray(item)) {
      if (item.length === 0) return '[]';
      const parts = item.map((entry) => write(entry, depth + 1));
      return wrap('[', ']', parts, depth);
    }
    if (typeof item === 'object') {
      const entries = Object.entries(item as Record<string, unknown>).filter(
        ([, entry]) => entry !== undefined,
      );
      if (sortKeys) entries.sort(([a], [b]) => compareCodePoints(a, b));
      if (entries.length === 0) return '{}';
      const parts = entries.map(
        ([key, entry]) => `${quote(key, ensureAscii)}${keySeparator}${write(entry, depth + 1)}`,
      );
      return wrap('{', '}', parts, depth);
    }
    // `default=str`: whatever JSON cannot hold is written as its str().
    return quote(String(item), ensureAscii);
  };

  const wrap = (open: string, close: string, parts: string[], depth: number): string => {
    if (indent === undefined) return `${open}${parts.join(itemSeparator)}${close}`;
    const inner = `\n${' '.repeat(indent * (depth + 1))}`;
    const outer = `\n${' '.repeat(indent * depth)}`;
    return `${open}${inner}${parts.join(`${itemSeparator}${inner}`)}${outer}${close}`;
  };

  return write(value, 0);
}

/**
 * Python's `float.__repr__`: the shortest digits that round-trip (as JavaScript's), written in
 * fixed notation when the decimal exponent is in [-4, 16), else as `d.ddde±XX`.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exp = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
    return `${sign}${digits[0]}${fraction}e${exp}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${fraction}`;
}

function integerText(value: number): string {
  // An integral double past 2^53 still prints all its digits in Python (it is an int there).
  return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
}

/** `json.dumps` string escaping: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other controls `\u00XX`. */
function quote(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index] as string;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** `sort_keys` compares Python strings: by code point, not by UTF-16 unit. */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index]?.codePointAt(0) ?? 0) - (right[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** `str(datetime)`: `YYYY-MM-DD HH:MM:SS.ffffff` (UTC here). */
function pythonStr(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}
