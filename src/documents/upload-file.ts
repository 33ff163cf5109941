import { FrappeError, FrappeInputError } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import type { DocumentsContext } from './documents-context';
import { optionalValueOf } from './envelopes';
import { routesFor } from './rest-routes';

/** What `uploadFile` sends to Frappe's `upload_file`. */
export interface UploadFileInput {
  /** The content. */
  file: Buffer | Uint8Array | Blob | string;
  fileName: string;
  /** Attach to this document. */
  doctype?: string;
  docname?: string;
  isPrivate?: boolean;
  /** Default Frappe's `Home`. */
  folder?: string;
}

/** The File document Frappe answers with. */
export interface FrappeFileDoc {
  name: string;
  file_name: string;
  file_url: string;
  is_private: 0 | 1;
  file_size?: number;
  [field: string]: unknown;
}

/**
 * `POST /api/method/upload_file` (multipart; v2: `/api/v2/method/upload_file`, the same handler
 * answering under `data`). Not repeated once it may have reached the server.
 */
export async function uploadFile(
  context: DocumentsContext,
  input: UploadFileInput,
  options: RequestOptions = {},
): Promise<FrappeFileDoc> {
  if (input === null || typeof input !== 'object')
    throw new FrappeInputError({ message: 'uploadFile needs an input object' });
  if (typeof input.fileName !== 'string' || input.fileName === '') {
    throw new FrappeInputError({ message: 'uploadFile needs a fileName' });
  }
  if ((input.doctype === undefined) !== (input.docname === undefined)) {
    throw new FrappeInputError({ message: 'uploadFile: doctype and docname go together' });
  }
  const form = new FormData();
  form.append('file', toBlob(input.file), input.fileName);
  form.append('is_private', input.isPrivate ? '1' : '0');
  if (input.folder !== undefined) form.append('folder', input.folder);
  if (input.doctype !== undefined) form.append('doctype', input.doctype);
  if (input.docname !== undefined) form.append('docname', input.docname);
  const routes = await routesFor(context, options);
  const response = await context.executor.execute(
    { method: 'POST', url: routes.method('upload_file'), data: form },
    options,
  );
  const doc = optionalValueOf<FrappeFileDoc>(response, 'uploadFile', routes.methodKey);
  if (!doc || typeof doc !== 'object')
    throw new FrappeError({ message: 'uploadFile: the site did not answer a File' });
  return doc;
}

function toBlob(file: UploadFileInput['file']): Blob {
  if (file instanceof Blob) return file;
  if (typeof file === 'string') return new Blob([file]);
  if (file instanceof Uint8Array) return new Blob([new Uint8Array(file)]);
  throw new FrappeInputError({ message: 'uploadFile: file must be a Buffer, Uint8Array, Blob or string' });
}
