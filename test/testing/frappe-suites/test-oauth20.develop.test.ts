/**
 * `frappe/tests/test_oauth20.py`, newest develop version (client credentials sent with HTTP Basic,
 * the client-authentication, bearer-owner, body-token and authorize-POST tests), replayed over HTTP
 * on the develop profile. Tests that call `OAuthWebRequestValidator` in-process are replayed at
 * the HTTP endpoint that runs that validator (the token endpoint for `authenticate_client`,
 * openid_profile for `validate_bearer_token`), with the emulator's controls standing in for the
 * database edits (`issueToken`, `setUserEnabled`, `removeUser`, `addClient`).
 *
 * The password-grant test was written before PR #42692 removed the grant; the profile follows
 * the later commit, so the replay expects `unsupported_grant_type`.
 */
import { describe, expect, it } from 'vitest';
import { OAUTH, postForm, s256Challenge } from '../helpers/oauth-flow';
import {
  authorizationCode,
  basicAuth,
  checkValidOpenidResponse,
  frappeTestSitePerTest,
  listNotPortable,
  type NotPortableTest,
  postToken,
  TEST_CLIENT,
  TEST_USER,
} from './frappe-fixtures';
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
    test: 'test_build_oauth_url (develop)',
    reason: 'a unit test of the Python helper frappe.utils.oauth.build_oauth_url; it sends no request',
  },
] as const satisfies readonly NotPortableTest[];

const develop: Oauth20Style = {
  session: loginAsSession,
  clientHeaders: () => basicAuth(TEST_CLIENT.clientId, TEST_CLIENT.clientSecret),
  checksIdTokenEmail: true,
};

const AUTHORIZE = `${OAUTH}.authorize`;
/** The authorize request of the test's `test_authorize_post_*` cases, as form fields. */
const AUTHORIZE_PARAMS = {
  client_id: TEST_CLIENT.clientId,
  scope: TEST_CLIENT.scope,
  response_type: 'code',
  redirect_uri: TEST_CLIENT.redirectUri,
};

