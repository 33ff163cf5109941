import { expect } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { OAUTH, postForm } from '../helpers/oauth-flow';
import {
  apiLogin,
  authorizationCode,
  authorizeRedirect,
  checkValidOpenidResponse,
  decodeIdToken,
  postToken,
  setClientGrant,
  TEST_CLIENT,
  TEST_USER,
} from './frappe-fixtures';

/**
 * The test bodies `frappe/tests/test_oauth20.py` keeps from version to version, replayed over
 * HTTP. What changes between versions is how a test logs the browser in and how it authenticates
 * the client at the token and revocation endpoints: that is the style.
 */
export interface Oauth20Style {
  /** v13 logs in with `POST /api/method/login`; later versions use `login_as` (the sessionCookie control). */
  session(site: FrappeEmulator): Promise<string>;
  /** Headers for get_token and revoke_token: none before develop, HTTP Basic on develop. */
  clientHeaders(): Record<string, string>;
  /** Later versions also decode the id_token and check its `email`. */
  checksIdTokenEmail: boolean;
}

/** `self.sid` from v15 on: LoginManager.login_as in-process, i.e. a session the test harness creates. */
export async function loginAsSession(site: FrappeEmulator): Promise<string> {
  return site.sessionCookie(TEST_USER.email);
}

interface TokenBody {
  access_token?: string;
  expires_in?: number;
  id_token?: string;
  refresh_token?: string;
  scope?: string;
  token_type?: string;
  error?: string;
}

async function exchange(
  site: FrappeEmulator,
  style: Oauth20Style,
  code: string,
  extra: Record<string, string> = {},
) {
  const response = await postToken(
    site,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: TEST_CLIENT.redirectUri,
      client_id: TEST_CLIENT.clientId,
      scope: TEST_CLIENT.scope,
      ...extra,
    },
    style.clientHeaders(),
  );
  return (await response.json()) as TokenBody;
}

export async function testInvalidLogin(site: FrappeEmulator): Promise<void> {
  expect(await checkValidOpenidResponse(site)).toBe(false);
}

export async function testLoginUsingAuthorizationCode(
  site: FrappeEmulator,
  style: Oauth20Style,
): Promise<void> {
  setClientGrant(site, 'code');
  const code = await authorizationCode(site, await style.session(site));
  const token = await exchange(site, style, code);
  expect(token.access_token).toBeTruthy();
  expect(token.expires_in).toBeTruthy();
  expect(token.id_token).toBeTruthy();
  expect(token.refresh_token).toBeTruthy();
  expect(token.scope).toBeTruthy();
  expect(token.token_type).toBe('Bearer');
  expect(await checkValidOpenidResponse(site, token.access_token)).toBe(true);
  if (style.checksIdTokenEmail) expect((await decodeIdToken(token.id_token)).email).toBe(TEST_USER.email);
}

export async function testLoginUsingAuthorizationCodeWithPkce(
  site: FrappeEmulator,
  style: Oauth20Style,
): Promise<void> {
  setClientGrant(site, 'code');
  const code = await authorizationCode(site, await style.session(site), {
    code_challenge_method: 'S256',
    code_challenge: '21XaP8MJjpxCMRxgEzBP82sZ73PRLqkyBUta1R309J0',
  });
  const token = await exchange(site, style, code, { code_verifier: '420' });
  expect(token.access_token).toBeTruthy();
  expect(token.id_token).toBeTruthy();
  if (style.checksIdTokenEmail) expect((await decodeIdToken(token.id_token)).email).toBe(TEST_USER.email);
}

export async function testRevokeToken(site: FrappeEmulator, style: Oauth20Style): Promise<void> {
  setClientGrant(site, 'code');
  const code = await authorizationCode(site, await style.session(site));
  const token = await exchange(site, style, code);
  // Only the token: before develop Frappe finds the client from the access token's row.
  const revoked = await postForm(
    `${site.url}${OAUTH}.revoke_token`,
    { token: token.access_token },
    style.clientHeaders(),
  );
  expect(revoked.status).toBe(200);
  expect(await checkValidOpenidResponse(site, token.access_token)).toBe(false);
}

/**
 * The password grant. On develop the test still exists in the stored file, but PR #42692 removed
 * the grant afterwards: the profile follows the later commit, so the grant is refused there.
 */
export async function testResourceOwnerPasswordCredentialsGrant(
  site: FrappeEmulator,
  style: Oauth20Style,
  grantExists: boolean,
): Promise<void> {
  setClientGrant(site, 'code');
  const response = await postToken(
    site,
    {
      grant_type: 'password',
      username: TEST_USER.email,
      password: TEST_USER.password,
      client_id: TEST_CLIENT.clientId,
      scope: TEST_CLIENT.scope,
    },
    style.clientHeaders(),
  );
  const token = (await response.json()) as TokenBody;
  if (grantExists) {
    expect(await checkValidOpenidResponse(site, token.access_token)).toBe(true);
  } else {
    expect(response.status).toBe(400);
    expect(token).toEqual({ error: 'unsupported_grant_type' });
  }
}

export async function testLoginUsingImplicitToken(site: FrappeEmulator): Promise<void> {
  setClientGrant(site, 'token');
  // Every version logs a requests.Session in over HTTP for this one.
  const redirect = await authorizeRedirect(site, await apiLogin(site), { response_type: 'token' });
  const fragment = new URLSearchParams(redirect.hash.slice(1));
  expect(fragment.get('access_token')).toBeTruthy();
  expect(fragment.get('expires_in')).toBeTruthy();
  expect(fragment.get('scope')).toBeTruthy();
  expect(fragment.get('token_type')).toBeTruthy();
  expect(await checkValidOpenidResponse(site, fragment.get('access_token') ?? '')).toBe(true);
}

export async function testOpenidCodeIdToken(site: FrappeEmulator, style: Oauth20Style): Promise<void> {
  setClientGrant(site, 'code');
  const nonce = `nonce-${Math.random().toString(16).slice(2)}`;
  const code = await authorizationCode(site, await style.session(site), { nonce });
  const token = await exchange(site, style, code);
  const payload = await decodeIdToken(token.id_token);
  if (style.checksIdTokenEmail) expect(payload.email).toBe(TEST_USER.email);
  expect(payload.nonce).toBe(nonce);
}
