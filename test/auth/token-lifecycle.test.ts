import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuthorizationRequiredError,
  FrappeNetworkError,
  FrappeServerError,
  type StoredToken,
  type TokenEvent,
  TokenStoreError,
} from '../../src';
import { InProcessRefreshLock } from '../../src/auth/refresh-lock';
import {
  advanceTime,
  authorizeAs,
  clientFor,
  countRequests,
  ManualClock,
  PROFILE_PATH,
  PROFILES,
  startSite,
  statusesServed,
  TOKEN_PATH,
  USERS,
} from '../helpers/frappe-site';
import { auditError, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

const STORE_KEY_PREFIX = 'frappe-oauth-client:token:';

describe.each(PROFILES)('token lifecycle on %s', (profile) => {
  it('resumes after a restart: a new client on the same store validates once and needs no authorization', async () => {
    const site = await startSite(profile);
    const store = new Keyv();
    const token = await authorizeAs(clientFor(site, { store }), site, USERS.alice.email);
    const restarted = clientFor(site, { store });
    const events: TokenEvent[] = [];
    restarted.on('token', (event) => events.push(event));
    const [a, b, c] = await Promise.all([
      restarted.getAccessToken(),
      restarted.getAccessToken(),
      restarted.getAccessToken(),
    ]);
    expect([a, b, c]).toEqual([token.access_token, token.access_token, token.access_token]);
    await restarted.getAccessToken();
    expect(countRequests(site, PROFILE_PATH)).toBe(1);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    expect(events.map((event) => event.type)).toEqual(['loaded', 'validated']);
    expect(events[1]?.user).toBe(USERS.alice.email);
    expect(JSON.stringify(events)).not.toContain(token.access_token);
  });

  it('refreshes ahead of expiry without making callers wait, and persists before use', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const store = new Keyv();
    const client = clientFor(site, { store, clock: clock.now, refreshMarginSeconds: 60 });
    const first = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3600 - 30); // inside the margin, still valid
    const during = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    // callers got the current token at once; one refresh runs behind them
    expect(new Set(during)).toEqual(new Set([first.access_token]));
    await waitFor(async () => (await client.getStoredToken())?.access_token !== first.access_token);
    const refreshed = (await client.getStoredToken()) as StoredToken;
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
    expect(await client.getAccessToken()).toBe(refreshed.access_token);
    expect(refreshed.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.user).toBe(USERS.alice.email);
    expect(refreshed.expires_at).toBeGreaterThan(first.expires_at);
  });

  it('sends exactly one token request for 100 concurrent callers across the expiry edge', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now });
    const first = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3600 + 5); // expired: every caller must wait for the one refresh
    site.clearRequests();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => client.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first.access_token);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    expect((await client.getStoredToken())?.access_token).toBe(tokens[0]);
  });

  it('estimates the server clock from Date headers and refreshes early when the server runs ahead', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    const first = await authorizeAs(client, site, USERS.alice.email);
    site.advanceClock(3600 - 20); // only the server's clock moves
    // every answer from the site carries its Date header; a few that agree move the estimate
    // (one alone does not: a single wrong Date must move nothing)
    for (let i = 0; i < 5; i++) await client.request({ url: '/api/method/frappe.auth.get_logged_user' });
    const next = await client.getAccessToken();
    await waitFor(async () => (await client.getStoredToken())?.access_token !== first.access_token);
    expect([first.access_token, (await client.getStoredToken())?.access_token]).toContain(next);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
  });

  it('keeps the stored refresh token and the current access token when the token endpoint fails', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const events: TokenEvent[] = [];
    const client = clientFor(site, { clock: clock.now });
    client.on('token', (event) => events.push(event));
    const first = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3600 - 30);
    site.injectFault(/get_token$/, { kind: 'status', status: 503 }, { times: 3 });
    expect(await client.getAccessToken()).toBe(first.access_token);
    await waitFor(() => events.some((event) => event.type === 'refresh_failed'));
    expect(countRequests(site, TOKEN_PATH)).toBe(1 + 3); // the first try and two retries
    expect(await client.getStoredToken()).toEqual(first);
    // still valid: calls go out with it, and no new refresh during the cooldown
    expect(await client.getAccessToken()).toBe(first.access_token);
    expect(countRequests(site, TOKEN_PATH)).toBe(4);
    // once it has expired, callers wait for a refresh, which now works
    advanceTime(site, clock, 60);
    const next = await client.getAccessToken();
    expect(next).not.toBe(first.access_token);
  });

  it('gives FrappeServerError / FrappeNetworkError once the token has expired and refresh keeps failing', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now });
    const first = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3700);
    site.injectFault(/get_token$/, { kind: 'status', status: 502 }, { times: 3 });
    const serverError = await rejectionOf(client.getAccessToken(), FrappeServerError);
    expect(serverError.status).toBe(502);
    expect(serverError.message).not.toMatch(/<html/i);
    site.injectFault(/get_token$/, { kind: 'drop' }, { times: 3 });
    await rejectionOf(client.getAccessToken(), FrappeNetworkError);
    expect((await client.getStoredToken())?.refresh_token).toBe(first.refresh_token);
  });

  it('turns a refused refresh token into AuthorizationRequiredError and keeps the stored token', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now });
    const first = await authorizeAs(client, site, USERS.alice.email);
    site.revokeToken(first.access_token); // revoking the access token revokes the whole pair
    advanceTime(site, clock, 3700);
    const error = await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
    expect(error.cause).toBeDefined();
    expect(error.authorizationUrl).toMatch(/frappe\.integrations\.oauth2\.authorize\?/);
    expect(await client.getStoredToken()).toEqual(first);
    // the refusal is remembered: no more token requests for that refresh token
    const before = countRequests(site, TOKEN_PATH);
    await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
    expect(countRequests(site, TOKEN_PATH)).toBe(before);
  });

  it('refreshes a loaded token the server has revoked, and asks for authorization when that fails too', async () => {
    const site = await startSite(profile);
    const store = new Keyv();
    const first = await authorizeAs(clientFor(site, { store }), site, USERS.alice.email);
    site.revokeToken(first.access_token);
    const restarted = clientFor(site, { store });
    await rejectionOf(restarted.getAccessToken(), AuthorizationRequiredError);
    expect(countRequests(site, PROFILE_PATH)).toBe(1);
  });

  it('reports a corrupt stored value as TokenStoreError, asks for authorization, and leaves it untouched', async () => {
    const site = await startSite(profile);
    const store = new Keyv();
    const client = clientFor(site, { store });
    const key = `${STORE_KEY_PREFIX}${encodeURIComponent(site.url)}:shop:default`;
    await store.set(key, { access_token: 42, note: 'not a token' });
    await rejectionOf(client.getStoredToken(), TokenStoreError);
    // A value that is not a token needs a person to sign in again (which replaces it).
    const required = await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
    expect(required.cause).toBeInstanceOf(TokenStoreError);
    expect(await store.get(key)).toEqual({ access_token: 42, note: 'not a token' });
    // an explicit login replaces it
    const token = await authorizeAs(client, site, USERS.alice.email);
    expect(await client.getAccessToken()).toBe(token.access_token);
  });

  it('serves two users from one store with withTokenKey', async () => {
    const site = await startSite(profile);
    const store = new Keyv();
    const alice = clientFor(site, { store, tokenKey: 'alice' });
    const bob = alice.withTokenKey('bob');
    await authorizeAs(alice, site, USERS.alice.email);
    await authorizeAs(bob, site, USERS.bob.email);
    expect((await alice.getProfile()).email).toBe(USERS.alice.email);
    expect((await bob.getProfile()).email).toBe(USERS.bob.email);
    expect(await alice.getAccessToken()).not.toBe(await bob.getAccessToken());
    expect(bob.tokenKey).toBe('bob');
    // a restarted process finds both
    const again = clientFor(site, { store, tokenKey: 'bob' });
    expect((await again.getStoredToken())?.user).toBe(USERS.bob.email);
  });

  it('imports a token without expires_at: validates it and gives it a conservative expiry', async () => {
    const site = await startSite(profile);
    const source = clientFor(site);
    const original = await authorizeAs(source, site, USERS.bob.email);
    const { expires_at: _dropped, user: _user, obtained_at: _obtained, ...frappeJson } = original;
    const client = clientFor(site, { importedTokenLifetimeSeconds: 300 });
    site.clearRequests();
    const imported = await client.setToken(JSON.stringify(frappeJson));
    expect(countRequests(site, PROFILE_PATH)).toBe(1);
    expect(imported.user).toBe(USERS.bob.email);
    const now = Date.now() / 1000;
    expect(imported.expires_at).toBeGreaterThan(now + 200);
    expect(imported.expires_at).toBeLessThan(now + 400);
    expect(await client.getAccessToken()).toBe(original.access_token);
    expect(countRequests(site, PROFILE_PATH)).toBe(1);
  });

  it('refuses a refresh that yields another user, storing nothing', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now });
    const alice = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3700);
    const bobToken = await authorizeAs(clientFor(site), site, USERS.bob.email);
    const { expires_at: _a, user: _u, obtained_at: _o, id_token: _i, ...bobJson } = bobToken;
    site.injectFault(/get_token$/, {
      kind: 'status',
      status: 200,
      body: JSON.stringify(bobJson),
      contentType: 'application/json',
    });
    await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
    expect(await client.getStoredToken()).toEqual(alice);
  });

  it('logs out: revokes the pair at Frappe with client_id, then forgets the token', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    const token = await authorizeAs(client, site, USERS.alice.email);
    await client.logout();
    expect(await client.getStoredToken()).toBeUndefined();
    const issued = site.issuedTokens().find((entry) => entry.accessToken === token.access_token);
    expect(issued?.status).toBe('Revoked');
    await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
  });

  it('revokes the superseded pair after a refresh when asked to', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now, revokeSupersededTokens: true });
    const first = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3700);
    await client.getAccessToken();
    await waitFor(
      () =>
        site.issuedTokens().find((entry) => entry.accessToken === first.access_token)?.status === 'Revoked',
    );
    expect(site.issuedTokens().at(-1)?.status).toBe('Active');
  });
});

