'use strict';
// A CommonJS project tested with Jest in its default configuration (no transform settings, no
// --forceExit): the SDK and its emulator load through Jest's own module loader, sign a user in
// through the authorization-code flow, write and read documents, and nothing keeps Node alive
// once the client is closed and the site stopped.
const { FrappeNotFoundError, FrappeOAuthClient, isFrappeError } = require('frappe-oauth-client');
const { FrappeEmulator } = require('frappe-oauth-client/testing');

const USER = { email: 'jest@example.com', password: 'jest-pass', roles: ['Sales User'] };
const CLIENT = {
  clientId: 'jest-app',
  clientSecret: 'jest-app-secret',
  scopes: ['all', 'openid'],
  redirectUris: ['http://127.0.0.1:8765/callback'],
  skipAuthorization: true,
};

let site;
let client;

beforeAll(async () => {
  site = await FrappeEmulator.start({ port: 0, users: [USER], clients: [CLIENT] });
  client = new FrappeOAuthClient({
    baseUrl: site.url,
    clientId: CLIENT.clientId,
    clientSecret: CLIENT.clientSecret,
    redirectUri: CLIENT.redirectUris[0],
  });
});

afterAll(async () => {
  await client?.close();
  await site?.stop();
});

/** A logged-in browser: follows the authorize redirects until Frappe sends it to the redirect URI. */
async function browserCallback(authorizationUrl) {
  const cookie = site.sessionCookie(USER.email);
  let url = authorizationUrl;
  for (let hop = 0; !url.startsWith(CLIENT.redirectUris[0]); hop += 1) {
    if (hop >= 5) throw new Error('too many redirects from the authorize endpoint');
    const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    const location = response.headers.get('location');
    if (!location) throw new Error(`${url} answered ${response.status} without a Location`);
    url = new URL(location, url).toString();
  }
  return url;
}

test('signs a user in and acts on documents through the emulator', async () => {
  const callbackUrl = await browserCallback(await client.getAuthorizationUrl());
  await client.handleCallback(callbackUrl);
  const accessToken = await client.getAccessToken();
  expect(site.issuedTokens().map((token) => token.accessToken)).toContain(accessToken);

  const created = await client.insertDoc('Customer', { customer_name: 'Jest Consumer Ltd' });
  expect(created.name).toBe('Jest Consumer Ltd');
  const read = await client.getDoc('Customer', 'Jest Consumer Ltd');
  expect(read.customer_name).toBe('Jest Consumer Ltd');
  const listed = await client.getList('Customer', {
    fields: ['name'],
    filters: { customer_name: 'Jest Consumer Ltd' },
  });
  expect(listed).toEqual([{ name: 'Jest Consumer Ltd' }]);
  expect(
    site.requests().some((entry) => entry.path === '/api/resource/Customer' && entry.status === 200),
  ).toBe(true);
});

test('a missing document rejects with the typed error, under its own class name', async () => {
  const error = await client.getDoc('Customer', 'No Such Customer').catch((caught) => caught);
  expect(error).toBeInstanceOf(FrappeNotFoundError);
  expect(isFrappeError(error)).toBe(true);
  expect(error.name).toBe('FrappeNotFoundError');
  expect(error.constructor.name).toBe('FrappeNotFoundError');
  expect(String(error)).toMatch(/^FrappeNotFoundError: /);
});