describe('Frappe test_oauth20.py (develop) on the develop profile', () => {
  const site = frappeTestSitePerTest('develop');

  /** `authenticate_client(...)` of the test, as the token endpoint answers a code exchange. */
  async function authenticatesClient(
    credentials: { headers?: Record<string, string>; client_id?: string; client_secret?: string },
    verifier?: string,
  ): Promise<boolean> {
    const code = await authorizationCode(
      site(),
      site().sessionCookie(TEST_USER.email),
      verifier ? { code_challenge: s256Challenge(verifier), code_challenge_method: 'S256' } : {},
    );
    const response = await postToken(
      site(),
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: TEST_CLIENT.redirectUri,
        client_id: credentials.client_id,
        client_secret: credentials.client_secret,
        code_verifier: verifier,
      },
      credentials.headers ?? {},
    );
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (response.status === 200) return true;
    expect(response.status).toBe(400);
    expect(body.error).toBe('invalid_client');
    return false;
  }

  function withClient(changes: { clientSecret?: string; tokenEndpointAuthMethod?: 'none' }): void {
    site().addClient({
      clientId: TEST_CLIENT.clientId,
      clientSecret:
        changes.tokenEndpointAuthMethod === 'none'
          ? undefined
          : (changes.clientSecret ?? TEST_CLIENT.clientSecret),
      redirectUris: [TEST_CLIENT.redirectUri],
      scopes: ['all', 'openid'],
      skipAuthorization: true,
      ...(changes.tokenEndpointAuthMethod
        ? { tokenEndpointAuthMethod: changes.tokenEndpointAuthMethod }
        : {}),
    });
  }

  const openidStatus = async (token: string) =>
    (await fetch(`${site().url}${OAUTH}.openid_profile`, { headers: { authorization: `Bearer ${token}` } }))
      .status;

  it('test_invalid_login (develop)', () => testInvalidLogin(site()));

  it('test_bearer_token_rejects_disabled_owner (develop)', async () => {
    const { accessToken } = site().issueToken({ clientId: TEST_CLIENT.clientId, user: TEST_USER.email });
    expect(await openidStatus(accessToken)).toBe(200);
    site().setUserEnabled(TEST_USER.email, false);
    expect(await openidStatus(accessToken)).toBe(401);
    expect(await checkValidOpenidResponse(site(), accessToken)).toBe(false);
  });

  it('test_bearer_token_rejects_missing_owner (develop)', async () => {
    const { accessToken } = site().issueToken({ clientId: TEST_CLIENT.clientId, user: TEST_USER.email });
    // The Frappe test points the token row at a user that does not exist; here the user goes.
    site().removeUser(TEST_USER.email);
    expect(await openidStatus(accessToken)).toBe(401);
  });

  it('test_openid_profile_post_body_token (develop)', async () => {
    const { accessToken } = site().issueToken({ clientId: TEST_CLIENT.clientId, user: TEST_USER.email });
    const response = await postForm(`${site().url}${OAUTH}.openid_profile`, { access_token: accessToken });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { email: string }).email).toBe(TEST_USER.email);
  });

  it('test_authorize_post_preserves_parameters_through_login (develop)', async () => {
    const params = { ...AUTHORIZE_PARAMS, state: 'opaque +/%?&= state' };
    const response = await postForm(`${site().url}${AUTHORIZE}`, params);
    expect(response.status).toBe(302);
    const login = new URL(response.headers.get('location') ?? '', site().url);
    const back = new URL(login.searchParams.get('redirect-to') ?? '');
    expect(Object.fromEntries(back.searchParams)).toEqual(params);
    expect([...back.searchParams.keys()]).toHaveLength(Object.keys(params).length);
  });

  it('test_authorize_post_rejects_unsupported_content_types (develop)', async () => {
    const params = AUTHORIZE_PARAMS;
    for (const [contentType, body] of [
      ['application/json', JSON.stringify(params)],
      ['text/plain', new URLSearchParams(params).toString().replaceAll('+', '%20')],
    ] as const) {
      const response = await fetch(`${site().url}${AUTHORIZE}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': contentType },
        body,
      });
      expect(response.status, contentType).toBe(415);
    }
  });

  it('test_confidential_client_authentication (develop)', async () => {
    expect(
      await authenticatesClient({ headers: basicAuth(TEST_CLIENT.clientId, TEST_CLIENT.clientSecret) }),
    ).toBe(true);
    expect(
      await authenticatesClient({ client_id: TEST_CLIENT.clientId, client_secret: TEST_CLIENT.clientSecret }),
    ).toBe(true);
  });

  it('test_confidential_client_requires_valid_secret (develop)', async () => {
    expect(await authenticatesClient({ client_id: TEST_CLIENT.clientId })).toBe(false);
    expect(
      await authenticatesClient({ client_id: TEST_CLIENT.clientId, client_secret: 'wrong-secret' }),
    ).toBe(false);
    expect(await authenticatesClient({ headers: basicAuth(TEST_CLIENT.clientId, 'wrong-secret') })).toBe(
      false,
    );
  });

  it('test_duplicate_or_mismatched_client_authentication (develop)', async () => {
    const headers = basicAuth(TEST_CLIENT.clientId, TEST_CLIENT.clientSecret);
    expect(
      await authenticatesClient({
        headers,
        client_id: TEST_CLIENT.clientId,
        client_secret: TEST_CLIENT.clientSecret,
      }),
    ).toBe(false);
    expect(await authenticatesClient({ headers, client_id: 'other-client' })).toBe(false);
  });

  it('test_malformed_basic_authentication (develop)', async () => {
    const malformed = [
      'not-base64',
      Buffer.concat([Buffer.from([0xff]), Buffer.from(':secret')]).toString('base64'),
      Buffer.from('client-without-secret').toString('base64'),
      Buffer.from('client%ZZ:secret').toString('base64'),
    ];
    for (const credentials of malformed) {
      expect(
        await authenticatesClient({
          headers: { authorization: `Basic ${credentials}` },
          client_id: TEST_CLIENT.clientId,
          client_secret: TEST_CLIENT.clientSecret,
        }),
        credentials,
      ).toBe(false);
    }
    withClient({ tokenEndpointAuthMethod: 'none' });
    expect(
      await authenticatesClient(
        { headers: { authorization: 'Basic not-base64' }, client_id: TEST_CLIENT.clientId },
        'a-verifier-for-the-public-client',
      ),
    ).toBe(false);
  });

  it('test_non_ascii_client_secret (develop)', async () => {
    const secret = 'sëcret';
    withClient({ clientSecret: secret });
    expect(await authenticatesClient({ headers: basicAuth(TEST_CLIENT.clientId, secret) })).toBe(true);
    expect(await authenticatesClient({ client_id: TEST_CLIENT.clientId, client_secret: secret })).toBe(true);
  });

  it('test_public_client_authentication (develop)', async () => {
    withClient({ tokenEndpointAuthMethod: 'none' });
    // develop requires PKCE from public clients, so the code comes with an S256 challenge.
    expect(
      await authenticatesClient({ client_id: TEST_CLIENT.clientId }, 'a-verifier-for-the-public-client'),
    ).toBe(true);
  });

  it('test_login_using_authorization_code (develop)', () => testLoginUsingAuthorizationCode(site(), develop));
  it('test_login_using_authorization_code_with_pkce (develop)', () =>
    testLoginUsingAuthorizationCodeWithPkce(site(), develop));
  it('test_revoke_token (develop)', () => testRevokeToken(site(), develop));
  it('test_resource_owner_password_credentials_grant (develop, grant removed later by PR #42692)', () =>
    testResourceOwnerPasswordCredentialsGrant(site(), develop, false));
  it('test_login_using_implicit_token (develop)', () => testLoginUsingImplicitToken(site()));
  it('test_openid_code_id_token (develop)', () => testOpenidCodeIdToken(site(), develop));

  listNotPortable(NOT_PORTABLE);
});