describe('store failures', () => {
  it('reports a failing store as TokenStoreError without a crash from inside', async () => {
    const site = await startSite('v15');
    const broken = new Keyv({
      store: {
        get: async () => {
          throw new Error('connection lost');
        },
        set: async () => {
          throw new Error('connection lost');
        },
        delete: async () => true,
        clear: async () => undefined,
      },
      throwOnErrors: true,
    } as never);
    broken.on('error', () => undefined);
    const client = clientFor(site, { store: broken });
    await rejectionOf(client.getStoredToken(), TokenStoreError);
    // A failing store is transient: TokenStoreError, never "sign in again".
    await rejectionOf(client.getAccessToken(), TokenStoreError);
  });
});

describe('abort and timeout', () => {
  it('honours an AbortSignal and the timeout on every request', async () => {
    const site = await startSite('v15');
    const client = clientFor(site, { timeoutMs: 200, retry: { retries: 0 } });
    await authorizeAs(client, site, USERS.alice.email);
    site.injectFault(/get_logged_user$/, { kind: 'delay', ms: 2000 });
    const timedOut = await rejectionOf(
      client.request({ url: '/api/method/frappe.auth.get_logged_user' }),
      FrappeNetworkError,
    );
    expect(timedOut.reason).toBe('timeout');
    const controller = new AbortController();
    controller.abort();
    const aborted = await rejectionOf(
      client.request({ url: '/api/method/frappe.auth.get_logged_user', signal: controller.signal }),
      FrappeNetworkError,
    );
    expect(aborted.reason).toBe('aborted');
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const error = new Error('condition not met in time');
      auditError(error);
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('two processes sharing a store on develop', () => {
  it('the one whose refresh is refused because the other refreshed first uses the stored token', async () => {
    const site = await startSite('develop');
    const clock = new ManualClock();
    const store = new Keyv();
    // Two clients with locks of their own share the store but nothing else, like two processes.
    const a = clientFor(site, { store, clock: clock.now, refreshLock: new InProcessRefreshLock() });
    const b = clientFor(site, { store, clock: clock.now, refreshLock: new InProcessRefreshLock() });
    await authorizeAs(a, site, USERS.alice.email);
    expect(await b.getAccessToken()).toBe(await a.getAccessToken());
    advanceTime(site, clock, 3700);
    const tokens = await Promise.all([
      ...Array.from({ length: 10 }, () => a.getAccessToken()),
      ...Array.from({ length: 10 }, () => b.getAccessToken()),
    ]);
    const stored = await a.getStoredToken();
    expect(new Set(tokens)).toEqual(new Set([stored?.access_token]));
    expect(site.issuedTokens().find((entry) => entry.accessToken === stored?.access_token)?.status).toBe(
      'Active',
    );
    // both refreshed with the same refresh token; the second was refused (develop revoked it: the
    // masked 403 of a refresh-token miss) and recovered
    expect(statusesServed(site, TOKEN_PATH)).toEqual([200, 200, 403]);
  });

  it('two clients of one process on one store share the default lock: one refresh, no refusal', async () => {
    const site = await startSite('develop');
    const clock = new ManualClock();
    const store = new Keyv();
    const a = clientFor(site, { store, clock: clock.now });
    const b = clientFor(site, { store, clock: clock.now });
    await authorizeAs(a, site, USERS.alice.email);
    expect(await b.getAccessToken()).toBe(await a.getAccessToken());
    advanceTime(site, clock, 3700);
    const tokens = await Promise.all([
      ...Array.from({ length: 10 }, () => a.getAccessToken()),
      ...Array.from({ length: 10 }, () => b.getAccessToken()),
    ]);
    expect(new Set(tokens)).toEqual(new Set([(await a.getStoredToken())?.access_token]));
    // the login, then one refresh: b waited for a's lease and found a's pair in the store
    expect(statusesServed(site, TOKEN_PATH)).toEqual([200, 200]);
  });
});
