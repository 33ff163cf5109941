import { createHash } from 'node:crypto';
import { errorEnvelope } from '../core/envelope';
import { FrappeException } from '../core/exceptions';
import type { EmulatorRequest } from '../core/request';
import { EmulatorResponse } from '../core/response';
import type { Site } from '../site';
import { GUEST } from '../state/users';
import { pkceRequired } from './authorization-request';
import { authenticateClient } from './client-authentication';
import { lookupMiss, OAuthError, scopeToList } from './errors';
import { issueTokenRow, tokenResponse } from './token-response';

/** `authorization_code` (oauthlib's validate_token_request with Frappe's validator). */
export function authorizationCodeGrant(site: Site, req: EmulatorRequest): EmulatorResponse {
  const form = req.form;
  if (form.code === undefined) throw new OAuthError('invalid_request', 'Missing code parameter.');
  const client = authenticateClient(site, req);
  if (form.code_verifier === undefined && pkceRequired(site, client)) {
    throw new OAuthError('invalid_request', 'Code verifier required.');
  }

  // validate_code: a Valid code of *this* client.
  const code = site.tokens.code(form.code);
  if (code?.validity !== 'Valid' || code.clientId !== client.clientId) throw new OAuthError('invalid_grant');

  if (code.codeChallenge) {
    const verifier = form.code_verifier;
    if (!verifier) {
      // Frappe deletes the code outright when a challenge was stored but no verifier came.
      site.tokens.deleteCode(code.code);
      throw new OAuthError('invalid_grant');
    }
    if (code.codeChallengeMethod === 's256' && code.codeChallenge !== s256(verifier)) {
      throw new OAuthError('invalid_grant');
    }
    if (code.codeChallengeMethod === 'plain') {
      // develop requires S256 from public clients (issue #41541, inferred).
      const publicClient = client.tokenEndpointAuthMethod === 'none';
      if (publicClient && !site.profile.plainPkceForPublicClients) {
        throw new OAuthError('invalid_grant', 'PKCE plain is not allowed for public clients.');
      }
      if (code.codeChallenge !== verifier) throw new OAuthError('invalid_grant');
    }
    // Any other stored method is accepted unchecked, as in Frappe's validate_code.
  }

  // confirm_redirect_uri: Frappe checks the *client's* list (or default URI when the list is
  // empty), not the URI bound to the code (§2.3).
  const redirectUri = form.redirect_uri;
  const allowed =
    client.redirectUris.length > 0
      ? redirectUri !== undefined && client.redirectUris.includes(redirectUri)
      : redirectUri === client.defaultRedirectUri;
  if (!allowed) throw new OAuthError('invalid_request', 'Mismatching redirect URI.');

  const row = issueTokenRow(site, client.clientId, code.user, code.scopes);
  code.validity = 'Invalid';
  return tokenResponse(site, client, row, { idToken: true, nonce: code.nonce, state: form.state });
}

/** `refresh_token`: rotation always; develop also revokes the presented pair (PR #40968). */
export function refreshTokenGrant(site: Site, req: EmulatorRequest): EmulatorResponse {
  const form = req.form;
  const presented = form.refresh_token;
  if (presented === undefined) throw new OAuthError('invalid_request', 'Missing refresh token parameter.');
  const old = site.tokens.byRefreshToken(presented);
  const client = authenticateClient(site, req, () => old?.clientId);

  // validate_refresh_token: `get_doc(..., {"refresh_token": t, "status": "Active"})`.
  if (old?.status !== 'Active') {
    throw lookupMiss(site, 'OAuth Bearer Token', presented, 'invalid_grant');
  }

  let scopes = old.scopes;
  if (form.scope) {
    const requested = scopeToList(form.scope);
    if (!requested.every((s) => old.scopes.includes(s))) throw new OAuthError('invalid_scope');
    scopes = requested;
  }

  // Before develop refresh tokens are not bound to the client (issue #41534): the new row belongs
  // to the client that asked, the user is copied from the old row.
  if (site.profile.refreshTokenBoundToClient && old.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant');
  }
  const row = issueTokenRow(site, client.clientId, old.user, scopes);
  if (site.profile.refreshRevokesOldPair) old.status = 'Revoked';
  return tokenResponse(site, client, row, { idToken: true, state: form.state });
}

/** `password` (ROPC), where the profile still has it. Plain OAuth2 grant: no id_token. */
export function passwordGrant(site: Site, req: EmulatorRequest): EmulatorResponse {
  const form = req.form;
  const client = authenticateClient(site, req);
  for (const param of ['username', 'password']) {
    if (!form[param]) throw new OAuthError('invalid_request', `Request is missing ${param} parameter.`);
  }
  const user = site.users.findForLogin(form.username ?? '');
  if (!user?.enabled || user.password !== form.password) {
    // validate_user runs Frappe's LoginManager, whose `fail` raises AuthenticationError past
    // oauthlib: the answer is Frappe's 401 with the login message, not `invalid_grant`.
    const exception = new FrappeException('AuthenticationError', { thrown: false });
    return EmulatorResponse.json(401, {
      message: 'Invalid login credentials',
      ...errorEnvelope(site.profile, exception, GUEST),
    });
  }
  const scopes = form.scope ? scopeToList(form.scope) : [...client.scopes];
  if (!scopes.every((s) => client.scopes.includes(s))) throw new OAuthError('invalid_scope');
  const row = issueTokenRow(site, client.clientId, user.email, scopes);
  return tokenResponse(site, client, row, { idToken: false, state: form.state });
}

/** base64url(SHA-256(verifier)) without padding, as Frappe's validate_code computes it. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'utf8').digest('base64url');
}
