import type { FrappeOAuthClient } from '../../client';
import { FrappeNotFoundError, FrappePermissionError } from '../../errors';

/** The parts of a DocField that shape a TypeScript type. */
export interface FieldMeta {
  fieldname: string;
  fieldtype: string;
  label?: string | null;
  options?: string | null;
  reqd?: number | null;
  read_only?: number | null;
  description?: string | null;
}

export interface DocTypeMeta {
  name: string;
  module?: string | null;
  istable?: number | null;
  is_submittable?: number | null;
  autoname?: string | null;
  fields: FieldMeta[];
}

/** Field types that hold rows of another DocType. */
export const TABLE_TYPES = new Set(['Table', 'Table MultiSelect']);

/**
 * The metadata of `doctypes` and of every child table they reach, in the order asked for, child
 * tables after their parents, each once. Read as Desk reads it, with
 * `frappe.desk.form.load.getdoctype` (any signed-in user; the DocType and its child tables in one
 * answer, `{"docs": [...]}`), and where a site does not answer that, from the DocType records
 * (`GET /api/resource/DocType/<name>`, which needs read permission on DocType).
 */
export async function loadDocTypes(
  client: FrappeOAuthClient,
  doctypes: string[],
  signal?: AbortSignal,
): Promise<DocTypeMeta[]> {
  const loaded = new Map<string, DocTypeMeta>();
  const queue = [...doctypes];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (loaded.has(name)) continue;
    for (const meta of await loadBundle(client, name, signal)) {
      if (!loaded.has(meta.name)) loaded.set(meta.name, meta);
    }
    for (const field of loaded.get(name)?.fields ?? []) {
      if (TABLE_TYPES.has(field.fieldtype) && field.options && !loaded.has(field.options))
        queue.push(field.options);
    }
  }
  // The DocTypes asked for first, then the child tables.
  const order = [...doctypes, ...loaded.keys()];
  return [...new Set(order)].flatMap((name) => loaded.get(name) ?? []);
}

async function loadBundle(
  client: FrappeOAuthClient,
  doctype: string,
  signal?: AbortSignal,
): Promise<DocTypeMeta[]> {
  try {
    const { data } = await client.request<{ docs?: unknown }>({
      url: '/api/method/frappe.desk.form.load.getdoctype',
      params: { doctype },
      signal,
    });
    const docs = Array.isArray(data?.docs) ? (data.docs as DocTypeMeta[]).filter(isMeta) : [];
    if (docs[0]?.name === doctype) return docs.map(withFields);
  } catch (error) {
    // Only a site that does not serve the call falls through; an abort or a dead site does not.
    if (!(error instanceof FrappeNotFoundError || error instanceof FrappePermissionError)) throw error;
  }
  return [withFields(await client.getDoc<DocTypeMeta>('DocType', doctype, { signal }))];
}

function isMeta(value: unknown): value is DocTypeMeta {
  return value !== null && typeof value === 'object' && typeof (value as DocTypeMeta).name === 'string';
}

function withFields(meta: DocTypeMeta): DocTypeMeta {
  return { ...meta, fields: Array.isArray(meta.fields) ? meta.fields : [] };
}
