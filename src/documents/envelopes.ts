import { FrappeError, FrappeInputError } from '../errors';
import type { TransportResponse } from '../transport/transport';

/** Parses a response body; a 2xx that is not JSON is reported, not returned as a string. */
export function jsonBody(response: TransportResponse, what: string): Record<string, unknown> {
  if (response.data === '' || response.data === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(response.data);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new FrappeError({
    message: `${what}: the site answered ${response.status} with a body that is not a JSON object`,
    status: response.status,
  });
}

/** `/api/resource` answers `{"data": …}`. */
export function dataOf<T>(response: TransportResponse, what: string): T {
  return jsonBody(response, what).data as T;
}

/** `/api/method` answers `{"message": …}` (absent when the method returned None). */
export function messageOf<T>(response: TransportResponse, what: string): T {
  return jsonBody(response, what).message as T;
}

/** A DocType or document name, checked and encoded for the URL path. */
export function pathSegment(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new FrappeInputError({ message: `${name} must be a non-empty string` });
  }
  return encodeURIComponent(value);
}
