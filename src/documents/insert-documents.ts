import { FrappeDuplicateEntryError, FrappeError, FrappeInputError } from '../errors';
import { type ProgressListener, ProgressReporter } from '../observability/progress';
import { withRateLimitPacing } from '../requests/rate-limit-pacing';
import { retryDelayMs } from '../requests/retry-policy';
import type { RequestOptions } from '../transport/http-transport';
import { sleep } from '../transport/sleep';
import type { DocumentsContext } from './documents-context';
import { documentOf, listOf } from './envelopes';
import { pathSegment } from './names';
import { routesFor } from './rest-routes';
import { checkDoc, type Doc, findDoc, hasChanges, isAmbiguous } from './write-support';

/** Frappe refuses more than 200 documents per `insert_many` call. */
export const INSERT_MANY_LIMIT = 200;

/**
 * `POST /api/resource/<DocType>`. A POST is never repeated once it may have reached the server —
 * unless the caller chose the `name`: then, after an ambiguous failure (no answer, a 5xx), the SDK
 * looks the document up before each new attempt (with the client's retry budget and backoff). If
 * it is there with the values sent, the insert landed and resolves with it; if it is there with
 * other values, it is someone else's document and the call fails as a duplicate.
 *
 * The name must be the one Frappe will give the document: for DocTypes named by a field (Customer
 * by `customer_name`, Item by `item_code`) the same value as that field.
 */
export async function insertDoc<T>(
  context: DocumentsContext,
  doctype: string,
  doc: Doc,
  options: RequestOptions = {},
): Promise<T> {
  const body = checkDoc(doc, 'insertDoc', 'doc');
  // v1 `/api/resource/<DocType>`, v2 `/api/v2/document/<DocType>`: both take the document as the body.
  const url = (await routesFor(context, options)).document(doctype);
  const name = lookupName(body.name);
  const attempts = name ? 1 + context.retry.retries : 1;
  return context.executor.inScope('insertDoc', options, async (scope) => {
    const inCall = { ...options, scope };
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        if (attempt > 1 && name) {
          await sleep(retryDelayMs(lastError, attempt - 1, context.retry, context.random), scope.signal);
          const existing = await findDoc<Doc>(context, doctype, name, inCall);
          if (existing) return landedOrDuplicate<T>(existing, body, doctype, name);
        }
        const response = await context.executor.execute(
          { method: 'POST', url, data: body, headers: { 'Content-Type': 'application/json' } },
          inCall,
        );
        return documentOf<T>(response, 'insertDoc');
      } catch (error) {
        // A document under our name may be ours: a call repeated after an unclear answer (or a
        // sign-in) resolves with it rather than reporting our own document as someone else's.
        if (name && error instanceof FrappeDuplicateEntryError) {
          const existing = await findDoc<Doc>(context, doctype, name, inCall).catch(() => undefined);
          if (existing) return landedOrDuplicate<T>(existing, body, doctype, name);
        }
        if (!name) throw error;
        if (isAmbiguous(error)) {
          lastError = error;
          continue;
        }
        // Once an attempt may have landed, the call stays "may have landed" whatever fails next:
        // a definite later error (a refusal, a lost token) must not read as "nothing was stored".
        throw lastError ?? error;
      }
    }
    throw lastError;
  });
}

/**
 * The chosen name, when the document can be looked up under it before a retry; a name no URL can
 * carry (`.`, `..`) is still sent, but the insert is then not repeated.
 */
function lookupName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  try {
    pathSegment(name, 'name');
    return name;
  } catch {
    return undefined;
  }
}

/** A document found under our name is ours when it holds the scalar values we sent. */
function landedOrDuplicate<T>(existing: Doc, sent: Doc, doctype: string, name: string): T {
  const scalars = Object.fromEntries(
    Object.entries(sent).filter(([, value]) => value === null || typeof value !== 'object'),
  );
  if (hasChanges(existing, scalars)) return existing as T;
  throw new FrappeDuplicateEntryError({
    message: `insertDoc: ${doctype} ${name} already exists with other values; it is not the document this call sent`,
    status: 409,
    excType: 'DuplicateEntryError',
  });
}

/**
 * `frappe.client.insert_many`, in chunks of Frappe's 200-document limit; resolves all names in
 * order. Not repeated after an ambiguous failure (it could insert twice); a failed chunk rejects
 * and the chunks before it stay inserted.
 */
export async function insertMany(
  context: DocumentsContext,
  doctype: string,
  docs: Doc[],
  insertOptions: InsertManyOptions = {},
): Promise<string[]> {
  pathSegment(doctype, 'doctype');
  if (!Array.isArray(docs)) throw new FrappeInputError({ message: 'insertMany: docs must be an array' });
  const { onProgress, ...options } = insertOptions ?? {};
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new FrappeInputError({ message: 'insertMany: onProgress must be a function' });
  }
  // Every document is checked before the first chunk goes: a bad one in chunk 3 must not leave
  // chunks 1 and 2 inserted.
  const checked = Array.from(docs, (doc, index) => ({
    ...checkDoc(doc, 'insertMany', `docs[${index}]`),
    doctype,
  }));
  const routes = await routesFor(context, options);
  const progress = onProgress
    ? new ProgressReporter(
        onProgress,
        context.executor.observer.log,
        `insertMany(${doctype})`,
        checked.length,
      )
    : undefined;
  progress?.report(0);
  const names: string[] = [];
  for (let offset = 0; offset < checked.length; offset += INSERT_MANY_LIMIT) {
    const chunk = checked.slice(offset, offset + INSERT_MANY_LIMIT);
    const response = await withRateLimitPacing('insertMany', () =>
      context.executor.execute(
        {
          method: 'POST',
          url: routes.method('frappe.client.insert_many'),
          data: { docs: JSON.stringify(chunk) },
          headers: { 'Content-Type': 'application/json' },
        },
        options,
      ),
    );
    const chunkNames = listOf(response, 'insertMany', routes.methodKey);
    if (chunkNames.some((name) => typeof name !== 'string')) {
      throw new FrappeError({
        message: `insertMany: the site answered ${response.status} with names that are not strings`,
        status: response.status,
      });
    }
    names.push(...(chunkNames as string[]));
    progress?.report(names.length);
  }
  return names;
}

/** Options of `insertMany`. */
export interface InsertManyOptions extends RequestOptions {
  /**
   * Called with `{ done, total, ratePerSecond, elapsedMs }` at the start and after each chunk of
   * 200 the site inserted (`total`: the number of documents given). A callback that throws is
   * logged and ignored.
   */
  onProgress?: ProgressListener;
}
