/** What an error response's body turned out to be. The raw text is never kept in an error. */
export type ResponseBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'html' }
  | { kind: 'text'; text: string }
  | { kind: 'invalid-json'; text: string }
  | { kind: 'unreadable' };

/**
 * Classifies a body as an HTTP client handed it over: already parsed JSON (axios' default), a
 * string (JSON, HTML, plain text, truncated JSON), bytes (Buffer, Uint8Array, ArrayBuffer), or
 * nothing. A JSON body that is itself a JSON-encoded string is decoded once more.
 */
export function readResponseBody(body: unknown, contentType: string | undefined): ResponseBody {
  if (body === undefined || body === null) return { kind: 'empty' };
  if (typeof body === 'string') return readText(body, contentType);
  if (body instanceof ArrayBuffer) return readText(new TextDecoder().decode(body), contentType);
  if (ArrayBuffer.isView(body)) {
    return readText(new TextDecoder().decode(body as ArrayBufferView), contentType);
  }
  if (typeof body === 'object') {
    // A stream or another live object: do not consume it.
    if (typeof (body as { pipe?: unknown }).pipe === 'function') return { kind: 'unreadable' };
    if (typeof (body as { getReader?: unknown }).getReader === 'function') return { kind: 'unreadable' };
    return { kind: 'json', value: body };
  }
  if (typeof body === 'number' || typeof body === 'boolean') return { kind: 'json', value: body };
  return { kind: 'unreadable' };
}

function readText(text: string, contentType: string | undefined): ResponseBody {
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
      return parsed.value.trim() ? { kind: 'text', text: parsed.value } : { kind: 'empty' };
    }
    return { kind: 'json', value: parsed.value };
  }
  if (type.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return { kind: 'invalid-json', text: trimmed };
  }
  return { kind: 'text', text: trimmed };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
