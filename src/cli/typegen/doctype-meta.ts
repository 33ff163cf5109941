import type { FrappeOAuthClient } from '../../client';

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
 * The metadata of `doctypes` and of every child table they reach, read from the site's DocType
 * records (`GET /api/resource/DocType/<name>`, whose `fields` rows are the DocFields). In the order
 * asked for, child tables after their parents, each once.
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
    const doc = await client.getDoc<DocTypeMeta>('DocType', name, { signal });
    const meta: DocTypeMeta = { ...doc, fields: Array.isArray(doc.fields) ? doc.fields : [] };
    loaded.set(name, meta);
    for (const field of meta.fields) {
      if (TABLE_TYPES.has(field.fieldtype) && field.options && !loaded.has(field.options))
        queue.push(field.options);
    }
  }
  return [...loaded.values()];
}
