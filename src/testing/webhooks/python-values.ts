import { getMeta } from '../rest/doctypes';
import { PythonFloat } from './python-json';

/** Standard columns Frappe holds as Python ints. */
const INT_COLUMNS = new Set(['docstatus', 'idx']);
const FLOAT_TYPES = new Set(['Float', 'Currency', 'Percent']);
const INT_TYPES = new Set(['Int', 'Check']);

/**
 * A document (`as_dict`) with the Python types Frappe's columns give it: Float and Currency
 * values become {@link PythonFloat} (so `3` prints `3.0`), Int and Check stay ints. Child rows
 * follow their own DocType. Values of fields the DocType does not know are left as they are.
 */
export function withPythonTypes(
  doc: Readonly<Record<string, unknown>>,
  doctype?: string,
): Record<string, unknown> {
  const meta = getMeta(doctype ?? String(doc.doctype ?? ''));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const field = meta?.fields.find((candidate) => candidate.fieldname === key);
    if (field?.fieldtype === 'Table' && Array.isArray(value)) {
      out[key] = value.map((row) =>
        row !== null && typeof row === 'object'
          ? withPythonTypes(row as Record<string, unknown>, field.options)
          : row,
      );
    } else if (typeof value === 'number' && field && FLOAT_TYPES.has(field.fieldtype)) {
      out[key] = new PythonFloat(value);
    } else if (
      typeof value === 'number' &&
      (INT_COLUMNS.has(key) || (field && INT_TYPES.has(field.fieldtype)))
    ) {
      out[key] = Math.trunc(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}
