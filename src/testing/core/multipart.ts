/** A file part of a multipart/form-data body. */
export interface UploadedPart {
  readonly fieldName: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/**
 * A small multipart/form-data parser: enough for `upload_file`. Parts with a `filename` become
 * files; the rest become text fields. Malformed input yields what could be read, never a throw.
 */
export function parseMultipart(
  body: Buffer,
  contentType: string,
): { fields: Record<string, string>; files: UploadedPart[] } {
  const fields: Record<string, string> = {};
  const files: UploadedPart[] = [];
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundaryText = match?.[1] ?? match?.[2];
  if (!boundaryText) return { fields, files };
  const boundary = Buffer.from(`--${boundaryText}`);

  let position = body.indexOf(boundary);
  while (position >= 0) {
    const start = position + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(boundary, start);
    if (next < 0) break;
    // A part is CRLF, headers, CRLF CRLF, data, CRLF, then the next boundary.
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headerText = part.subarray(0, headerEnd).toString('utf8');
      const data = part.subarray(headerEnd + 4);
      const disposition = /content-disposition:([^\r\n]*)/i.exec(headerText)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      const partType =
        /content-type:\s*([^\r\n]*)/i.exec(headerText)?.[1]?.trim() ?? 'application/octet-stream';
      if (name !== undefined) {
        if (fileName !== undefined) {
          files.push({ fieldName: name, fileName, contentType: partType, data: Buffer.from(data) });
        } else {
          fields[name] = data.toString('utf8');
        }
      }
    }
    position = next;
  }
  return { fields, files };
}
