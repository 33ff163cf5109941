import { OAuthJsonError } from '../core/exceptions';
import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import type { Site } from '../site';

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
export function openidProfile({ site, auth }: HandlerContext): EmulatorResponse {
  const client = auth.token ? site.clients.get(auth.token.clientId) : undefined;
  if (auth.via !== 'bearer' || !client?.scopes.includes('openid')) {
    throw new OAuthJsonError(
      'invalid_token',
      'The access token provided is expired, revoked, malformed, or invalid for other reasons.',
      401,
    );
  }
  return EmulatorResponse.json(200, userInfo(site, auth.user));
}
