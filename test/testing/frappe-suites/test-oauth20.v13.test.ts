/**
 * `frappe/tests/test_oauth20.py`, v13-era version (unittest, `requests` against a running site,
 * `make_test_records("OAuth Client")`), replayed over HTTP on the v14 profile (the emulator's
 * profile for v13 and early v14).
 *
 * Not portable: none — every test of this version talks HTTP.
 */
import { describe, it } from 'vitest';
import { apiLogin, frappeTestSitePerTest, listNotPortable, type NotPortableTest } from './frappe-fixtures';
import {
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

const v13: Oauth20Style = { session: apiLogin, clientHeaders: () => ({}), checksIdTokenEmail: false };

describe('Frappe test_oauth20.py (v13) on the v14 profile', () => {
  const site = frappeTestSitePerTest('v14');

  it('test_invalid_login (v13)', () => testInvalidLogin(site()));
  it('test_login_using_authorization_code (v13)', () => testLoginUsingAuthorizationCode(site(), v13));
  it('test_login_using_authorization_code_with_pkce (v13)', () =>
    testLoginUsingAuthorizationCodeWithPkce(site(), v13));
  it('test_revoke_token (v13)', () => testRevokeToken(site(), v13));
  it('test_resource_owner_password_credentials_grant (v13)', () =>
    testResourceOwnerPasswordCredentialsGrant(site(), v13, true));
  it('test_login_using_implicit_token (v13)', () => testLoginUsingImplicitToken(site()));
  it('test_openid_code_id_token (v13)', () => testOpenidCodeIdToken(site(), v13));

  listNotPortable(NOT_PORTABLE);
});
