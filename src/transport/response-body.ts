import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { constants, createBrotliDecompress, createUnzip } from 'node:zlib';

/**
 * Response bodies for engines that get raw bytes (undici): decompression, a bound on the
 * decompressed size, UTF-8 text, and headers in the shape {@link TransportResponse} promises —
 * all as the axios engine (Node's http + axios's adapter) does them.
 */

/** Past the bound: the caller turns this into FrappeNetworkError `too_large`. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the response body exceeded ${limit} bytes`);
  }
}

// Lenient like axios: a body cut short after its last complete block still decodes what arrived.
const ZLIB_OPTIONS = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS = {
  flush: constants.BROTLI_OPERATION_FLUSH,
  finishFlush: constants.BROTLI_OPERATION_FLUSH,
};

type Decoder = () => Transform[];

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: () => [createUnzip(ZLIB_OPTIONS)],
  'x-gzip': () => [createUnzip(ZLIB_OPTIONS)],
  // Servers send zlib-wrapped or raw deflate under this name; raw gets a zlib header first.
  deflate: () => [new ZlibHeader(), createUnzip(ZLIB_OPTIONS)],
  br: () => [createBrotliDecompress(BROTLI_OPTIONS)],
};

/**
 * The decoders for a `content-encoding` value (applied in reverse order of the list), or
 * undefined when one of the codings is unknown — then the body is returned as it came, header and all.
 */
export function decodersFor(contentEncoding: string | undefined): Transform[] | undefined {
  if (!contentEncoding) return [];
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (!codings.every((coding) => Object.hasOwn(DECODERS, coding))) return undefined;
  return codings.reverse().flatMap((coding) => (DECODERS[coding] as Decoder)());
}

/**
 * Reads `body` through `decoders`, counting the decoded bytes as they arrive: past `limit` it
 * destroys every stream (and with the body, the connection) and rejects with BodyTooLargeError.
 * Any stream's error rejects with that error; the body is destroyed in every early exit.
 */
export async function readBounded(body: Readable, decoders: Transform[], limit: number): Promise<Buffer> {
  const streams = [body, ...decoders];
  const source = decoders.length === 0 ? body : (pipeline(streams, () => undefined) as unknown as Readable);
  const chunks: Buffer[] = [];
  let total = 0;
  let complete = false;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) throw new BodyTooLargeError(limit);
      chunks.push(chunk);
    }
    complete = true;
  } finally {
    if (!complete) for (const stream of streams) stream.destroy();
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 text, invalid sequences as U+FFFD, a leading BOM dropped (as axios does). */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * Node's rules for incoming headers (what the axios engine returns): names in lower case;
 * `set-cookie` kept as an array; a repeated header joined with `, ` (`cookie` with `; `), except
 * the ones that may appear once, of which the first is kept.
 */
export function headersFromRaw(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = String(raw[index]).toLowerCase();
    const value = String(raw[index + 1]);
    if (name === '__proto__') continue;
    const current = headers[name];
    if (name === 'set-cookie') {
      if (Array.isArray(current)) current.push(value);
      else headers[name] = [value];
    } else if (current === undefined) {
      headers[name] = value;
    } else if (!SINGLE_VALUED.has(name)) {
      headers[name] = `${current as string}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
  }
  return headers;
}

/** The headers whose duplicates Node's http parser discards. */
const SINGLE_VALUED = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** Prepends a zlib header to a raw deflate stream (the first byte of a zlib stream is 0x78). */
class ZlibHeader extends Transform {
  private first = true;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk[0] !== 0x78) this.push(Buffer.from([0x78, 0x9c]));
    }
    callback(null, chunk);
  }
}
