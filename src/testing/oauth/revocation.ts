import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import { authenticateClient } from './client-authentication';
import { OAuthError } from './errors';
import { checkTokenRequest } from './token-endpoint';

/**
 * `revoke_token` (RFC 7009): Frappe resets the response to `{}` and keeps only oauthlib's
 * status: 200 for a revoked or unknown token, 400 without `token`, 401 when develop's client
 * authentication fails. The whole row goes, so revoking either token kills both.
 */
export function revokeToken({ site, req }: HandlerContext): EmulatorResponse {
  let status = 200;
  try {
    checkTokenRequest(req.method, req.url.search);
    const token = req.form.token;
    if (!token) throw new OAuthError('invalid_request', 'Missing token parameter.');
    // ≤v15 find the client from the token *as a row name* (the access token) when client_id is
    // missing; refresh tokens and unknown tokens then miss (a Frappe error, not `{}`).
    authenticateClient(site, req, () => site.tokens.byAccessToken(token)?.clientId);

    const hint = req.form.token_type_hint;
    const row =
      hint === 'refresh_token' ? site.tokens.byRefreshToken(token) : site.tokens.byAccessToken(token);
    if (row) row.status = 'Revoked';
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    status = error.error === 'invalid_client' ? 401 : 400;
  }
  return EmulatorResponse.json(status, {});
}
