/**
 * Emulator quickstart: start an offline Frappe site, log in as a user through Frappe's OAuth2
 * authorization-code flow with PKCE (plain fetch, no SDK), list Customers with the access token,
 * see what an expired token gets, and stop.
 *
 *   npx tsx examples/emulator-quickstart.mts
 *
 * In your own project, import from 'frappe-oauth-client/testing' instead of the source path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { FrappeEmulator } from '../src/testing/index.js';

const REDIRECT_URI = 'http://127.0.0.1:8765/callback';
const AUTHORIZE = '/api/method/frappe.integrations.oauth2.authorize';
const GET_TOKEN = '/api/method/frappe.integrations.oauth2.get_token';

const site = await FrappeEmulator.start({
  profile: 'v15',
  users: [{ email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] }],
  clients: [
    {
      clientId: 'shop',
      clientSecret: 'shop-secret',
      scopes: ['all', 'openid'],
      redirectUris: [REDIRECT_URI],
      skipAuthorization: true,
    },
  ],
});
console.log(`emulated Frappe site (${site.profile}) at ${site.url}`);

try {
  // 1. Log in like a browser: POST /api/method/login gives a `sid` session cookie.
  const login = await fetch(`${site.url}/api/method/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ usr: 'alice@example.com', pwd: 'alice-pass' }),
  });
  const sid = login.headers
    .getSetCookie()
    .map((cookie) => /^sid=([^;]*)/.exec(cookie)?.[1])
    .find(Boolean);
  if (login.status !== 200 || !sid) throw new Error(`login failed: HTTP ${login.status}`);
  console.log('login:', login.status, await login.json());

  // 2. Authorize with PKCE (S256) and state. Frappe wants %20 between scopes, not `+`.
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const query = Object.entries({
    client_id: 'shop',
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'all openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');

  // With consent skipped, v14/v15 answer 302 → approve?… → 302 → redirect_uri?code=…&state=…
  // (develop redirects straight to redirect_uri). Follow the hops by hand, as a browser would.
  let url = `${site.url}${AUTHORIZE}?${query}`;
  for (let hop = 0; !url.startsWith(REDIRECT_URI); hop += 1) {
    if (hop === 5) throw new Error('too many redirects');
    const response = await fetch(url, { headers: { cookie: `sid=${sid}` }, redirect: 'manual' });
    const location = response.headers.get('location');
    if (!location) throw new Error(`authorize: HTTP ${response.status} ${await response.text()}`);
    console.log(`authorize hop ${hop + 1}: ${response.status} → ${location.split('?')[0]}`);
    url = new URL(location, url).toString();
  }
  const callback = new URL(url);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${url}`);

  // 3. Exchange the code. Client credentials go in the form body (client_secret_post).
  const tokenResponse = await fetch(`${site.url}${GET_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: 'shop',
      client_secret: 'shop-secret',
      code_verifier: verifier,
    }),
  });
  const token = (await tokenResponse.json()) as Record<string, unknown>;
  if (tokenResponse.status !== 200)
    throw new Error(`get_token: HTTP ${tokenResponse.status} ${JSON.stringify(token)}`);
  const accessToken = String(token.access_token);
  console.log('token:', {
    token_type: token.token_type,
    expires_in: token.expires_in,
    scope: token.scope,
    id_token: typeof token.id_token === 'string' ? `${token.id_token.slice(0, 16)}…` : undefined,
  });

  const bearer = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };

  // 4. Who am I? openid_profile answers with the claims at the top level (not under `message`).
  const profile = await fetch(`${site.url}/api/method/frappe.integrations.oauth2.openid_profile`, {
    headers: bearer,
  });
  console.log('openid_profile:', profile.status, await profile.json());

  // 5. List Customers: REST v1, `fields` and `filters` as JSON in the query, rows under `data`.
  const list = new URL('/api/resource/Customer', site.url);
  list.searchParams.set('fields', JSON.stringify(['name', 'customer_name', 'customer_group']));
  list.searchParams.set('order_by', 'name asc');
  list.searchParams.set('limit_page_length', '5');
  const customers = await fetch(list, { headers: bearer });
  const listed = (await customers.json()) as { data?: unknown[] };
  console.log('GET /api/resource/Customer:', customers.status);
  if (customers.status === 200) console.table(listed.data);
  else console.log(listed);

  // 6. Expire the token on the server: v15 answers 401 AuthenticationError (v14: 403 as Guest).
  site.expireToken(accessToken);
  const expired = await fetch(list, { headers: bearer });
  console.log('with an expired token:', expired.status, await expired.json());

  console.log('requests served:');
  for (const entry of site.requests()) console.log(`  ${entry.status} ${entry.method} ${entry.path}`);
} finally {
  await site.stop();
}
