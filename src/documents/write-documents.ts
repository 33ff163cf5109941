import { FrappeConflictError, FrappeInputError, FrappeNotFoundError } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import type { DocumentsContext } from './documents-context';
import { documentOf } from './envelopes';
import { pathSegment } from './names';
import { routesFor } from './rest-routes';
import { checkDoc, type Doc, findDoc, hasChanges, syntheticResponse } from './write-support';

export interface UpdateOptions extends RequestOptions {
  /**
   * The `modified` value you read. Frappe then refuses the update if someone changed the document
   * since (FrappeConflictError); without it the last writer wins.
   */
  modified?: string;
}

/**
 * `PUT /api/resource/<DocType>/<name>` (v2: `PUT /api/v2/document/…`; a partial merge). Retried like any PUT; when a retry meets
 * a conflict because the first attempt already landed, the SDK sees its own change in place and
 * resolves with the document.
 */
export async function updateDoc<T>(
  context: DocumentsContext,
  doctype: string,
  name: string,
  changes: Doc,
  options: UpdateOptions = {},
): Promise<T> {
  const body: Doc = { ...checkDoc(changes, 'updateDoc', 'changes') };
  pathSegment(doctype, 'doctype');
  pathSegment(name, 'name');
  if (options.modified !== undefined) {
    if (typeof options.modified !== 'string')
      throw new FrappeInputError({ message: 'modified must be a string' });
    body.modified = options.modified;
  }
  const url = (await routesFor(context, options)).document(doctype, name);
  const response = await context.executor.inScope('updateDoc', options, (scope) =>
    context.executor.execute(
      {
        method: 'PUT',
        url,
        data: body,
        headers: { 'Content-Type': 'application/json' },
      },
      {
        ...options,
        scope,
        recoverRetriedFailure: async (error) => {
          if (!(error instanceof FrappeConflictError)) return undefined;
          const current = await findDoc<Doc>(context, doctype, name, { ...options, scope });
          return current && hasChanges(current, changes) ? syntheticResponse({ data: current }) : undefined;
        },
      },
    ),
  );
  return documentOf<T>(response, 'updateDoc');
}

/**
 * `DELETE /api/resource/<DocType>/<name>` (v2: `/api/v2/document/…`; 202 on both). A retry that
 * finds the document gone resolves.
 */
export async function deleteDoc(
  context: DocumentsContext,
  doctype: string,
  name: string,
  options: RequestOptions = {},
): Promise<void> {
  pathSegment(doctype, 'doctype');
  pathSegment(name, 'name');
  const url = (await routesFor(context, options)).document(doctype, name);
  await context.executor.execute(
    { method: 'DELETE', url },
    {
      ...options,
      recoverRetriedFailure: async (error) =>
        error instanceof FrappeNotFoundError ? syntheticResponse({ data: 'ok' }) : undefined,
    },
  );
}
