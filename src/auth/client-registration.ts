import {
  errorFromResponse,
  FrappeConfigurationError,
  type FrappeError,
  FrappeRateLimitError,
  FrappeServerError,
} from '../errors';
import { jsonObjectOf } from '../responses/json-object';
import type { CallScope } from '../transport/call-scope';
import type { HttpTransport } from '../transport/http-transport';
import type { TransportResponse } from '../transport/transport';
import { OAUTH_MAX_RESPONSE_BYTES } from './frappe-endpoints';

/** Frappe's RFC 7591 endpoint (frappe/integrations/oauth2.py `register_client`, v16 and later). */
export const REGISTRATION_PATH = '/api/method/frappe.integrations.oauth2.register_client';
/** RFC 8414 metadata; Frappe lists `registration_endpoint` there only while registration is on. */
export const AUTHORIZATION_SERVER_METADATA_PATH = '/.well-known/oauth-authorization-server';

/** How the registered client authenticates at the token endpoint. */
export type RegistrationAuthMethod = 'client_secret_post' | 'none';

export interface ClientRegistrationRequest {
  clientName: string;
  redirectUris: readonly string[];
  scopes: readonly string[];
  tokenEndpointAuthMethod: RegistrationAuthMethod;
}

/** What Frappe registered. `clientSecret` is absent for a public client (`'none'`). */
export interface RegisteredClient {
  clientId: string;
  clientSecret?: string;
  /** Epoch seconds, when Frappe says. */
  clientIdIssuedAt?: number;
  /** The scopes Frappe stored for the client (its answer's `scope`, split). */
  scopes: string[];
  redirectUris: string[];
  tokenEndpointAuthMethod: RegistrationAuthMethod;
}

/**
 * Registers an OAuth client with RFC 7591 dynamic client registration, in at most two requests:
 * the RFC 8414 metadata says whether registration is on (and where), then one POST.
 *
 * Never retried: every accepted POST creates another OAuth Client on the site, and an answer lost
 * on the way back cannot be told from a refused one. Frappe also allows one registration per
 * address every 10 minutes (`@rate_limit(limit=1, seconds=600)`), so a retry would only meet the
 * rate limiter.
 */
export async function registerDynamicClient(
  transport: HttpTransport,
  baseUrl: string,
  request: ClientRegistrationRequest,
  scope: CallScope,
): Promise<RegisteredClient> {
  const endpoint = await registrationEndpoint(transport, baseUrl, scope);
  const body = {
    client_name: request.clientName,
    redirect_uris: [...request.redirectUris],
    // Space-separated (RFC 7591 §2). Without it Frappe stores `all` alone, and a client without
    // `openid` never gets an id_token.
    scope: request.scopes.join(' '),
    // Stated, never left to Frappe's default (`client_secret_basic`): Frappe reads HTTP Basic
    // credentials at the token endpoint as an API key and answers 401, so the SDK always sends its
    // secret in the form body, and develop enforces the registered method.
    token_endpoint_auth_method: request.tokenEndpointAuthMethod,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  const response = await transport.send(
    {
      method: 'POST',
      url: endpoint,
      data: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      maxResponseBytes: OAUTH_MAX_RESPONSE_BYTES,
    },
    scope.requestOptions(),
  );
  if (response.status === 201 || response.status === 200) return readRegistration(response, request);
  throw refusal(response, endpoint);
}

/**
 * Where to POST. A metadata document without `registration_endpoint` means registration is turned
 * off (Frappe adds the field only when `enable_dynamic_client_registration` is set). No metadata
 * at all (v14/v15, or its display turned off in OAuth Settings) still gets one POST to the fixed
 * path, whose answer then says what the site offers.
 */
async function registrationEndpoint(
  transport: HttpTransport,
  baseUrl: string,
  scope: CallScope,
): Promise<string> {
  const response = await transport.send(
    { method: 'GET', url: AUTHORIZATION_SERVER_METADATA_PATH, maxResponseBytes: OAUTH_MAX_RESPONSE_BYTES },
    scope.requestOptions(),
  );
  if (response.status !== 200) return REGISTRATION_PATH;
  const metadata = jsonObjectOf(response.data);
  if (metadata === undefined) return REGISTRATION_PATH;
  const advertised = metadata.registration_endpoint;
  if (advertised === undefined) throw registrationOff();
  if (typeof advertised !== 'string') return REGISTRATION_PATH;
  let url: URL;
  try {
    url = new URL(advertised, baseUrl);
  } catch {
    return REGISTRATION_PATH;
  }
  // The metadata's host is the request's own (get_resource_url), so a different origin is a proxy
  // rewriting it: the fixed path on the site the caller chose is the one to trust.
  return url.origin === new URL(baseUrl).origin ? url.pathname : REGISTRATION_PATH;
}

function readRegistration(response: TransportResponse, request: ClientRegistrationRequest): RegisteredClient {
  const answer = jsonObjectOf(response.data);
  const clientId = answer?.client_id;
  if (answer === undefined || typeof clientId !== 'string' || clientId === '') {
    throw new FrappeServerError({
      message: `client registration answered ${response.status} without a client_id`,
      status: response.status,
    });
  }
  const secret = answer.client_secret;
  const confidential = request.tokenEndpointAuthMethod !== 'none';
  if (confidential && (typeof secret !== 'string' || secret === '')) {
    throw new FrappeServerError({
      message: 'client registration answered without the client_secret of a confidential client',
      status: response.status,
    });
  }
  const scope = typeof answer.scope === 'string' ? answer.scope : request.scopes.join(' ');
  return {
    clientId,
    ...(confidential ? { clientSecret: secret as string } : {}),
    ...(typeof answer.client_id_issued_at === 'number'
      ? { clientIdIssuedAt: answer.client_id_issued_at }
      : {}),
    scopes: scope.split(/\s+/).filter((item) => item !== ''),
    redirectUris: Array.isArray(answer.redirect_uris)
      ? answer.redirect_uris.filter((uri): uri is string => typeof uri === 'string')
      : [...request.redirectUris],
    tokenEndpointAuthMethod: request.tokenEndpointAuthMethod,
  };
}

/**
 * Frappe's refusals as typed errors with its text: 400 `invalid_client_metadata` (e.g. "redirect_uris
 * must be https" outside developer mode) is a FrappeOAuthError, the rate limiter's 417
 * RateLimitExceededError a FrappeRateLimitError; a site without the endpoint (404 while turned
 * off, 417 "Failed to get method" before v16) a FrappeConfigurationError that says so.
 */
function refusal(response: TransportResponse, endpoint: string): FrappeError {
  const error = errorFromResponse({
    status: response.status,
    headers: response.headers as Record<string, unknown>,
    body: response.data,
    method: 'POST',
    url: endpoint,
  });
  if (error instanceof FrappeRateLimitError) return error;
  const missingMethod = response.status === 417 && /failed to get method/i.test(error.message);
  if (response.status === 404 || missingMethod) {
    return new FrappeConfigurationError({
      message: missingMethod
        ? 'this site has no dynamic client registration: it needs Frappe v16 or later'
        : registrationOff().message,
      status: response.status,
      cause: error,
    });
  }
  return error;
}

function registrationOff(): FrappeConfigurationError {
  return new FrappeConfigurationError({
    message:
      'dynamic client registration is turned off on this site (OAuth Settings → Enable Dynamic Client Registration); register the client in the desk instead',
  });
}
