import { describe, expect, it } from 'vitest';
import {
  FrappeConfigurationError,
  FrappeNetworkError,
  FrappeOAuthClient,
  FrappeOAuthError,
  FrappeRateLimitError,
  FrappeServerError,
  type RegisterClientOptions,
} from '../src';
import type { FrappeEmulator } from '../src/testing';
import { countRequests, startSite, TEST_TRANSPORT, USERS } from './helpers/frappe-site';
import { auditError, auditSecret } from './helpers/secret-audit';
import { authorizeToCallback, login } from './testing/helpers/oauth-flow';

const REGISTER = '/api/method/frappe.integrations.oauth2.register_client';
const METADATA = '/.well-known/oauth-authorization-server';
const CALLBACK = 'https://shop.example.com/oauth/callback';

function registration(
  site: FrappeEmulator,
  overrides: Partial<RegisterClientOptions> = {},
): RegisterClientOptions {
  return {
    baseUrl: site.url,
    clientName: 'Acme Shop',
    redirectUris: [CALLBACK],
    transport: TEST_TRANSPORT,
    ...overrides,
  };
}

async function register(site: FrappeEmulator, overrides: Partial<RegisterClientOptions> = {}) {
  try {
    const registered = await FrappeOAuthClient.registerClient(registration(site, overrides));
    auditSecret(registered.clientSecret);
    return registered;
  } catch (error) {
    auditError(error);
    throw error;
  }
}

