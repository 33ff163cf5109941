import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import { userInfo } from './userinfo';

/**
 * `introspect_token`: no client authentication at all. `active` is only `status == "Active"`,
 * so an expired but unrevoked token introspects as active with a past `exp` (quirk 15). Any
 * failure is `{"active": false}` with 200.
 */
export function introspectToken({ site, args }: HandlerContext): EmulatorResponse {
  const token = typeof args.token === 'string' ? args.token : undefined;
  // Anything other than refresh_token is treated as access_token.
  const row =
    token === undefined
      ? undefined
      : args.token_type_hint === 'refresh_token'
        ? site.tokens.byRefreshToken(token)
        : site.tokens.byAccessToken(token);
  const client = row ? site.clients.get(row.clientId) : undefined;
  if (!row || !client) return EmulatorResponse.json(200, { active: false });

  const body: Record<string, unknown> = {
    client_id: client.clientId,
    trusted_client: client.skipAuthorization ? 1 : 0,
    active: row.status === 'Active',
    exp: Math.round(row.createdAtMs / 1000) + row.expiresIn,
    scope: row.scopes.join(' '),
  };
  // Frappe tests `"openid" in scopes` on the space-joined string, and adds the claims only for
  // users with a `sub` (so never for Administrator).
  if (row.scopes.join(' ').includes('openid')) {
    const claims = userInfo(site, row.user);
    if (claims.sub) Object.assign(body, claims);
  }
  return EmulatorResponse.json(200, body);
}
