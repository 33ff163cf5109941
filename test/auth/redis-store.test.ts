import { randomUUID } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TokenStoreError } from '../../src';
import {
  advanceTime,
  authorizeAs,
  clientFor,
  countRequests,
  ManualClock,
  PROFILE_PATH,
  startSite,
  TOKEN_PATH,
  USERS,
} from '../helpers/frappe-site';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

/**
 * The Redis store as users set it up for many processes: each "process" here has its own Keyv and
 * Redis connection. Needs Redis at 127.0.0.1:6379 (CI's .ci/run makes sure it runs).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `frappe-oauth-client-test-${randomUUID()}`;
const stores: Keyv[] = [];

function redisStore(url = REDIS_URL): Keyv {
  // Both flags, or keyv resolves undefined when Redis fails instead of rejecting.
  const adapter = new KeyvRedis(url, {
    throwOnConnectError: true,
    throwOnErrors: true,
    connectionTimeout: 500,
  });
  const store = new Keyv({ store: adapter, namespace, useKeyPrefix: false, throwOnErrors: true });
  store.on('error', () => undefined);
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(
    stores.splice(0).map(async (store) => {
      await store.clear().catch(() => undefined);
      await store.disconnect().catch(() => undefined);
    }),
  );
});

afterAll(() => {
  expectNoSecretsLeaked();
});

describe('tokens in Redis, shared by processes', () => {
  it('a second process resumes the token the first one stored, validating it once', async () => {
    const site = await startSite('v15');
    const first = clientFor(site, { store: redisStore() });
    const token = await authorizeAs(first, site, USERS.alice.email);
    const second = clientFor(site, { store: redisStore() });
    expect(await second.getAccessToken()).toBe(token.access_token);
    expect(countRequests(site, PROFILE_PATH)).toBe(1);
    expect((await second.getStoredToken())?.user).toBe(USERS.alice.email);
  });

  it("a refresh by one process is the other's next token, with no refresh of its own", async () => {
    const site = await startSite('develop'); // develop revokes the old pair on refresh
    const clock = new ManualClock();
    const a = clientFor(site, { store: redisStore(), clock: clock.now });
    const b = clientFor(site, { store: redisStore(), clock: clock.now });
    const token = await authorizeAs(a, site, USERS.alice.email);
    expect(await b.getAccessToken()).toBe(token.access_token);
    advanceTime(site, clock, 3700);
    const refreshed = await a.getAccessToken();
    expect(refreshed).not.toBe(token.access_token);
    // b still holds the old pair in memory; it re-reads the store before refreshing
    expect(await b.getAccessToken()).toBe(refreshed);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
    const response = await b.request<{ message: string }>({ url: '/api/method/frappe.auth.get_logged_user' });
    expect(response.data.message).toBe(USERS.alice.email);
  });

  it('handles the callback in another process than the one that built the authorize URL', async () => {
    const site = await startSite('v15');
    const starter = clientFor(site, { store: redisStore() });
    const url = await starter.getAuthorizationUrl();
    const finisher = clientFor(site, { store: redisStore() });
    const cookie = site.sessionCookie(USERS.bob.email);
    let next = url;
    while (!next.startsWith('http://127.0.0.1:8765/')) {
      const response = await fetch(next, { redirect: 'manual', headers: { cookie } });
      next = new URL(response.headers.get('location') ?? '', next).toString();
    }
    const token = await finisher.handleCallback(next);
    expect(token.user).toBe(USERS.bob.email);
  });

  it('reports Redis being unreachable as TokenStoreError wherever it surfaces', async () => {
    const site = await startSite('v15');
    const client = clientFor(site, { store: redisStore('redis://127.0.0.1:1') });
    await rejectionOf(client.getStoredToken(), TokenStoreError);
    // A failing store is transient: TokenStoreError, never "sign in again".
    await rejectionOf(client.getAccessToken(), TokenStoreError);
  });
});
