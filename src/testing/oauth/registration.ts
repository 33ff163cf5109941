import { FrappeException, frappeThrow } from '../core/exceptions';
import { hexHash } from '../core/random';
import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import type { TokenEndpointAuthMethod } from '../state/clients';

export const REGISTER_CLIENT_METHOD = 'frappe.integrations.oauth2.register_client';

/** `@rate_limit(limit=1, seconds=10 * 60)` on register_client. */
const RATE_LIMIT = { limit: 1, seconds: 600 } as const;

const URL_FIELDS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri'] as const;
const STRING_FIELDS = ['scope', 'software_id', 'software_version', 'token_endpoint_auth_method'] as const;
const LIST_FIELDS = ['grant_types', 'response_types', 'contacts'] as const;

/** One pydantic error line pair, as `str(ValidationError)` prints it. */
interface FieldError {
  field: string;
  message: string;
  type: string;
}

/**
 * `register_client` (RFC 7591) as Frappe v16 does it (frappe/integrations/oauth2.py,
 * frappe/integrations/utils.py): rate-limited before anything else, 404 when registration is off,
 * the JSON body validated by a pydantic model (`OAuth2DynamicClientMetadata`), then Frappe's own
 * rules, then a new OAuth Client and a 201 with the registered metadata.
 */
export function registerClient(context: HandlerContext): EmulatorResponse {
  const { site, req } = context;
  if (
    site.rateLimits.hit(
      REGISTER_CLIENT_METHOD,
      requestIp(context),
      RATE_LIMIT.limit,
      RATE_LIMIT.seconds,
      site.clock.nowMs(),
    )
  ) {
    throw frappeThrow(
      'RateLimitExceededError',
      'You hit the rate limit because of too many requests. Please try after sometime.',
    );
  }
  if (!site.profile.dynamicClientRegistration) {
    throw new FrappeException('PageDoesNotExistError', { status: 404, thrown: false });
  }
  // werkzeug's `request.json` refuses a body that is not declared JSON.
  if (!req.contentType.startsWith('application/json')) {
    throw frappeThrow(
      'UnsupportedMediaType',
      "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
    );
  }
  const data = req.json;
  if (data === undefined || data === null) return metadataError('Request body is empty');
  if (typeof data !== 'object' || Array.isArray(data)) {
    return metadataError(
      pydanticMessage([
        {
          field: '',
          message: 'Input should be a valid dictionary or instance of OAuth2DynamicClientMetadata',
          type: 'model_type',
        },
      ]),
    );
  }
  const body = data as Record<string, unknown>;

  const errors: FieldError[] = [];
  const redirectUris = urlList(body.redirect_uris, 'redirect_uris', errors);
  if (typeof body.client_name !== 'string') {
    errors.push(
      body.client_name === undefined
        ? { field: 'client_name', message: 'Field required', type: 'missing' }
        : { field: 'client_name', message: 'Input should be a valid string', type: 'string_type' },
    );
  }
  for (const field of URL_FIELDS)
    if (body[field] !== undefined && body[field] !== null) httpUrl(body[field], field, errors);
  for (const field of STRING_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      errors.push({ field, message: 'Input should be a valid string', type: 'string_type' });
    }
  }
  for (const field of LIST_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value))
      errors.push({ field, message: 'Input should be a valid list', type: 'list_type' });
    else
      value.forEach((item, index) => {
        if (typeof item !== 'string')
          errors.push({
            field: `${field}.${index}`,
            message: 'Input should be a valid string',
            type: 'string_type',
          });
      });
  }
  if (errors.length > 0) return metadataError(pydanticMessage(errors));

  // validate_dynamic_client_metadata: every reason, joined with ",\n".
  const grantTypes = (body.grant_types as string[] | undefined) ?? ['authorization_code'];
  const responseTypes = (body.response_types as string[] | undefined) ?? ['code'];
  const reasons: string[] = [];
  if (redirectUris.length === 0) reasons.push('redirect_uris is required');
  if (
    grantTypes.length > 0 &&
    !grantTypes.every((g) => g === 'authorization_code' || g === 'refresh_token')
  ) {
    reasons.push("only 'authorization_code' and 'refresh_token' grant types are supported");
  }
  if (responseTypes.length > 0 && !responseTypes.every((r) => r === 'code')) {
    reasons.push("only 'code' response_type is supported");
  }
  if (!site.developerMode && redirectUris.some((uri) => !uri.startsWith('https:'))) {
    reasons.push('redirect_uris must be https');
  }
  if (reasons.length > 0) return metadataError(reasons.join(',\n'));

  // create_new_oauth_client: scopes default to "all"; only "none" and "client_secret_post" change
  // the doctype's default method (Client Secret Basic).
  const requested = body.token_endpoint_auth_method;
  const method: TokenEndpointAuthMethod =
    requested === 'none'
      ? 'none'
      : requested === 'client_secret_post'
        ? 'client_secret_post'
        : 'client_secret_basic';
  const scope = typeof body.scope === 'string' && body.scope !== '' ? body.scope : 'all';
  const clientName = body.client_name as string;
  const client = site.clients.add(
    {
      clientId: uniqueClientId(context),
      clientSecret: method === 'none' ? undefined : hexHash(site.profile.generatedClientSecretLength),
      scopes: scope.trim().split(/\s+/),
      redirectUris,
      defaultRedirectUri: redirectUris[0],
      appName: clientName,
      responseType: 'code',
      skipAuthorization: false,
      tokenEndpointAuthMethod: method,
    },
    { dynamic: true, createdAtMs: site.clock.nowMs() },
  );

  const answer: Record<string, unknown> = {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    client_id_issued_at: Math.floor(site.clock.nowMs() / 1000),
    client_secret_expires_at: 0,
    client_name: clientName,
    client_uri: normalisedUrl(body.client_uri),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    logo_uri: normalisedUrl(body.logo_uri),
    tos_uri: normalisedUrl(body.tos_uri),
    policy_uri: normalisedUrl(body.policy_uri),
    software_id: body.software_id || undefined,
    software_version: body.software_version || undefined,
    scope,
    redirect_uris: redirectUris,
    contacts: Array.isArray(body.contacts) && body.contacts.length > 0 ? body.contacts : undefined,
  };
  if (method === 'none') delete answer.client_secret;
  for (const key of Object.keys(answer))
    if (answer[key] === undefined || answer[key] === null) delete answer[key];
  return EmulatorResponse.json(201, answer);
}

