import type { EmulatorRequest } from '../core/request';
import type { Site } from '../site';
import type { EmulatorClient } from '../state/clients';
import { lookupMiss, OAuthError } from './errors';

/** Where the client_id comes from when the body has none (Frappe's `authenticate_client`). */
export type ClientIdFallback = () => string | undefined;

/**
 * Client authentication at the token and revocation endpoints (§2.3).
 *
 * ≤v15: the secret is never verified. The client is loaded from `client_id` (or from the presented
 * token's row), and `authenticate_client` compares the session user with the `user_id` cookie,
 * which holds for any request without cookies. A missing client is a `get_doc` miss.
 *
 * develop: secrets are checked; mixed, missing or wrong credentials are `invalid_client`. Which
 * method a confidential client may use is `ProfileSettings.confidentialClientMethods`.
 */
export function authenticateClient(
  site: Site,
  req: EmulatorRequest,
  fallback: ClientIdFallback = () => undefined,
): EmulatorClient {
  const form = req.form;
  if (!site.profile.enforceClientAuthentication) {
    const clientId = form.client_id ?? fallback();
    const client = clientId !== undefined ? site.clients.get(clientId) : undefined;
    if (!client) throw lookupMiss(site, 'OAuth Client', String(clientId ?? 'None'), 'invalid_client');
    return client;
  }

  const basic = basicCredentials(req.header('authorization'));
  if (basic === null) throw new OAuthError('invalid_client');
  const clientId = basic?.id ?? form.client_id;
  if (basic && form.client_id !== undefined && form.client_id !== basic.id)
    throw new OAuthError('invalid_client');
  const client = clientId ? site.clients.get(clientId) : undefined;
  if (!client) throw new OAuthError('invalid_client');

  const bodySecret = form.client_secret;
  if (
    client.tokenEndpointAuthMethod !== 'none' &&
    site.profile.confidentialClientMethods === 'basic-or-post'
  ) {
    // Later develop: a confidential client may authenticate either way, but exactly one way.
    const viaBasic = basic !== undefined && bodySecret === undefined && basic.secret === client.clientSecret;
    const viaBody = basic === undefined && bodySecret !== undefined && bodySecret === client.clientSecret;
    if (!viaBasic && !viaBody) throw new OAuthError('invalid_client');
    return client;
  }
  switch (client.tokenEndpointAuthMethod) {
    case 'client_secret_basic':
      if (!basic || bodySecret !== undefined || basic.secret !== client.clientSecret) {
        throw new OAuthError('invalid_client');
      }
      break;
    case 'client_secret_post':
      if (basic || bodySecret === undefined || bodySecret !== client.clientSecret) {
        throw new OAuthError('invalid_client');
      }
      break;
    default:
      // `none`: a public client identifies itself with client_id only.
      if (basic || (bodySecret !== undefined && bodySecret !== '')) throw new OAuthError('invalid_client');
  }
  return client;
}

/**
 * `Authorization: Basic base64(id:secret)` with both halves form-encoded (RFC 6749 §2.3.1).
 * undefined when there is no Basic header, null when it cannot be decoded.
 */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined | null {
  if (!header) return undefined;
  const [scheme = '', credential = ''] = header.split(' ');
  if (scheme.toLowerCase() !== 'basic') return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(credential)) return null;
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    const formDecode = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}
