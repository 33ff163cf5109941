import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuthorizationCallbackError,
  FrappeConfigurationError,
  FrappeInputError,
  FrappeOAuthClient,
} from '../src';
import { authorizeAs, clientFor, countRequests, startSite, USERS } from './helpers/frappe-site';
import { runNode } from './helpers/run-node';
import { expectNoSecretsLeaked, rejectionOf } from './helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

// vitest runs from the repository root.
const FIXTURE = join(process.cwd(), 'test/fixtures/client-without-close.mts');

describe('FrappeOAuthClient', () => {
  it('keeps no timer or socket that holds Node alive, even without close()', async () => {
    const site = await startSite('v15');
    const token = await authorizeAs(clientFor(site), site, USERS.alice.email);
    // The script's background refresh fails and waits 20 s before its retry when the script ends.
    site.injectFault(/get_token$/, { kind: 'status', status: 503 }, { times: 5 });
    const { code, stdout, killed } = await runNode(
      FIXTURE,
      { SITE_URL: site.url, TOKEN_JSON: JSON.stringify(token) },
      15_000,
    );
    expect(countRequests(site, 'get_token')).toBe(2);
    expect(killed).toBe(false);
    expect(stdout).toContain('done');
    expect(code).toBe(0);
  });

  it('withTokenKey validates its argument and shares the store', async () => {
    const site = await startSite('v15');
    const client = clientFor(site);
    expect(() => client.withTokenKey('')).toThrow(FrappeInputError);
    const other = client.withTokenKey('user-42');
    await authorizeAs(other, site, USERS.bob.email);
    expect(await client.getStoredToken()).toBeUndefined();
    expect((await other.getStoredToken())?.user).toBe(USERS.bob.email);
  });

  it('handleCallback rejects what is not a URL', async () => {
    const site = await startSite('v15');
    const client = clientFor(site);
    await rejectionOf(client.handleCallback(42 as never), FrappeInputError);
    await rejectionOf(client.handleCallback('::not a url::'), AuthorizationCallbackError);
  });

  it('setToken rejects what is not bearer-token JSON', async () => {
    const site = await startSite('v15');
    const client = clientFor(site);
    await rejectionOf(client.setToken('not json'), FrappeInputError);
    await rejectionOf(client.setToken({ token_type: 'Bearer' }), FrappeInputError);
  });

  it('discovers the issuer when asked, following the v14/v15 redirect', async () => {
    for (const profile of ['v15', 'develop'] as const) {
      const site = await startSite(profile, { issuer: 'https://erp.example.com' });
      const client = clientFor(site, { discovery: true });
      const token = await authorizeAs(client, site, USERS.alice.email);
      expect(token.user).toBe(USERS.alice.email);
      expect(countRequests(site, '/.well-known/openid-configuration')).toBe(1);
    }
  });

  it('a listener that throws does not break the lifecycle', async () => {
    const site = await startSite('v15');
    const client = clientFor(site);
    client.on('token', () => {
      throw new Error('listener bug');
    });
    const token = await authorizeAs(client, site, USERS.alice.email);
    expect(await client.getAccessToken()).toBe(token.access_token);
  });

  it('requires redirectUri only for the authorize flow', () => {
    const client = new FrappeOAuthClient({ baseUrl: 'https://erp.example.com', clientId: 'x' });
    expect(client.tokenKey).toBe('default');
    return expect(client.getAuthorizationUrl()).rejects.toBeInstanceOf(FrappeConfigurationError);
  });
});