/** `frappe.local.request_ip`: the first X-Forwarded-For entry, else the peer address. */
function requestIp({ req }: HandlerContext): string {
  const forwarded = req.header('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || req.remoteAddress || 'unknown';
}

function uniqueClientId({ site }: HandlerContext): string {
  let id = hexHash(10);
  while (site.clients.get(id)) id = hexHash(10);
  return id;
}

function metadataError(description: string): EmulatorResponse {
  return EmulatorResponse.json(400, { error: 'invalid_client_metadata', error_description: description });
}

/** pydantic v2's `HttpUrl`: http(s) with a host, at most 2083 characters; `str()` normalises it. */
function httpUrl(value: unknown, field: string, errors: FieldError[]): string | undefined {
  if (typeof value !== 'string') {
    errors.push({ field, message: 'URL input should be a string or URL', type: 'url_type' });
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    errors.push({
      field,
      message: 'Input should be a valid URL, relative URL without a base',
      type: 'url_parsing',
    });
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    errors.push({ field, message: "URL scheme should be 'http' or 'https'", type: 'url_scheme' });
    return undefined;
  }
  if (value.length > 2083) {
    errors.push({ field, message: 'URL should have at most 2083 characters', type: 'url_too_long' });
    return undefined;
  }
  return url.href;
}

function urlList(value: unknown, field: string, errors: FieldError[]): string[] {
  if (value === undefined) {
    errors.push({ field, message: 'Field required', type: 'missing' });
    return [];
  }
  if (!Array.isArray(value)) {
    errors.push({ field, message: 'Input should be a valid list', type: 'list_type' });
    return [];
  }
  const urls: string[] = [];
  value.forEach((item, index) => {
    const url = httpUrl(item, `${field}.${index}`, errors);
    if (url !== undefined) urls.push(url);
  });
  return urls;
}

function normalisedUrl(value: unknown): string | undefined {
  return typeof value === 'string' ? new URL(value).href : undefined;
}

/** `str(pydantic.ValidationError)`, without the input echo (it may hold secrets). */
function pydanticMessage(errors: readonly FieldError[]): string {
  const count = `${errors.length} validation error${errors.length === 1 ? '' : 's'} for OAuth2DynamicClientMetadata`;
  const lines = errors.map((e) => `${e.field}\n  ${e.message} [type=${e.type}]`);
  return [count, ...lines].join('\n');
}
