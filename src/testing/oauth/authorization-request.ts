import { OAuthJsonError } from '../core/exceptions';
import type { Site } from '../site';
import type { EmulatorClient } from '../state/clients';
import { scopeToList } from './errors';
import { issueTokenRow } from './token-response';
import { addParamsToUri } from './url-encoding';

/** A validated authorization request (oauthlib's `scopes, credentials`). */
export interface AuthorizationRequest {
  client: EmulatorClient;
  redirectUri: string;
  responseType: 'code' | 'token';
  scopes: string[];
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
}

/** Parameters Frappe's `sanitize_kwargs` drops before re-encoding them into the approve URL. */
const DROPPED = new Set(['cmd', 'data', 'csrf_token']);

/** The request's parameters in order, as strings (query and form merged, form winning). */
export function authorizationParams(args: Readonly<Record<string, unknown>>): Array<[string, string]> {
  return Object.entries(args)
    .filter(([key, value]) => !DROPPED.has(key) && value !== undefined && value !== null)
    .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
}

/** Whether the profile makes `client` use PKCE (public clients on develop). */
export function pkceRequired(site: Site, client: EmulatorClient): boolean {
  return site.profile.pkceRequiredForPublicClients && client.tokenEndpointAuthMethod === 'none';
}

function invalid(description: string, error = 'invalid_request', status = 400): OAuthJsonError {
  return new OAuthJsonError(error, description, status);
}

/**
 * oauthlib's `validate_authorization_request` with Frappe's validator, in oauthlib's order: the
 * fatal client_id and redirect_uri checks, then response_type, PKCE and scope. Every failure is a
 * Frappe-shape JSON error carrying oauthlib's status (note `invalid_scope` and
 * `unauthorized_client` are 401 there), never a redirect to the client.
 */
export function validateAuthorizationRequest(
  site: Site,
  user: string,
  params: ReadonlyArray<readonly [string, string]>,
): AuthorizationRequest {
  const get = (name: string) => params.find(([key]) => key === name)?.[1];
  const clientId = get('client_id');
  if (!clientId) throw invalid('Missing client_id parameter.');
  const client = site.clients.get(clientId);
  // validate_client_id: the client exists and the user has one of its allowed roles.
  const roles = site.users.rolesOf(user);
  if (!client || (client.allowedRoles.length > 0 && !client.allowedRoles.some((r) => roles.includes(r)))) {
    throw invalid('Invalid client_id parameter value.');
  }

  let redirectUri = get('redirect_uri');
  if (redirectUri !== undefined) {
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(redirectUri)) throw invalid('Invalid redirect URI.');
    // Frappe splits the stored list on a single space and compares byte for byte.
    if (!client.redirectUris.includes(redirectUri)) throw invalid('Mismatching redirect URI.');
  } else {
    redirectUri = client.defaultRedirectUri;
    if (!redirectUri) throw invalid('Missing redirect URI.');
  }

  const responseType = get('response_type');
  if (!responseType) throw invalid('Missing response_type parameter.');
  // Unknown types fall to oauthlib's default (code) grant, which rejects them as unsupported; the
  // OIDC implicit/hybrid types Frappe would accept are not emulated and are rejected the same way.
  if (responseType !== 'code' && responseType !== 'token') {
    throw invalid('', 'unsupported_response_type');
  }
  if (responseType !== client.responseType) throw invalid('', 'unauthorized_client', 401);

  // PKCE (oauthlib ≥3.1): a challenge without a method defaults to `plain`, and only the exact
  // spellings `plain` and `S256` are accepted; Frappe then stores the method lower-cased.
  let codeChallenge: string | undefined;
  let codeChallengeMethod: string | undefined;
  if (responseType === 'code') {
    codeChallenge = get('code_challenge');
    // develop's `is_pkce_required` holds for public clients: oauthlib's MissingCodeChallengeError.
    if (codeChallenge === undefined && pkceRequired(site, client)) throw invalid('Code challenge required.');
    if (codeChallenge !== undefined) {
      codeChallengeMethod = get('code_challenge_method') ?? 'plain';
      if (codeChallengeMethod !== 'plain' && codeChallengeMethod !== 'S256') {
        throw invalid('Transform algorithm not supported.');
      }
    }
  }

  const scope = get('scope');
  const scopes = scope ? scopeToList(scope) : [...client.scopes];
  if (!scopes.every((s) => client.scopes.includes(s))) throw invalid('', 'invalid_scope', 401);

  return {
    client,
    redirectUri,
    responseType,
    scopes,
    state: get('state'),
    nonce: get('nonce') || undefined,
    codeChallenge,
    codeChallengeMethod,
  };
}

/**
 * oauthlib's `create_authorization_response` after consent: a code row and
 * `redirect_uri?code=…&state=…`, or for implicit clients an access token in the fragment.
 */
export function completeAuthorization(site: Site, user: string, request: AuthorizationRequest): string {
  const state: Array<[string, string]> = request.state ? [['state', request.state]] : [];
  if (request.responseType === 'token') {
    const row = issueTokenRow(site, request.client.clientId, user, request.scopes);
    return addParamsToUri(
      request.redirectUri,
      [
        ['access_token', row.accessToken],
        ['token_type', 'Bearer'],
        ['expires_in', String(row.expiresIn)],
        ['scope', request.scopes.join(' ')],
        ...state,
      ],
      true,
    );
  }
  const code = site.tokens.saveCode({
    clientId: request.client.clientId,
    user,
    scopes: request.scopes,
    redirectUri: request.redirectUri,
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod?.toLowerCase(),
  });
  return addParamsToUri(request.redirectUri, [['code', code.code], ...state]);
}
