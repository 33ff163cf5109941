/**
 * Response headers in any of the shapes callers have: a plain object (Node's
 * `IncomingHttpHeaders`, any-case keys), or anything with `get(name)` (fetch `Headers`, axios'
 * `AxiosHeaders`).
 */
export type HeaderSource = { get(name: string): unknown } | Readonly<Record<string, unknown>>;

/** One header's value as a string (the first, if repeated), looked up case-insensitively. */
export function readHeader(headers: HeaderSource | undefined | null, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  let value: unknown;
  try {
    const getter = (headers as { get?: unknown }).get;
    if (typeof getter === 'function') {
      value = getter.call(headers, name);
    }
    if (value === undefined || value === null) {
      const wanted = name.toLowerCase();
      for (const key of Object.keys(headers)) {
        if (key.toLowerCase() === wanted) {
          value = (headers as Record<string, unknown>)[key];
          break;
        }
      }
    }
  } catch {
    return undefined;
  }
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'number') return String(first);
  return undefined;
}
