/**
 * The JSON object a transport answered, whether it came parsed or as text; `undefined` for
 * anything else (invalid JSON, an array, a scalar, null), for the caller to refuse in its own terms.
 */
export function jsonObjectOf(data: unknown): Record<string, unknown> | undefined {
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
