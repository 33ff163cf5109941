import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { FrappeAuthenticationError, FrappeInputError, FrappePermissionError } from '../../src';
import {
  advanceTime,
  authorizeAs,
  clientFor,
  countRequests,
  ManualClock,
  PROFILE_PATH,
  PROFILES,
  startSite,
  TOKEN_PATH,
  USERS,
} from '../helpers/frappe-site';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

const WHO_AM_I = '/api/method/frappe.auth.get_logged_user';

describe.each(PROFILES)('401/403 rules on %s', (profile) => {
  it('attaches the token to REST calls', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    await authorizeAs(client, site, USERS.alice.email);
    const response = await client.request<{ message: string }>({ url: WHO_AM_I });
    expect(response.status).toBe(200);
    expect(response.data.message).toBe(USERS.alice.email);
  });

  it('refreshes once and retries once when the server says the token is dead', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    const first = await authorizeAs(client, site, USERS.alice.email);
    site.expireToken(first.access_token); // the stored expiry still says it is valid
    const response = await client.request<{ message: string }>({ url: WHO_AM_I });
    expect(response.data.message).toBe(USERS.alice.email);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
    // v14 answers the dead token with 403: one openid_profile probe told it from a permission error
    expect(countRequests(site, PROFILE_PATH)).toBe(profile === 'v14' ? 1 : 0);
    expect((await client.getStoredToken())?.access_token).not.toBe(first.access_token);
  });

  it('does not loop: a 401 that persists after one refresh is FrappeAuthenticationError', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    await authorizeAs(client, site, USERS.alice.email);
    const unauthorized = {
      kind: 'status',
      status: 401,
      body: '{"exc_type":"AuthenticationError"}',
      contentType: 'application/json',
    } as const;
    site.injectFault(WHO_AM_I, unauthorized, { times: 5 });
    const error = await rejectionOf(client.request({ url: WHO_AM_I }), FrappeAuthenticationError);
    expect(error.status).toBe(401);
    expect(countRequests(site, WHO_AM_I)).toBe(2);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
  });

  it('a 401 for a token another caller already replaced retries with the stored one, without a refresh', async () => {
    const site = await startSite(profile);
    const store = new Keyv();
    const clock = new ManualClock();
    const a = clientFor(site, { store, clock: clock.now });
    const b = clientFor(site, { store, clock: clock.now });
    const first = await authorizeAs(a, site, USERS.alice.email);
    expect(await b.getAccessToken()).toBe(first.access_token);
    // a replaces the token (on develop that revokes the old pair), then the old one dies
    await a.setToken({ ...(await a.getStoredToken()), expires_at: clock.now() / 1000 - 1 });
    const renewed = await a.getAccessToken();
    site.expireToken(first.access_token);
    const tokenRequests = countRequests(site, TOKEN_PATH);
    const response = await b.request<{ message: string }>({ url: WHO_AM_I, headers: {} });
    expect(response.data.message).toBe(USERS.alice.email);
    expect(countRequests(site, TOKEN_PATH)).toBe(tokenRequests);
    expect(renewed).not.toBe(first.access_token);
  });

  it('a genuine permission error is FrappePermissionError and never triggers a refresh', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    await authorizeAs(client, site, USERS.bob.email); // Stock User: no access to Customer
    const error = await rejectionOf(client.request({ url: '/api/resource/Customer' }), FrappePermissionError);
    expect(error.status).toBe(403);
    expect(error.excType).toBe('PermissionError');
    await rejectionOf(client.request({ url: '/api/resource/Customer' }), FrappePermissionError);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    // at most one openid_profile probe per token per 30 s
    expect(countRequests(site, PROFILE_PATH)).toBeLessThanOrEqual(1);
  });

  it('a 403 (or 401) after the stored expiry refreshes without a probe', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now });
    await authorizeAs(client, site, USERS.alice.email);
    // the token expires while the request is on its way: held at the server, then time moves on
    site.injectFault(WHO_AM_I, { kind: 'delay', ms: 300 });
    const pending = client.request<{ message: string }>({ url: WHO_AM_I });
    while (countRequests(site, WHO_AM_I) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    advanceTime(site, clock, 3700);
    const response = await pending;
    expect(response.data.message).toBe(USERS.alice.email);
    expect(countRequests(site, PROFILE_PATH)).toBe(0);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
  });
});

describe('request()', () => {
  it("never sends the site's token to another origin", async () => {
    const site = await startSite('v15');
    const other = await startSite('v15');
    const client = clientFor(site);
    await authorizeAs(client, site, USERS.alice.email);
    for (const config of [
      { url: `${other.url}/api/method/frappe.auth.get_logged_user` },
      { url: '//evil.example.com/api/method/ping' },
      { url: '/api/method/ping', baseURL: other.url },
    ]) {
      await rejectionOf(client.request(config), FrappeInputError);
    }
    expect(other.requests()).toEqual([]);
    const sameSite = await client.request<{ message: string }>({ url: `${site.url}/api/method/ping` });
    expect(sameSite.data.message).toBe('pong');
  });
});
