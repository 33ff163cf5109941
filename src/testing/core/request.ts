import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parseMultipart, type UploadedPart } from './multipart';

/** One parsed HTTP request, with Frappe's merged "form dict" already built (§1.1). */
export interface EmulatorRequest {
  readonly method: string;
  /** The path without the query, percent-decoding left to the router. */
  readonly path: string;
  readonly url: URL;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly cookies: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  readonly contentType: string;
  /** The JSON body, when the request was JSON and parsed. */
  readonly json: unknown;
  /** True when `Content-Type: application/json` held something that is not JSON. */
  readonly jsonInvalid: boolean;
  /** Fields of an `application/x-www-form-urlencoded` or multipart body. */
  readonly form: Readonly<Record<string, string>>;
  /** File parts of a multipart body. */
  readonly files: readonly UploadedPart[];
  /**
   * Frappe's `frappe.form_dict`: the JSON object body when there is one, else the query merged
   * with the form fields (the form wins on clashes).
   */
  readonly formDict: Readonly<Record<string, unknown>>;
  /** The peer's address (`request.remote_addr`), for per-address rate limits. */
  readonly remoteAddress: string | undefined;
  header(name: string): string | undefined;
}

export const MAX_BODY_BYTES = 25 * 1024 * 1024; // Frappe's default max_file_size

export class BodyTooLargeError extends Error {}

export async function readBody(message: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of message) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!name) continue;
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

export function buildRequest(message: IncomingMessage, body: Buffer, origin: string): EmulatorRequest {
  const url = new URL(message.url ?? '/', origin);
  const headers = message.headers;
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  let json: unknown;
  let jsonInvalid = false;
  let form: Record<string, string> = {};
  let files: UploadedPart[] = [];

  if (contentType.startsWith('application/json')) {
    if (body.length > 0) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        jsonInvalid = true;
      }
    }
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  } else if (contentType.startsWith('multipart/form-data')) {
    // The boundary is case-sensitive (RFC 2046 §5.1.1): parse with the header as sent.
    const parsed = parseMultipart(body, String(headers['content-type']));
    form = parsed.fields;
    files = parsed.files;
  }

  let formDict: Record<string, unknown>;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    formDict = { ...(json as Record<string, unknown>) };
  } else {
    formDict = { ...Object.fromEntries(url.searchParams), ...form };
  }

  return {
    method: (message.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    url,
    query: url.searchParams,
    headers,
    cookies: parseCookies(headers.cookie),
    rawBody: body,
    contentType,
    json,
    jsonInvalid,
    form,
    files,
    formDict,
    remoteAddress: message.socket?.remoteAddress,
    header(name: string) {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}
