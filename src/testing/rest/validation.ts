import { frappeDatetime } from '../core/clock';
import { FrappeException, frappeThrow } from '../core/exceptions';
import { hexHash } from '../core/random';
import type { Site } from '../site';
import { cint, flt } from './args';
import {
  CHILD_FIELDS,
  type DocField,
  type DocTypeMeta,
  dataFields,
  getMeta,
  STANDARD_FIELDS,
  tableFields,
} from './doctypes';

const PROTECTED = new Set<string>([...STANDARD_FIELDS, ...CHILD_FIELDS, 'doctype']);

/**
 * `Document.update(values)`: the doctype's own fields only (standard columns are the server's;
 * unknown keys are dropped, as `db_insert` drops them). Tables are replaced by the given rows;
 * a row whose `name` matches a current row keeps its identity, the rest get fresh names.
 */
export function applyValues(
  meta: DocTypeMeta,
  doc: Record<string, unknown>,
  values: Record<string, unknown>,
): void {
  for (const field of meta.fields) {
    if (!(field.fieldname in values) || PROTECTED.has(field.fieldname)) continue;
    const value = values[field.fieldname];
    if (field.fieldtype === 'Table') {
      doc[field.fieldname] = childRows(field, value, doc[field.fieldname]);
    } else {
      doc[field.fieldname] = coerce(field, value);
    }
  }
}

function childRows(field: DocField, value: unknown, current: unknown): Record<string, unknown>[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw frappeThrow('ValidationError', `${field.label} must be a list of rows`);
  const childMeta = getMeta(field.options ?? '');
  if (!childMeta) return [];
  const existing = new Map(
    (Array.isArray(current) ? (current as Record<string, unknown>[]) : []).map((row) => [row.name, row]),
  );
  return value.map((input) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw frappeThrow('ValidationError', `${field.label}: every row must be an object`);
    }
    const source = input as Record<string, unknown>;
    const previous = typeof source.name === 'string' ? existing.get(source.name) : undefined;
    const row: Record<string, unknown> = previous
      ? { ...previous }
      : { name: hexHash(10), ...defaultsOf(childMeta, undefined) };
    applyValues(childMeta, row, source);
    return row;
  });
}

/** Type casting as `get_valid_dict` does it; numbers stay NULL until `finalize` (mandatory checks see NULL). */
export function coerce(field: DocField, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (field.fieldtype) {
    case 'Int':
      return cint(value);
    case 'Check':
      return cint(value) ? 1 : 0;
    case 'Float':
    case 'Currency':
      return flt(value);
    default:
      if (typeof value === 'object') return JSON.stringify(value);
      return typeof value === 'string' ? value : String(value);
  }
}

/** `_set_defaults`: each field's default (`Today` = the server's date), NULL otherwise. */
export function defaultsOf(meta: DocTypeMeta, site: Site | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of meta.fields) {
    if (field.fieldtype === 'Table') out[field.fieldname] = [];
    else if (field.default === 'Today') {
      out[field.fieldname] = site ? frappeDatetime(site.clock.nowMs()).slice(0, 10) : null;
    } else out[field.fieldname] = field.default === undefined ? null : coerce(field, field.default);
  }
  return out;
}

/** `_validate_mandatory`: messages per missing field, then a bare MandatoryError. */
export function validateMandatory(meta: DocTypeMeta, doc: Record<string, unknown>): void {
  const missing: string[] = [];
  collectMissing(meta, doc, missing);
  if (missing.length === 0) return;
  throw new FrappeException('MandatoryError', {
    message: missing.map((text) => `Error: Value missing for ${text}`).join('<br>'),
    title: 'Missing Fields',
    thrown: false,
  });
}

