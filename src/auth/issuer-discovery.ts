import { FrappeConfigurationError } from '../errors';
import type { HttpTransport, SendOptions } from '../transport/http-transport';
import { FRAPPE_OAUTH_PATHS, OAUTH_MAX_RESPONSE_BYTES } from './frappe-endpoints';

/**
 * Reads the expected id_token issuer from the site's discovery document. Frappe's `issuer` is the
 * Social Login Key base URL when one is set, so it can differ from the URL the site is reached at
 * (reference §6.3): only the issuer is taken from the document, the endpoints stay on `baseUrl`
 * (their paths are fixed). v14/v15 answer the well-known path with a 301 to a method; it is
 * followed once, on the same origin.
 */
export async function discoverIssuer(
  transport: HttpTransport,
  baseUrl: string,
  options?: SendOptions,
): Promise<string> {
  let path: string = FRAPPE_OAUTH_PATHS.discovery;
  for (let hop = 0; hop < 2; hop++) {
    const response = await transport.send(
      { method: 'GET', url: path, maxResponseBytes: OAUTH_MAX_RESPONSE_BYTES },
      options,
    );
    if (response.status >= 300 && response.status < 400) {
      const location = (response.headers as Record<string, unknown>).location;
      const target = typeof location === 'string' ? new URL(location, baseUrl) : undefined;
      if (!target || target.origin !== new URL(baseUrl).origin) break;
      path = target.pathname + target.search;
      continue;
    }
    if (response.status === 200) {
      const issuer = readIssuer(response.data);
      if (issuer) return issuer;
    }
    break;
  }
  throw new FrappeConfigurationError({
    message:
      'the site has no usable /.well-known/openid-configuration; set the issuer option instead of discovery',
  });
}

function readIssuer(text: unknown): string | undefined {
  try {
    const document = typeof text === 'string' ? JSON.parse(text) : text;
    return typeof document?.issuer === 'string' && document.issuer !== '' ? document.issuer : undefined;
  } catch {
    return undefined;
  }
}
