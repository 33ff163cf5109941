// An ES module project tested with vitest: the package's ESM build against its emulator, a
// password sign-in, typed errors, and the client's own printout free of secrets.
import { inspect } from 'node:util';
import { FrappeNotFoundError, FrappeOAuthClient, isFrappeError } from 'frappe-oauth-client';
import { FrappeEmulator } from 'frappe-oauth-client/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';

const USER = { email: 'vitest@example.com', password: 'vitest-pass', roles: ['Sales User'] };
const CLIENT = {
  clientId: 'vitest-app',
  clientSecret: 'vitest-app-secret',
  scopes: ['all', 'openid'],
  redirectUris: [],
};

let site;
let client;

beforeAll(async () => {
  site = await FrappeEmulator.start({ profile: 'v15', port: 0, users: [USER], clients: [CLIENT] });
  client = new FrappeOAuthClient({
    baseUrl: site.url,
    clientId: CLIENT.clientId,
    clientSecret: CLIENT.clientSecret,
  });
});

afterAll(async () => {
  await client?.close();
  await site?.stop();
});

test('the ESM build is the one imported', () => {
  expect(import.meta.resolve('frappe-oauth-client')).toMatch(/\/dist\/index\.mjs$/);
});

test('signs in with a password and acts on documents', async () => {
  await client.loginWithPassword(USER.email, USER.password);
  const created = await client.insertDoc('Customer', { customer_name: 'Vitest Consumer Ltd' });
  expect(created.name).toBe('Vitest Consumer Ltd');
  const listed = await client.getList('Customer', {
    fields: ['name', 'customer_name'],
    filters: [['customer_name', '=', 'Vitest Consumer Ltd']],
  });
  expect(listed).toEqual([{ name: 'Vitest Consumer Ltd', customer_name: 'Vitest Consumer Ltd' }]);

  const error = await client.getDoc('Customer', 'No Such Customer').catch((caught) => caught);
  expect(error).toBeInstanceOf(FrappeNotFoundError);
  expect(isFrappeError(error)).toBe(true);
  expect(String(error)).toMatch(/^FrappeNotFoundError: /);
});

test('printing the client shows no secret or token', async () => {
  const { access_token, refresh_token } = await client.getStoredToken();
  const printed = [
    inspect(client, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(client),
  ];
  for (const text of printed) {
    expect(text).toContain(site.url);
    for (const secret of [CLIENT.clientSecret, USER.password, access_token, refresh_token]) {
      expect(text).not.toContain(secret);
    }
  }
});
