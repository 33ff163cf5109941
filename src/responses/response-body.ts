import { SecretSet } from '../redaction/secret-set';
import { MAX_RAW_TEXT_LENGTH } from './limits';
import { type CappedText, capServerText } from './server-text';

/** What an error response's body turned out to be. The raw text is never kept in an error. */
export type ResponseBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'html' }
  /** `cut`: the text is the start of a longer body. */
  | { kind: 'text'; text: string; cut: boolean }
  | { kind: 'invalid-json'; text: string }
  | { kind: 'unreadable' };

/**
 * Classifies a body as an HTTP client handed it over: already parsed JSON (axios' default), a
 * string (JSON, HTML, plain text, truncated JSON), bytes (Buffer, Uint8Array, ArrayBuffer, any
 * view), or nothing. A JSON body that is itself a JSON-encoded string is decoded once more.
 *
 * Text is cut to {@link MAX_RAW_TEXT_LENGTH} and scrubbed of `secrets` before it is parsed (a cut
 * JSON body reads as invalid JSON). Bytes are decoded as UTF-8 with U+FFFD for invalid sequences,
 * and only as many as that text can need. Never throws.
 */
export function readResponseBody(
  body: unknown,
  contentType: string | undefined,
  secrets: SecretSet = SecretSet.NONE,
): ResponseBody {
  try {
    if (body === undefined || body === null) return { kind: 'empty' };
    if (typeof body === 'string') return readText(capServerText(body, secrets), contentType);
    const bytes = byteView(body);
    if (bytes) {
      // A UTF-16 unit takes at most 3 bytes: this many bytes give all the text the cut may read.
      const needed = 3 * (MAX_RAW_TEXT_LENGTH + secrets.margin);
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, needed));
      return readText(capServerText(text, secrets), contentType);
    }
    if (typeof body === 'object') {
      // A stream or another live object: do not consume it.
      if (typeof (body as { pipe?: unknown }).pipe === 'function') return { kind: 'unreadable' };
      if (typeof (body as { getReader?: unknown }).getReader === 'function') return { kind: 'unreadable' };
      return { kind: 'json', value: body };
    }
    if (typeof body === 'number' || typeof body === 'boolean') return { kind: 'json', value: body };
    return { kind: 'unreadable' };
  } catch {
    // A detached buffer, a getter that throws: nothing can be read.
    return { kind: 'unreadable' };
  }
}

/** The bytes of an ArrayBuffer or of any view on one, without copying. */
function byteView(body: unknown): Uint8Array | undefined {
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

function readText({ text, cut }: CappedText, contentType: string | undefined): ResponseBody {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'empty' };
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('html') || trimmed.startsWith('<')) return { kind: 'html' };
  const parsed = parseJson(trimmed);
  if (parsed.ok) {
    if (typeof parsed.value === 'string') {
      const inner = parseJson(parsed.value.trim());
      if (inner.ok && typeof inner.value === 'object' && inner.value !== null) {
        return { kind: 'json', value: inner.value };
      }
      return parsed.value.trim() ? { kind: 'text', text: parsed.value, cut: false } : { kind: 'empty' };
    }
    return { kind: 'json', value: parsed.value };
  }
  if (type.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return { kind: 'invalid-json', text: trimmed };
  }
  return { kind: 'text', text: trimmed, cut };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