function collectMissing(
  meta: DocTypeMeta,
  doc: Record<string, unknown>,
  missing: string[],
  row?: number,
): void {
  for (const field of meta.fields) {
    const value = doc[field.fieldname];
    if (field.fieldtype === 'Table') {
      const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      if (field.reqd && rows.length === 0) missing.push(`${meta.name}: ${field.label}`);
      const childMeta = getMeta(field.options ?? '');
      if (!childMeta) continue;
      for (const [index, child] of rows.entries()) collectMissing(childMeta, child, missing, index + 1);
    } else if (field.reqd && (value === null || value === undefined || String(value).trim() === '')) {
      missing.push(`${row ? `${meta.name} Row #${row}` : meta.name}: ${field.label}`);
    }
  }
}

/** `_validate_selects`: a Select value must be one of its options. */
export function validateSelects(meta: DocTypeMeta, doc: Record<string, unknown>): void {
  forEachRow(meta, doc, (rowMeta, row) => {
    for (const field of dataFields(rowMeta)) {
      if (field.fieldtype !== 'Select' || !field.options) continue;
      const value = row[field.fieldname];
      if (value === null || value === undefined || value === '') continue;
      const options = field.options.split('\n');
      if (!options.includes(String(value))) {
        throw frappeThrow(
          'ValidationError',
          `${field.label} cannot be "${String(value)}". It should be one of ${options.map((each) => `"${each}"`).join(', ')}`,
        );
      }
    }
  });
}

/**
 * `_validate_links`: a Link to a doctype the emulator stores must name an existing document
 * (LinkValidationError); `fetch_from` fields are copied from it. Links to doctypes the emulator
 * does not model (Customer Group, UOM, Currency…) are accepted as they are.
 */
export function validateLinks(site: Site, meta: DocTypeMeta, doc: Record<string, unknown>): void {
  const broken: string[] = [];
  forEachRow(meta, doc, (rowMeta, row, index) => {
    for (const field of dataFields(rowMeta)) {
      if (field.fieldtype !== 'Link' || !isStoredDoctype(field.options)) continue;
      const value = row[field.fieldname];
      if (value === null || value === undefined || value === '') continue;
      const target = site.docs.get(field.options!, String(value));
      if (!target) {
        broken.push(`${index ? `Row #${index}: ` : ''}<b>${field.label}</b>: ${String(value)}`);
        continue;
      }
      for (const fetched of dataFields(rowMeta)) {
        const [linkField, sourceField] = fetched.fetch_from?.split('.') ?? [];
        if (linkField === field.fieldname && sourceField)
          row[fetched.fieldname] = target[sourceField] ?? null;
      }
    }
  });
  if (broken.length > 0) {
    throw frappeThrow('LinkValidationError', `Could not find ${broken.join(', ')}`, 'Links Validation');
  }
}

function isStoredDoctype(doctype: string | undefined): boolean {
  return doctype === 'Customer' || doctype === 'Item' || doctype === 'Sales Order' || doctype === 'DocType';
}

/** NULL numbers become 0 and checks 0/1 on write, as `get_valid_dict` casts them. */
export function finalize(meta: DocTypeMeta, doc: Record<string, unknown>): void {
  forEachRow(meta, doc, (rowMeta, row) => {
    for (const field of dataFields(rowMeta)) {
      const value = row[field.fieldname];
      if (field.fieldtype === 'Int' || field.fieldtype === 'Check') row[field.fieldname] = cint(value);
      else if (field.fieldtype === 'Float' || field.fieldtype === 'Currency')
        row[field.fieldname] = flt(value);
      else if (value === undefined) row[field.fieldname] = null;
    }
  });
}

/** Calls `visit` for the document and every child row (with its 1-based row number). */
export function forEachRow(
  meta: DocTypeMeta,
  doc: Record<string, unknown>,
  visit: (meta: DocTypeMeta, row: Record<string, unknown>, index: number) => void,
): void {
  visit(meta, doc, 0);
  for (const field of meta.fields) {
    if (field.fieldtype !== 'Table') continue;
    const childMeta = getMeta(field.options ?? '');
    const rows = doc[field.fieldname];
    if (!childMeta || !Array.isArray(rows)) continue;
    for (const [index, row] of rows.entries()) visit(childMeta, row as Record<string, unknown>, index + 1);
  }
}

/** `validate_update_after_submit`: only `allow_on_submit` fields may change on a submitted doc. */
export function checkUpdateAfterSubmit(
  meta: DocTypeMeta,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): void {
  for (const field of dataFields(meta)) {
    if (field.allow_on_submit || field.read_only) continue;
    if (JSON.stringify(before[field.fieldname] ?? null) !== JSON.stringify(after[field.fieldname] ?? null)) {
      throw frappeThrow(
        'UpdateAfterSubmitError',
        `Not allowed to change <b>${field.label}</b> after submission from <b>${String(before[field.fieldname])}</b> to <b>${String(after[field.fieldname])}</b>`,
        'Cannot Update After Submit',
      );
    }
  }
  for (const field of tableFields(meta)) {
    if (field.allow_on_submit) continue;
    const strip = (rows: unknown) =>
      JSON.stringify(
        (Array.isArray(rows) ? rows : []).map((row: Record<string, unknown>) => {
          const { modified: _m, modified_by: _b, ...rest } = row;
          return rest;
        }),
      );
    if (strip(before[field.fieldname]) !== strip(after[field.fieldname])) {
      throw frappeThrow(
        'UpdateAfterSubmitError',
        `Not allowed to change <b>${field.label}</b> after submission`,
        'Cannot Update After Submit',
      );
    }
  }
}
