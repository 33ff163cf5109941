import { jwtVerify } from 'jose';
import { afterEach, beforeEach, it } from 'vitest';
import { type EmulatorProfileName, FrappeEmulator } from '../../../src/testing/index';
import { authorizeToCallback, OAUTH, postForm } from '../helpers/oauth-flow';

/**
 * The fixtures Frappe's own OAuth2 tests set up, on an emulator: the `test@example.com` user of
 * Frappe's User test records and the `test_client_id` OAuth Client of `test_oauth20.py`'s setUp
 * (Authorization Code, `all openid`, skip authorization, redirect `http://localhost`). The
 * Social Login Key those tests create points at the site itself, the emulator's default issuer.
 */
export const TEST_USER = { email: 'test@example.com', password: 'Eastern_43A1W' } as const;
export const TEST_CLIENT = {
  clientId: 'test_client_id',
  clientSecret: 'test_client_secret',
  redirectUri: 'http://localhost',
  scope: 'all openid',
} as const;

/** The `test_client_id` OAuth Client of `test_oauth20.py`, with the grant its test sets. */
function testClientRecord(responseType?: 'code' | 'token') {
  return {
    clientId: TEST_CLIENT.clientId,
    clientSecret: TEST_CLIENT.clientSecret,
    appName: '_Test OAuth Client',
    redirectUris: [TEST_CLIENT.redirectUri],
    scopes: ['all', 'openid'],
    skipAuthorization: true,
    ...(responseType ? { responseType } : {}),
  };
}

/** A fresh site per test, as Frappe's setUp inserts the client and tearDown rolls back. */
export function startFrappeTestSite(profile: EmulatorProfileName): Promise<FrappeEmulator> {
  return FrappeEmulator.start({
    profile,
    users: [
      { email: TEST_USER.email, password: TEST_USER.password, firstName: '_Test', roles: ['System Manager'] },
    ],
    clients: [testClientRecord()],
  });
}

/**
 * Registers, in the surrounding `describe`, a fresh {@link startFrappeTestSite} before each test
 * and its stop after; the returned function gives the current test's site.
 */
export function frappeTestSitePerTest(profile: EmulatorProfileName): () => FrappeEmulator {
  let site: FrappeEmulator | undefined;
  beforeEach(async () => {
    site = await startFrappeTestSite(profile);
  });
  afterEach(async () => {
    await site?.stop();
    site = undefined;
  });
  return () => {
    if (!site) throw new Error('the Frappe test site is only running inside a test');
    return site;
  };
}

/** A Frappe test that cannot be replayed over HTTP, and why. */
export interface NotPortableTest {
  test: string;
  reason: string;
}

/**
 * Listed, not run: each names the Frappe test and why it cannot be replayed over HTTP. These stay
 * skipped on purpose: a Frappe test that unit-tests a Python helper or patches an app hook has no
 * HTTP behaviour to replay, and the skip keeps it visible in the report (with its reason as the
 * test's title) so the replayed suite is known to be Frappe's whole file minus exactly these.
 */
export function listNotPortable(tests: readonly NotPortableTest[]): void {
  for (const { test, reason } of tests) it.skip(`${test}: not portable, ${reason}`, () => {});
}

/** `update_client_for_auth_code_grant` / the implicit variant: the same client, another grant. */
export function setClientGrant(site: FrappeEmulator, responseType: 'code' | 'token'): void {
  site.addClient(testClientRecord(responseType));
}

/**
 * Frappe's tests follow the authorize redirects until the browser would leave for
 * `http://localhost`, and read the code (or the implicit token) from that URL.
 */
export function authorizeRedirect(
  site: FrappeEmulator,
  cookie: string,
  params: Record<string, string | undefined>,
): Promise<URL> {
  return authorizeToCallback(site, cookie, {
    client_id: TEST_CLIENT.clientId,
    scope: TEST_CLIENT.scope,
    response_type: 'code',
    redirect_uri: TEST_CLIENT.redirectUri,
    ...params,
  });
}

export async function authorizationCode(
  site: FrappeEmulator,
  cookie: string,
  params: Record<string, string | undefined> = {},
): Promise<string> {
  const code = (await authorizeRedirect(site, cookie, params)).searchParams.get('code');
  if (!code) throw new Error('authorize gave no code');
  return code;
}

/** `POST get_token` with a form body, optionally with HTTP Basic client credentials. */
export function postToken(
  site: FrappeEmulator,
  fields: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return postForm(`${site.url}${OAUTH}.get_token`, fields, headers);
}

/** develop's `get_client_auth_headers`: `Basic base64(utf8(id:secret))`, not form-encoded. */
export function basicAuth(clientId: string, clientSecret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}` };
}

/** `check_valid_openid_response`: the bearer token in a header, true when openid_profile says 200. */
export async function checkValidOpenidResponse(site: FrappeEmulator, accessToken?: string): Promise<boolean> {
  const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  const response = await fetch(`${site.url}${OAUTH}.openid_profile`, { headers });
  return response.status === 200;
}

/** `decode_id_token`: HS256 with the client secret, audience the client, exp/iat/aud required. */
export async function decodeIdToken(idToken: unknown, clientSecret: string = TEST_CLIENT.clientSecret) {
  if (typeof idToken !== 'string') throw new Error('no id_token');
  const { payload } = await jwtVerify(idToken, new TextEncoder().encode(clientSecret), {
    algorithms: ['HS256'],
    audience: TEST_CLIENT.clientId,
    requiredClaims: ['exp', 'iat', 'aud'],
  });
  return payload;
}

/** The v13-era `login(session)`: `POST /api/method/login` with the test user; the `sid` cookie. */
export async function apiLogin(site: FrappeEmulator): Promise<string> {
  const response = await postForm(`${site.url}/api/method/login`, {
    usr: TEST_USER.email,
    pwd: TEST_USER.password,
  });
  const sid = response.headers
    .getSetCookie()
    .find((cookie) => cookie.startsWith('sid='))
    ?.split(';')[0];
  if (response.status !== 200 || !sid) throw new Error(`login failed: ${response.status}`);
  return sid;
}
