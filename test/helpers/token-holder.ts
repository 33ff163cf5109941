import { afterEach } from 'vitest';
import { FrappeOAuthClient, type FrappeOAuthClientOptions, type StoredToken } from '../../src';
import { TEST_TRANSPORT } from './frappe-site';

const holders: FrappeOAuthClient[] = [];

afterEach(async () => {
  await Promise.all(holders.splice(0).map((client) => client.close()));
});

/**
 * A client for a scripted server (see hostile-server.ts) that already holds a token: by default one
 * valid until 2100 and without `openid` in its scope, so no openid_profile or token request reaches
 * the server, only the calls a test makes. No retries unless the test asks for them. Closed after
 * each test.
 */
export async function clientHolding(
  baseUrl: string,
  token: Partial<StoredToken> & { access_token: string },
  options: Partial<FrappeOAuthClientOptions> = {},
): Promise<FrappeOAuthClient> {
  const client = new FrappeOAuthClient({
    baseUrl,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    scopes: ['all'],
    retry: { retries: 0 },
    transport: TEST_TRANSPORT,
    ...options,
  });
  holders.push(client);
  await client.setToken({ token_type: 'Bearer', expires_at: 4102444800, scope: 'all', ...token });
  return client;
}
