import { sanitizeUrl } from '../redaction/redact';

/**
 * The start of an error message naming the request: `GET /api/resource/ToDo/x → ` (path only,
 * percent-decoded, no query), or `Frappe answered ` when the request is unknown.
 */
export function describeRequest(method: string | undefined, url: string | URL | undefined): string {
  const path = displayPath(url);
  const verb = typeof method === 'string' && method ? method.toUpperCase() : '';
  if (!path) return verb ? `${verb} request → ` : 'Frappe answered ';
  return `${verb ? `${verb} ` : ''}${path} → `;
}

function displayPath(url: string | URL | undefined): string {
  const safe = sanitizeUrl(url);
  if (!safe) return '';
  let path = safe;
  try {
    path = new URL(safe).pathname;
  } catch {
    // Already a path.
  }
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
