import { FrappeConfigurationError } from '../errors';
import type { HttpTransport, SendOptions } from '../transport/http-transport';
import { AUTHORIZATION_SERVER_METADATA_PATH } from './client-registration';
import { FRAPPE_OAUTH_PATHS, OAUTH_MAX_RESPONSE_BYTES } from './frappe-endpoints';

/**
 * The issuer of the RFC 8414 metadata (Frappe v16 and later), or undefined where the site has
 * none (v14/v15 answer 404, and v16 can turn it off). That issuer is the request's own scheme and
 * host (`get_resource_url`), while Frappe signs id_tokens with `get_server_url()` — the Social
 * Login Key's base URL when one is set — which only the OpenID document reports: callers keep
 * {@link discoverIssuer} as the fallback for an id_token whose `iss` differs.
 */
export async function discoverAuthorizationServerIssuer(
  transport: HttpTransport,
  options?: SendOptions,
): Promise<string | undefined> {
  const response = await transport.send(
    { method: 'GET', url: AUTHORIZATION_SERVER_METADATA_PATH, maxResponseBytes: OAUTH_MAX_RESPONSE_BYTES },
    options,
  );
  return response.status === 200 ? readIssuer(response.data) : undefined;
}

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
