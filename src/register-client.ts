import {
  type RegisteredClient,
  type RegistrationAuthMethod,
  registerDynamicClient,
} from './auth/client-registration';
import { FrappeConfigurationError } from './errors';
import { resolveOptions } from './options';
import { CallScope } from './transport/call-scope';
import { isLoopbackHost } from './transport/loopback-host';
import { createSiteTransport } from './transport/site-transport';

export type { RegisteredClient, RegistrationAuthMethod } from './auth/client-registration';

export interface RegisterClientOptions {
  /** The site root, as for the client (`https://erp.example.com`). */
  baseUrl: string;
  /** Every redirect URI the client will use, byte for byte as it will send them (Frappe compares exactly). */
  redirectUris: readonly string[];
  /** The name users see on Frappe's consent page. */
  clientName: string;
  /** The scopes to register; default `['all', 'openid']` (Frappe's own default is `all` alone). */
  scopes?: readonly string[];
  /**
   * `'client_secret_post'` (default): a confidential client with a secret. `'none'`: a public
   * client (a CLI, a desktop app), which has no secret and must use PKCE.
   */
  tokenEndpointAuthMethod?: RegistrationAuthMethod;
  /** Plain http to a non-loopback site or redirect URI; as the client's option of the same name. */
  allowInsecureHttp?: boolean;
  /** Abandons the registration (FrappeNetworkError `aborted`). */
  signal?: AbortSignal;
  /** The whole registration's deadline; default 30 000 ms. */
  timeoutMs?: number;
  transport?: 'axios' | 'undici';
  userAgent?: string;
}

const DEFAULT_SCOPES = ['all', 'openid'];

/**
 * `FrappeOAuthClient.registerClient`: validates the request, then registers the client with the
 * site's RFC 7591 endpoint through the SDK's own transport (bounded answers, same-origin only).
 */
export async function registerClient(input: RegisterClientOptions): Promise<RegisteredClient> {
  if (input === null || typeof input !== 'object') {
    throw new FrappeConfigurationError({ message: 'registerClient needs an options object' });
  }
  // The client's own checks of the connection options (baseUrl, plain http, timeouts, user
  // agent, transport); no client id exists yet, so a placeholder stands in for it.
  const site = resolveOptions({
    baseUrl: input.baseUrl,
    clientId: 'client-registration',
    allowInsecureHttp: input.allowInsecureHttp,
    timeoutMs: input.timeoutMs,
    transport: input.transport,
    userAgent: input.userAgent,
  });
  const request = {
    clientName: requireName(input.clientName),
    redirectUris: requireRedirectUris(input.redirectUris, input.allowInsecureHttp === true),
    scopes: requireScopes(input.scopes ?? DEFAULT_SCOPES),
    tokenEndpointAuthMethod: requireAuthMethod(input.tokenEndpointAuthMethod ?? 'client_secret_post'),
  };
  if (input.signal !== undefined && !(input.signal instanceof AbortSignal)) {
    throw new FrappeConfigurationError({ message: 'signal must be an AbortSignal' });
  }
  const { transport } = createSiteTransport(site);
  const scope = new CallScope('registering an OAuth client', { signal: input.signal }, site.timeoutMs);
  try {
    return await scope.race(registerDynamicClient(transport, site.baseUrl, request, scope));
  } finally {
    scope.dispose();
    transport.close();
  }
}

function requireName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new FrappeConfigurationError({ message: 'clientName must be a non-empty string' });
  }
  return value;
}

function requireRedirectUris(value: unknown, allowInsecureHttp: boolean): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new FrappeConfigurationError({ message: 'redirectUris must be a non-empty array of URLs' });
  }
  return value.map((uri, index) => {
    let url: URL;
    try {
      if (typeof uri !== 'string') throw new TypeError();
      url = new URL(uri);
    } catch {
      throw new FrappeConfigurationError({ message: `redirectUris[${index}] is not an absolute URL` });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new FrappeConfigurationError({ message: `redirectUris[${index}] must use http or https` });
    }
    if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
      throw new FrappeConfigurationError({
        message: `refusing the plain-http redirectUris[${index}] on ${url.host}: authorization codes would travel unencrypted; use https, a loopback host, or set allowInsecureHttp`,
      });
    }
    // Kept byte for byte: Frappe matches the redirect_uri of each authorization exactly.
    return uri as string;
  });
}

function requireScopes(value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some((scope) => typeof scope !== 'string' || scope === '' || /\s/.test(scope))
  ) {
    throw new FrappeConfigurationError({
      message: 'scopes must be a non-empty array of strings without spaces',
    });
  }
  return [...value];
}

function requireAuthMethod(value: unknown): RegistrationAuthMethod {
  if (value === 'client_secret_post' || value === 'none') return value;
  if (value === 'client_secret_basic') {
    throw new FrappeConfigurationError({
      message:
        "tokenEndpointAuthMethod 'client_secret_basic' cannot work with Frappe: its token endpoint reads HTTP Basic credentials as an API key; use 'client_secret_post'",
    });
  }
  throw new FrappeConfigurationError({
    message: "tokenEndpointAuthMethod must be 'client_secret_post' or 'none'",
  });
}
