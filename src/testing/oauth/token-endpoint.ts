import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import { authenticateClient } from './client-authentication';
import { OAuthError } from './errors';
import { authorizationCodeGrant, passwordGrant, refreshTokenGrant } from './grants';

/**
 * `get_token`: oauthlib reads the raw form body (never the JSON body or the query), and Frappe
 * answers every oauthlib error with status 400 and the RFC body. Frappe exceptions raised inside
 * the validator (get_doc misses, LoginManager failures) escape as ordinary Frappe errors.
 */
export function getToken({ site, req }: HandlerContext): EmulatorResponse {
  try {
    checkTokenRequest(req.method, req.url.search);
    switch (req.form.grant_type) {
      case 'authorization_code':
        return authorizationCodeGrant(site, req);
      case 'refresh_token':
        return refreshTokenGrant(site, req);
      case 'password':
        if (!site.profile.passwordGrant) throw new OAuthError('unsupported_grant_type');
        return passwordGrant(site, req);
      case 'client_credentials':
        // Wired up in oauthlib, but Frappe's validate_grant_type refuses it.
        authenticateClient(site, req);
        throw new OAuthError('unauthorized_client');
      default:
        throw new OAuthError('unsupported_grant_type');
    }
  } catch (error) {
    if (error instanceof OAuthError) return EmulatorResponse.json(400, error.body());
    throw error;
  }
}

/** oauthlib's `_raise_on_bad_method` and `_raise_on_bad_post_request` (token and revocation). */
export function checkTokenRequest(method: string, search: string): void {
  if (method !== 'POST') throw new OAuthError('invalid_request', `Unsupported request method ${method}`);
  if (search.length > 1) throw new OAuthError('invalid_request', 'URL query parameters are not allowed');
}
