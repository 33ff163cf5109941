import { createHash } from 'node:crypto';
import { FrappeException, frappeThrow } from '../core/exceptions';
import { hexHash } from '../core/random';
import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import type { Site } from '../site';
import { GUEST } from '../state/users';
import { cint } from './args';
import { docOutput, insertDoc, loadDoc } from './documents';
import { hasPermission, permissionDenied } from './permissions';

interface StoredFile {
  readonly data: Buffer;
  readonly contentType: string;
}

/** The site's file system (`sites/<site>/public/files`, `…/private/files`), keyed by file_url. */
const fileSystems = new WeakMap<Site, Map<string, StoredFile>>();

function filesOf(site: Site): Map<string, StoredFile> {
  let files = fileSystems.get(site);
  if (!files) {
    files = new Map();
    fileSystems.set(site, files);
  }
  return files;
}

/** `POST /api/method/upload_file` (§7.3) and the `/files/…`, `/private/files/…` downloads. */
export function installUpload(site: Site): void {
  // allow_guest=True on Frappe; the handler itself refuses Guests (System Settings default).
  site.methods.register('upload_file', { allowGuest: true, methods: ['POST'], handler: uploadFile });
  site.pages.registerPrefix('/files/', (context) => serveFile(context, false));
  site.pages.registerPrefix('/private/files/', (context) => serveFile(context, true));
}

/**
 * multipart `file` (or a `file_url` to register), `is_private`, `folder`, and `doctype`/`docname`
 * (/`fieldname`) to attach it: writing needs write permission on that document. Returns the
 * File doc. A different file under a taken name gets a random suffix, as `get_unique_file_name`.
 */
function uploadFile({ site, req, auth, args }: HandlerContext): unknown {
  if (auth.user === GUEST) throw frappeThrow('PermissionError', 'You are not permitted to upload files');
  const doctype = typeof args.doctype === 'string' && args.doctype ? args.doctype : undefined;
  const docname = typeof args.docname === 'string' && args.docname ? args.docname : undefined;
  if (doctype && docname) {
    loadDoc(site, { user: auth.user }, doctype, docname, 'read');
    if (!hasPermission(site, auth.user, doctype, 'write'))
      throw permissionDenied(auth.user, doctype, 'write');
  }
  const isPrivate = cint(args.is_private) ? 1 : 0;
  const folder =
    typeof args.folder === 'string' && args.folder ? args.folder : doctype ? 'Home/Attachments' : 'Home';
  const part = req.files.find((file) => file.fieldName === 'file');

  let fileName: string;
  let fileUrl: string;
  let size = 0;
  let contentHash: string | null = null;
  if (part) {
    fileName = baseName(part.fileName) || 'file';
    contentHash = createHash('md5').update(part.data).digest('hex');
    size = part.data.length;
    fileUrl = uniqueUrl(site, fileName, isPrivate, contentHash);
    fileName = fileUrl.slice(fileUrl.lastIndexOf('/') + 1);
    filesOf(site).set(fileUrl, { data: part.data, contentType: part.contentType });
  } else if (typeof args.file_url === 'string' && args.file_url) {
    fileUrl = args.file_url;
    fileName = baseName(fileUrl);
  } else {
    throw frappeThrow('ValidationError', 'No file attached');
  }

  const saved = insertDoc(site, { user: auth.user, ignorePermissions: true }, 'File', {
    file_name: fileName,
    file_url: fileUrl,
    is_private: isPrivate,
    file_size: size,
    content_hash: contentHash,
    folder,
    file_type: fileName.includes('.') ? fileName.slice(fileName.lastIndexOf('.') + 1).toUpperCase() : null,
    attached_to_doctype: doctype && docname ? doctype : null,
    attached_to_name: doctype && docname ? docname : null,
    attached_to_field: typeof args.fieldname === 'string' && args.fieldname ? args.fieldname : null,
  });
  return docOutput(saved);
}

function uniqueUrl(site: Site, fileName: string, isPrivate: number, contentHash: string): string {
  const base = isPrivate ? '/private/files/' : '/files/';
  const existing = filesOf(site).get(base + fileName);
  if (!existing || createHash('md5').update(existing.data).digest('hex') === contentHash)
    return base + fileName;
  const dot = fileName.lastIndexOf('.');
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName;
  const extension = dot > 0 ? fileName.slice(dot) : '';
  return `${base}${stem}${hexHash(6)}${extension}`;
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).trim();
}

/** Public files for anyone; private files only for a user who may read the File record. */
function serveFile({ site, req, auth }: HandlerContext, isPrivate: boolean): EmulatorResponse {
  let url = req.path;
  try {
    url = decodeURIComponent(req.path);
  } catch {
    // keep the raw path
  }
  const file = filesOf(site).get(url);
  if (!file) throw new FrappeException('PageDoesNotExistError', { message: 'Page not found', thrown: true });
  if (isPrivate) {
    const record = [...site.docs.table('File').values()].find((doc) => doc.file_url === url);
    const allowed =
      auth.user !== GUEST &&
      (record?.owner === auth.user ||
        site.users.rolesOf(auth.user).includes('System Manager') ||
        (typeof record?.attached_to_doctype === 'string' &&
          hasPermission(site, auth.user, record.attached_to_doctype, 'read')));
    if (!allowed) throw frappeThrow('PermissionError', "You don't have permission to access this file");
  }
  const response = new EmulatorResponse(200, file.data, file.contentType);
  return response;
}
