import { type HeaderSource, readHeader } from './headers';

/**
 * Seconds to wait from a `Retry-After` header value: delta-seconds (`"120"`) or an HTTP date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`, counted from `now`, never negative). Anything unreadable —
 * missing, negative, garbage — gives `undefined`. An array (repeated header) uses its first value.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'number') return Number.isFinite(first) && first >= 0 ? Math.ceil(first) : undefined;
  if (typeof first !== 'string') return undefined;
  const text = first.trim();
  if (!text) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    const seconds = Math.ceil(Number(text));
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  // Only something shaped like a date: Date.parse also accepts "-1" or "12" as years.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** `Retry-After` from response headers, in seconds (see {@link parseRetryAfter}). */
export function retryAfterFrom(headers: HeaderSource | undefined, now?: number): number | undefined {
  return parseRetryAfter(readHeader(headers, 'retry-after'), now);
}
