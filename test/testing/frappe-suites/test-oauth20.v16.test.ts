/**
 * `frappe/tests/test_oauth20.py`, v16-era version (as the v15-era one, plus `@unimplemented_for(SQLITE)` and `test_build_oauth_url`), replayed over HTTP on the v16 profile.
 *
 * Not portable:
 * - `test_build_oauth_url`: a unit test of the Python helper `frappe.utils.oauth.build_oauth_url` (joining a base
 *   URL and a path); it sends no request, so there is nothing of the site to replay.
 */
import { describe, it } from 'vitest';
import { frappeTestSitePerTest, listNotPortable, type NotPortableTest } from './frappe-fixtures';
import {
  loginAsSession,
  type Oauth20Style,
  testInvalidLogin,
  testLoginUsingAuthorizationCode,
  testLoginUsingAuthorizationCodeWithPkce,
  testLoginUsingImplicitToken,
  testOpenidCodeIdToken,
  testResourceOwnerPasswordCredentialsGrant,
  testRevokeToken,
} from './oauth20-cases';

/** Tests of this version that cannot be replayed over HTTP, and why. */
const NOT_PORTABLE = [
  {
    test: 'test_build_oauth_url (v16)',
    reason: 'a unit test of the Python helper frappe.utils.oauth.build_oauth_url; it sends no request',
  },
] as const satisfies readonly NotPortableTest[];

const v16: Oauth20Style = { session: loginAsSession, clientHeaders: () => ({}), checksIdTokenEmail: true };

describe('Frappe test_oauth20.py (v16) on the v16 profile', () => {
  const site = frappeTestSitePerTest('v16');

  it('test_invalid_login (v16)', () => testInvalidLogin(site()));
  it('test_login_using_authorization_code (v16)', () => testLoginUsingAuthorizationCode(site(), v16));
  it('test_login_using_authorization_code_with_pkce (v16)', () =>
    testLoginUsingAuthorizationCodeWithPkce(site(), v16));
  it('test_revoke_token (v16)', () => testRevokeToken(site(), v16));
  it('test_resource_owner_password_credentials_grant (v16)', () =>
    testResourceOwnerPasswordCredentialsGrant(site(), v16, true));
  it('test_login_using_implicit_token (v16)', () => testLoginUsingImplicitToken(site()));
  it('test_openid_code_id_token (v16)', () => testOpenidCodeIdToken(site(), v16));

  listNotPortable(NOT_PORTABLE);
});
