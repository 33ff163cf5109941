/**
 * A test suite for your own integration, on `frappe-oauth-client/testing`: the emulator plays your
 * Frappe site, in-process and offline. Copy it next to your code, swap `syncCustomerGroups` for
 * your own function, and run it with vitest. (In your project, import from 'frappe-oauth-client'
 * and 'frappe-oauth-client/testing' instead of the source paths.)
 */
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrappeOAuthClient } from '../src/index.js';
import { FrappeEmulator } from '../src/testing/index.js';

/** Your code under test: counts Customers per group, as your integration would. */
async function syncCustomerGroups(client: FrappeOAuthClient): Promise<Map<string, number>> {
  const groups = new Map<string, number>();
  for await (const customer of client.iterateList<{ customer_group: string }>('Customer', {
    fields: ['customer_group'],
    pageSize: 100,
  })) {
    groups.set(customer.customer_group, (groups.get(customer.customer_group) ?? 0) + 1);
  }
  return groups;
}

let site: FrappeEmulator;
let client: FrappeOAuthClient;

beforeAll(async () => {
  site = await FrappeEmulator.start({
    profile: 'v15', // 'v14' | 'v15' | 'v16' | 'develop'
    users: [{ email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] }],
    clients: [
      {
        clientId: 'shop',
        clientSecret: 'shop-secret',
        scopes: ['all', 'openid'],
        redirectUris: ['http://127.0.0.1:8765/callback'],
        skipAuthorization: true,
      },
    ],
  });
  client = new FrappeOAuthClient({
    baseUrl: site.url,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    redirectUri: 'http://127.0.0.1:8765/callback',
    store: new Keyv(),
    retry: { minDelayMs: 1, maxDelayMs: 5 }, // fast retries in tests
  });
  await client.loginWithPassword('alice@example.com', 'alice-pass');
});

afterAll(async () => {
  await client.close();
  await site.stop();
});

describe('my Customer group sync', () => {
  it('counts every Customer once', async () => {
    site.generateDocuments('Customer', 250);
    const groups = await syncCustomerGroups(client);
    const counted = [...groups.values()].reduce((sum, count) => sum + count, 0);
    expect(counted).toBe(site.documentCount('Customer'));
  });

  it('recovers from an expired token and a 502', async () => {
    const token = site.issuedTokens().at(-1);
    if (!token) throw new Error('no token was issued');
    site.expireToken(token.accessToken); // its access token expires on the server,
    site.injectFault('/api/resource/Customer', { kind: 'status', status: 502 }); // the next list call gets a 502,
    site.clearRequests();

    const groups = await syncCustomerGroups(client);

    expect([...groups.values()].reduce((sum, count) => sum + count, 0)).toBe(site.documentCount('Customer'));
    // what your code sent: the 502 and the 401 were retried, the token refreshed once
    expect(site.requests()).toContainEqual({ method: 'GET', path: '/api/resource/Customer', status: 502 });
    expect(site.requests()).toContainEqual({ method: 'GET', path: '/api/resource/Customer', status: 401 });
    const refreshes = site.requests().filter((entry) => entry.path.endsWith('oauth2.get_token'));
    expect(refreshes).toEqual([
      { method: 'POST', path: '/api/method/frappe.integrations.oauth2.get_token', status: 200 },
    ]);
  });

  it('sees a change another user made meanwhile', async () => {
    site.updateDocument('Customer', 'Generated Customer 000001', { customer_group: 'Government' });
    const groups = await syncCustomerGroups(client);
    expect(groups.get('Government')).toBeGreaterThanOrEqual(1);
  });
});
