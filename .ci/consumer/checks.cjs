'use strict';
// Run-time checks shared by smoke.cjs (require) and smoke.mjs (import): the expected exports exist,
// the emulator serves requests, and, once EXPECTED_MAIN_EXPORTS lists FrappeOAuthClient, a whole
// authorize → callback → getAccessToken flow against it works (this is what exercises the
// dependencies as built: keyv's default import, and the bundled openid-client, jose and p-retry).
const assert = require('node:assert/strict');
const path = require('node:path');

const words = (text) => (text ?? '').split(/\s+/).filter(Boolean);
const EXPECTED_MAIN_EXPORTS = words(process.env.EXPECTED_MAIN_EXPORTS);
const EXPECTED_TESTING_EXPORTS = words(process.env.EXPECTED_TESTING_EXPORTS);

const USER = { email: 'smoke@example.com', password: 'smoke-pass', roles: ['Sales User'] };
const CLIENT = {
  clientId: 'smoke',
  clientSecret: 'smoke12345',
  scopes: ['all', 'openid'],
  redirectUris: ['http://127.0.0.1:8765/callback'],
  skipAuthorization: true,
};

/**
 * @param {{ label: string, main: Record<string, unknown>, testing: Record<string, any>,
 *           resolved: string[], extension: string }} options
 */
async function runChecks({ label, main, testing, resolved, extension }) {
  for (const file of resolved) {
    const name = file.startsWith('file:') ? new URL(file).pathname : file;
    assert.equal(path.extname(name), extension, `${label}: resolved ${name}, expected a ${extension} file`);
  }
  for (const name of EXPECTED_MAIN_EXPORTS) {
    assert.notEqual(main[name], undefined, `${label}: frappe-oauth-client has no export ${name}`);
  }
  for (const name of EXPECTED_TESTING_EXPORTS) {
    assert.notEqual(testing[name], undefined, `${label}: frappe-oauth-client/testing has no export ${name}`);
  }

  const { FrappeEmulator } = testing;
  assert.equal(typeof FrappeEmulator, 'function', `${label}: FrappeEmulator is not a class`);
  assert.equal(typeof FrappeEmulator.start, 'function', `${label}: FrappeEmulator.start is missing`);
  const site = await FrappeEmulator.start({ port: 0, users: [USER], clients: [CLIENT] });
  try {
    assert.match(site.url, /^http:\/\/127\.0\.0\.1:\d+$/, `${label}: site.url`);
    const response = await fetch(`${site.url}/api/method/ping`);
    assert.equal(response.status, 200, `${label}: GET /api/method/ping status`);
    assert.deepEqual(await response.json(), { message: 'pong' }, `${label}: GET /api/method/ping body`);
    assert.ok(
      site.requests().some((entry) => entry.path === '/api/method/ping' && entry.status === 200),
      `${label}: site.requests() does not list the ping`,
    );

    if (main.FrappeOAuthClient !== undefined) {
      assert.equal(typeof main.FrappeOAuthClient, 'function', `${label}: FrappeOAuthClient is not a class`);
      // Listed in EXPECTED_MAIN_EXPORTS: the whole flow. Merely present: construct it and build an
      // authorize URL (still runs keyv's and openid-client's code through the built output).
      await clientFlow(
        label,
        main.FrappeOAuthClient,
        site,
        EXPECTED_MAIN_EXPORTS.includes('FrappeOAuthClient'),
      );
    }
  } finally {
    await site.stop();
  }
  console.log(`${label}: ok (main exports checked: ${EXPECTED_MAIN_EXPORTS.join(', ') || 'none yet'})`);
}

async function clientFlow(label, FrappeOAuthClient, site, wholeFlow) {
  const redirectUri = CLIENT.redirectUris[0];
  const client = new FrappeOAuthClient({
    baseUrl: site.url,
    clientId: CLIENT.clientId,
    clientSecret: CLIENT.clientSecret,
    redirectUri,
  });
  try {
    const authorizationUrl = String(await client.getAuthorizationUrl());
    assert.ok(
      authorizationUrl.startsWith(`${site.url}/api/method/frappe.integrations.oauth2.authorize?`),
      `${label}: getAuthorizationUrl() gave ${authorizationUrl}`,
    );
    if (!wholeFlow) return;
    // A logged-in browser: follow the redirects until Frappe sends it to the redirect URI.
    const cookie = site.sessionCookie(USER.email);
    let url = authorizationUrl;
    for (let hop = 0; !url.startsWith(redirectUri); hop += 1) {
      assert.ok(hop < 5, `${label}: too many redirects from the authorize endpoint`);
      const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
      const location = response.headers.get('location');
      assert.ok(location, `${label}: ${url} answered ${response.status} without a Location`);
      url = new URL(location, url).toString();
    }
    await client.handleCallback(url);
    const accessToken = await client.getAccessToken();
    assert.equal(typeof accessToken, 'string', `${label}: getAccessToken() did not give a string`);
    assert.ok(
      site.issuedTokens().some((token) => token.accessToken === accessToken),
      `${label}: getAccessToken() gave a token the emulator never issued`,
    );
  } finally {
    if (typeof client.close === 'function') await client.close();
  }
}

module.exports = { runChecks };
