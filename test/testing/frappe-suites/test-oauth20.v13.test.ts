/**
 * `frappe/tests/test_oauth20.py`, v13-era version (unittest, `requests` against a running site,
 * `make_test_records("OAuth Client")`), replayed over HTTP on the v14 profile (the emulator's
 * profile for v13 and early v14).
 *
 * Not portable: none — every test of this version talks HTTP.
 */
import { afterEach, beforeEach, describe, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { apiLogin, startFrappeTestSite } from './frappe-fixtures';
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
const NOT_PORTABLE: readonly { test: string; reason: string }[] = [];

const v13: Oauth20Style = { session: apiLogin, clientHeaders: () => ({}), checksIdTokenEmail: false };

describe('Frappe test_oauth20.py (v13) on the v14 profile', () => {
  let site: FrappeEmulator;
  beforeEach(async () => {
    site = await startFrappeTestSite('v14');
  });
  afterEach(() => site.stop());

  it('test_invalid_login (v13)', () => testInvalidLogin(site));
  it('test_login_using_authorization_code (v13)', () => testLoginUsingAuthorizationCode(site, v13));
  it('test_login_using_authorization_code_with_pkce (v13)', () =>
    testLoginUsingAuthorizationCodeWithPkce(site, v13));
  it('test_revoke_token (v13)', () => testRevokeToken(site, v13));
  it('test_resource_owner_password_credentials_grant (v13)', () =>
    testResourceOwnerPasswordCredentialsGrant(site, v13, true));
  it('test_login_using_implicit_token (v13)', () => testLoginUsingImplicitToken(site));
  it('test_openid_code_id_token (v13)', () => testOpenidCodeIdToken(site, v13));

  // Listed, not run: each names the Frappe test and why it cannot be replayed over HTTP.
  for (const { test, reason } of NOT_PORTABLE) it.skip(`${test}: not portable, ${reason}`, () => {});
});
