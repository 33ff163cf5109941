import { OAuthJsonError } from '../core/exceptions';
import type { HandlerContext } from '../core/registry';
import type { EmulatorRequest } from '../core/request';
import { EmulatorResponse } from '../core/response';
import type { Site } from '../site';
import type { BearerTokenRow } from '../state/tokens';

/** Frappe's `get_userinfo(user)` claims, in Frappe's key order (§2.6). */
export interface UserInfoClaims {
  sub: string | null;
  name: string;
  given_name: string | null;
  family_name: string | null;
  email: string;
  picture: string | null;
  roles: string[];
  iss: string;
}

export function userInfo(site: Site, email: string): UserInfoClaims {
  const user = site.users.get(email);
  const iss = site.issuer;
  const image = user?.userImage;
  let picture: string | null = null;
  if (image) {
    // Absolute URLs pass through; relative `user_image` paths are joined onto the server URL.
    picture = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(image) ? image : new URL(image, `${iss}/`).href;
  }
  return {
    sub: user?.sub ?? null,
    name: [user?.firstName, user?.lastName].filter(Boolean).join(' '),
    given_name: user?.firstName || null,
    family_name: user?.lastName || null,
    email,
    picture,
    roles: site.users.rolesOf(email),
    iss,
  };
}

/**
 * `openid_profile`: general auth has already turned bad tokens away (401 or, on v14, 403 as
 * Guest). oauthlib then re-validates the bearer token; Frappe's `validate_bearer_token` checks
 * the *client's* scopes for `openid` and returns False otherwise, which oauthlib reports as
 * `invalid_token` (401). A cookie session without a bearer token fails the same way.
 */
export function openidProfile({ site, auth, req }: HandlerContext): EmulatorResponse {
  const token = auth.token ?? bodyToken(site, req);
  const client = token ? site.clients.get(token.clientId) : undefined;
  if (!token || !client?.scopes.includes('openid')) {
    throw new OAuthJsonError(
      'invalid_token',
      'The access token provided is expired, revoked, malformed, or invalid for other reasons.',
      401,
    );
  }
  return EmulatorResponse.json(200, userInfo(site, token.user));
}

/**
 * develop: oauthlib's resource endpoint also reads `access_token` from the form body (or query),
 * and `validate_bearer_token` refuses a revoked or expired token and an owner who is missing or
 * disabled.
 */
function bodyToken(site: Site, req: EmulatorRequest): BearerTokenRow | undefined {
  if (!site.profile.userinfoBodyToken) return undefined;
  const presented = req.form.access_token ?? req.query.get('access_token') ?? undefined;
  const row = presented ? site.tokens.byAccessToken(presented) : undefined;
  if (!row || !site.tokens.isUsable(row, site.clock.nowMs())) return undefined;
  return site.users.get(row.user)?.enabled ? row : undefined;
}