/** Signs alice in with a registered client: its consent page (registered clients never skip it), Allow, callback. */
async function signInWith(site: FrappeEmulator, client: FrappeOAuthClient) {
  const url = new URL(await client.getAuthorizationUrl());
  const cookie = await login(site, USERS.alice.email, USERS.alice.password);
  const callback = await authorizeToCallback(site, cookie, Object.fromEntries(url.searchParams));
  return client.handleCallback(callback.href);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('FrappeOAuthClient.registerClient', () => {
  for (const profile of ['v16', 'develop'] as const) {
    it(`registers a confidential client that completes the authorization-code flow (${profile})`, async () => {
      const site = await startSite(profile);
      const registered = await register(site);
      expect(registered.clientId).toMatch(/^\w+$/);
      expect(registered.clientSecret).toEqual(expect.any(String));
      expect(registered.scopes).toEqual(['all', 'openid']);
      expect(registered.redirectUris).toEqual([CALLBACK]);
      expect(site.getClient(registered.clientId)).toMatchObject({ scopes: ['all', 'openid'] });
      expect(countRequests(site, METADATA)).toBe(1);
      expect(countRequests(site, REGISTER)).toBe(1);

      const client = new FrappeOAuthClient({
        baseUrl: site.url,
        clientId: registered.clientId,
        clientSecret: registered.clientSecret,
        redirectUri: registered.redirectUris[0],
        transport: TEST_TRANSPORT,
      });
      try {
        const token = await signInWith(site, client);
        expect(token.user).toBe(USERS.alice.email);
        // The id_token was checked: `openid` was registered, so the token answer carried one.
        expect(token.id_token).toEqual(expect.any(String));
        expect((await client.getProfile()).email).toBe(USERS.alice.email);
      } finally {
        await client.close();
      }
    });
  }

  it('registers a public client (no secret) that signs in with PKCE alone', async () => {
    const site = await startSite('v16');
    const registered = await register(site, { tokenEndpointAuthMethod: 'none' });
    expect(registered.clientSecret).toBeUndefined();
    expect(registered.tokenEndpointAuthMethod).toBe('none');
    const client = new FrappeOAuthClient({
      baseUrl: site.url,
      clientId: registered.clientId,
      redirectUri: CALLBACK,
      transport: TEST_TRANSPORT,
    });
    try {
      expect((await signInWith(site, client)).user).toBe(USERS.alice.email);
    } finally {
      await client.close();
    }
  });

  it('sends the scopes asked for, space-separated', async () => {
    const site = await startSite('v16');
    const registered = await register(site, { scopes: ['all'] });
    expect(registered.scopes).toEqual(['all']);
    expect(site.getClient(registered.clientId)).toMatchObject({ scopes: ['all'] });
  });

  it("carries Frappe's refusal of a plain-http redirect URI outside developer mode, and succeeds in it", async () => {
    const site = await startSite('v16');
    const loopback = { redirectUris: ['http://127.0.0.1:8765/callback'] };
    const error = await rejectionOf(register(site, loopback));
    expect(error).toBeInstanceOf(FrappeOAuthError);
    expect(error).toMatchObject({
      status: 400,
      error: 'invalid_client_metadata',
      errorDescription: expect.stringContaining('redirect_uris must be https'),
    });
    site.resetRateLimits();
    site.setDeveloperMode(true);
    expect((await register(site, loopback)).redirectUris).toEqual(loopback.redirectUris);
  });

  it('gives FrappeRateLimitError, with Frappe’s text, for a second registration within 10 minutes', async () => {
    const site = await startSite('v16');
    await register(site);
    const error = await rejectionOf(register(site));
    expect(error).toBeInstanceOf(FrappeRateLimitError);
    expect((error as Error).message).toMatch(/rate limit/i);
    site.advanceClock(600);
    await expect(register(site)).resolves.toMatchObject({ clientId: expect.any(String) });
  });

  it('many registrations at once from one address: one client, the rest rate-limited, one aborted, nothing retried', async () => {
    const site = await startSite('v16');
    const aborted = new AbortController();
    aborted.abort();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) => register(site, index === 0 ? { signal: aborted.signal } : {})),
    );
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(FrappeNetworkError) });
    const rest = results.slice(1);
    expect(rest.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of rest.filter((item) => item.status === 'rejected')) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(FrappeRateLimitError);
    }
    // Seven POSTs reached the site (the aborted caller sent nothing), each once.
    expect(countRequests(site, REGISTER)).toBe(7);
  });

  it('never retries: a 502 or an answer lost after the write is one POST and a typed error', async () => {
    const site = await startSite('v16');
    site.injectFault(REGISTER, { kind: 'status', status: 502 }, { times: 1 });
    expect(await rejectionOf(register(site))).toBeInstanceOf(FrappeServerError);
    expect(countRequests(site, REGISTER)).toBe(1);
    site.resetRateLimits();
    site.injectFault(REGISTER, { kind: 'drop-after-write' }, { times: 1 });
    expect(await rejectionOf(register(site))).toBeInstanceOf(FrappeNetworkError);
    expect(countRequests(site, REGISTER)).toBe(2);
  });

  it('says the site has no registration before v16 (v14, v15), in two requests', async () => {
    for (const profile of ['v14', 'v15'] as const) {
      const site = await startSite(profile);
      const error = await rejectionOf(register(site));
      expect(error).toBeInstanceOf(FrappeConfigurationError);
      expect((error as Error).message).toMatch(/v16/);
      expect(site.requests().map((entry) => `${entry.path} ${entry.status}`)).toEqual([
        `${METADATA} 404`,
        `${REGISTER} 417`,
      ]);
    }
  });

  it.each([
    ['no options', undefined],
    ['a Desk URL', { baseUrl: 'https://erp.example.com/app' }],
    ['plain http to another host', { baseUrl: 'http://erp.example.com' }],
    ['no redirect URIs', { redirectUris: [] }],
    ['a relative redirect URI', { redirectUris: ['/callback'] }],
    ['a plain-http redirect URI off loopback', { redirectUris: ['http://shop.example.com/cb'] }],
    ['a redirect URI of another scheme', { redirectUris: ['ftp://shop.example.com/cb'] }],
    ['an empty name', { clientName: ' ' }],
    ['a scope with a space', { scopes: ['all openid'] }],
    ['no scopes', { scopes: [] }],
    ['client_secret_basic', { tokenEndpointAuthMethod: 'client_secret_basic' }],
    ['an unknown auth method', { tokenEndpointAuthMethod: 'private_key_jwt' }],
    ['a signal that is no AbortSignal', { signal: {} }],
    ['a negative timeout', { timeoutMs: -1 }],
  ])('refuses %s with FrappeConfigurationError, before sending anything', async (_label, overrides) => {
    const site = await startSite('v16');
    const options =
      overrides === undefined ? undefined : registration(site, overrides as Partial<RegisterClientOptions>);
    await expect(FrappeOAuthClient.registerClient(options as RegisterClientOptions)).rejects.toBeInstanceOf(
      FrappeConfigurationError,
    );
    expect(site.requests()).toEqual([]);
  });
});
