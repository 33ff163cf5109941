/**
 * `frappe/tests/test_oauth20.py`, v15-era version (IntegrationTestCase with the werkzeug test client, a `login_as` session cookie, the `test_client_id` client inserted in setUp; the stored copy without `test_build_oauth_url`), replayed over HTTP on the v15 profile.
 *
 * Not portable: none.
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

/** Tests of this version that cannot be replayed over HTTP: none, every one talks HTTP. */
const NOT_PORTABLE: readonly NotPortableTest[] = [];

const v15: Oauth20Style = { session: loginAsSession, clientHeaders: () => ({}), checksIdTokenEmail: true };

describe('Frappe test_oauth20.py (v15) on the v15 profile', () => {
  const site = frappeTestSitePerTest('v15');

  it('test_invalid_login (v15)', () => testInvalidLogin(site()));
  it('test_login_using_authorization_code (v15)', () => testLoginUsingAuthorizationCode(site(), v15));
  it('test_login_using_authorization_code_with_pkce (v15)', () =>
    testLoginUsingAuthorizationCodeWithPkce(site(), v15));
  it('test_revoke_token (v15)', () => testRevokeToken(site(), v15));
  it('test_resource_owner_password_credentials_grant (v15)', () =>
    testResourceOwnerPasswordCredentialsGrant(site(), v15, true));
  it('test_login_using_implicit_token (v15)', () => testLoginUsingImplicitToken(site()));
  it('test_openid_code_id_token (v15)', () => testOpenidCodeIdToken(site(), v15));

  listNotPortable(NOT_PORTABLE);
});
