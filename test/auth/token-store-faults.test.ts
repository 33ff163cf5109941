import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuthorizationRequiredError,
  FrappeNetworkError,
  type FrappeOAuthClient,
  type RefreshLock,
  type StoredToken,
  type TokenEvent,
  TokenStoreError,
} from '../../src';
import { InProcessRefreshLock } from '../../src/auth/refresh-lock';
import type { FrappeEmulator } from '../../src/testing';
import {
  advanceTime,
  approveInBrowser,
  authorizeAs,
  clientFor,
  countRequests,
  ManualClock,
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

const AUTHORIZE_PATH = 'frappe.integrations.oauth2.authorize';

/**
 * A Keyv storage adapter over a Map, with switches: `failSet` / `failGet` make those operations
 * throw, `hangGet` makes reads never answer. Keyv (with `throwOnErrors`) passes the throws on.
 */
class SwitchableAdapter {
  readonly data = new Map<string, unknown>();
  failSet = false;
  failGet = false;
  hangGet = false;
  setAttempts = 0;
  failedSets = 0;
  getCalls = 0;
  namespace?: string;

  async get(key: string): Promise<unknown> {
    this.getCalls += 1;
    if (this.hangGet) return new Promise(() => undefined);
    if (this.failGet) throw new Error('store read: connection lost');
    return this.data.get(key);
  }

  async set(key: string, value: unknown): Promise<boolean> {
    this.setAttempts += 1;
    if (this.failSet) {
      this.failedSets += 1;
      throw new Error('store write: connection lost');
    }
    this.data.set(key, value);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.data.delete(key);
  }

  async clear(): Promise<void> {
    this.data.clear();
  }
}

function switchableStore(): { adapter: SwitchableAdapter; keyv: Keyv } {
  const adapter = new SwitchableAdapter();
  const keyv = new Keyv({ store: adapter, throwOnErrors: true } as never);
  keyv.on('error', () => {});
  return { adapter, keyv };
}

/** The Keyv key under which the client stores the token of `tokenKey` (client `shop`). */
function storeKey(site: FrappeEmulator, tokenKey = 'default'): string {
  return `frappe-oauth-client:token:${encodeURIComponent(site.url)}:shop:${encodeURIComponent(tokenKey)}`;
}

async function storedValue(keyv: Keyv, site: FrappeEmulator, tokenKey = 'default'): Promise<StoredToken> {
  return (await keyv.get(storeKey(site, tokenKey))) as StoredToken;
}

function statusOf(site: FrappeEmulator, accessToken: string): string | undefined {
  return site.issuedTokens().find((entry) => entry.accessToken === accessToken)?.status;
}

function concurrently<T>(count: number, call: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, call));
}

/** Every one of `count` concurrent calls rejects; returns the reasons (recorded for the leak scan). */
async function allRejections(count: number, call: () => Promise<unknown>): Promise<unknown[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, call));
  const reasons: unknown[] = [];
  for (const result of settled) {
    expect(result.status).toBe('rejected');
    if (result.status === 'rejected') {
      auditError(result.reason);
      reasons.push(result.reason);
    }
  }
  return reasons;
}

interface Rig {
  site: FrappeEmulator;
  clock: ManualClock;
  adapter: SwitchableAdapter;
  keyv: Keyv;
  client: FrappeOAuthClient;
  events: TokenEvent[];
  first: StoredToken;
}

async function authorizedRig(profile: 'v14' | 'v15' | 'develop' = 'develop'): Promise<Rig> {
  const site = await startSite(profile);
  const clock = new ManualClock();
  const { adapter, keyv } = switchableStore();
  const client = clientFor(site, { store: keyv, clock: clock.now });
  const events: TokenEvent[] = [];
  client.on('token', (event) => events.push(event));
  const first = await authorizeAs(client, site, USERS.alice.email);
  return { site, clock, adapter, keyv, client, events, first };
}

describe('a rotated pair the store refuses (develop: a refresh revokes the previous pair)', () => {
  it('is used by all 20 concurrent callers, kept in memory while the store fails, and written once it works', async () => {
    const { site, clock, adapter, keyv, client, events, first } = await authorizedRig('develop');
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    adapter.failSet = true;
    advanceTime(site, clock, 3600 + 5);

    const tokens = await concurrently(20, () => client.getAccessToken());
    expect(new Set(tokens).size).toBe(1);
    const fresh = tokens[0];
    expect(fresh).not.toBe(first.access_token);
    expect(countRequests(site, TOKEN_PATH)).toBe(2); // the login and exactly one refresh
    expect(adapter.failedSets).toBeGreaterThan(0); // the write was tried and refused
    // The store still holds the old pair, which the site has revoked: the new one lives in memory only.
    expect((await storedValue(keyv, site)).access_token).toBe(first.access_token);
    expect(statusOf(site, first.access_token)).toBe('Revoked');
    expect(statusOf(site, fresh)).toBe('Active');
    expect(events.filter((event) => event.type === 'refreshed')).toHaveLength(1);

    // While the store keeps refusing, calls use the pending pair and ask for no new token.
    const failedBefore = adapter.failedSets;
    const again = await concurrently(20, () => client.getAccessToken());
    expect(new Set(again)).toEqual(new Set([fresh]));
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
    expect(adapter.failedSets).toBeGreaterThan(failedBefore); // each call tried to write it again
    expect((await storedValue(keyv, site)).access_token).toBe(first.access_token);
    // REST calls go out with it too
    const response = await client.request<{ message: string }>({
      url: '/api/method/frappe.auth.get_logged_user',
    });
    expect(response.data.message).toBe(USERS.alice.email);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);

    // The store works again: the next call writes the pending pair.
    adapter.failSet = false;
    const storedEventsBefore = events.filter((event) => event.type === 'stored').length;
    expect(await client.getAccessToken()).toBe(fresh);
    const stored = await storedValue(keyv, site);
    expect(stored.access_token).toBe(fresh);
    expect(stored.refresh_token).toBeDefined();
    expect(stored.refresh_token).not.toBe(first.refresh_token);
    expect(stored.user).toBe(USERS.alice.email);
    expect(events.filter((event) => event.type === 'stored')).toHaveLength(storedEventsBefore + 1);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);

    // A second, independent client (a lock of its own, like another process) finds it in the store.
    const authorizeBefore = countRequests(site, AUTHORIZE_PATH);
    const other = clientFor(site, { store: keyv, clock: clock.now, refreshLock: new InProcessRefreshLock() });
    const fromOther = await concurrently(20, () => other.getAccessToken());
    expect(new Set(fromOther)).toEqual(new Set([fresh]));
    expect(countRequests(site, TOKEN_PATH)).toBe(2); // no login, no extra refresh
    expect(countRequests(site, AUTHORIZE_PATH)).toBe(authorizeBefore);
    expect(statusesServed(site, TOKEN_PATH)).toEqual([200, 200]);
  });

  it('refreshes from the pending pair once that one expires too, and never drops the newest pair', async () => {
    const { site, clock, adapter, keyv, client, first } = await authorizedRig('develop');
    adapter.failSet = true;
    advanceTime(site, clock, 3600 + 5);
    const firstRound = await concurrently(20, () => client.getAccessToken());
    expect(new Set(firstRound).size).toBe(1);
    const pending = firstRound[0] as string;
    expect(pending).not.toBe(first.access_token);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);

    // The pending pair expires while the store still fails: its own refresh token refreshes it.
    advanceTime(site, clock, 3600 + 5);
    const second = await concurrently(20, () => client.getAccessToken());
    expect(new Set(second).size).toBe(1);
    const newest = second[0];
    expect(newest).not.toBe(pending);
    expect(newest).not.toBe(first.access_token);
    expect(countRequests(site, TOKEN_PATH)).toBe(3); // exactly one more token request
    expect(statusesServed(site, TOKEN_PATH)).toEqual([200, 200, 200]); // the pending refresh token was accepted
    expect(statusOf(site, pending)).toBe('Revoked');
    expect(statusOf(site, newest)).toBe('Active');
    expect((await storedValue(keyv, site)).access_token).toBe(first.access_token);

    // The pending pair was refreshed from another pending pair: what it replaces is the pair the
    // store still holds, so the write lands instead of being taken for a newer pair elsewhere.
    adapter.failSet = false;
    expect(await client.getAccessToken()).toBe(newest);
    expect((await storedValue(keyv, site)).access_token).toBe(newest);
    expect(countRequests(site, TOKEN_PATH)).toBe(3);
  });
});

describe('a rotated pair the store refused, with no further call', () => {
  it('is written in the background once the store answers again', async () => {
    const { site, clock, adapter, keyv, client, events, first } = await authorizedRig('develop');
    adapter.failSet = true;
    advanceTime(site, clock, 3600 + 5);
    const fresh = await client.getAccessToken();
    expect(fresh).not.toBe(first.access_token);
    expect((await storedValue(keyv, site)).access_token).toBe(first.access_token);
    adapter.failSet = false;
    // no call from here on: another process waiting for this pair gets it all the same
    for (let i = 0; i < 120 && (await storedValue(keyv, site)).access_token !== fresh; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await storedValue(keyv, site)).access_token).toBe(fresh);
    expect(events.filter((event) => event.type === 'stored').length).toBeGreaterThan(1);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
  }, 20_000);
});

describe.each(PROFILES)('a login whose store write fails on %s', (profile) => {
  it('handleCallback rejects with TokenStoreError and stores nothing', async () => {
    const site = await startSite(profile);
    const { adapter, keyv } = switchableStore();
    const client = clientFor(site, { store: keyv });
    const events: TokenEvent[] = [];
    client.on('token', (event) => events.push(event));
    // The pending authorization needs a working store; only the token write fails.
    const callback = await approveInBrowser(site, await client.getAuthorizationUrl(), USERS.alice.email);
    adapter.failSet = true;
    const error = await rejectionOf(client.handleCallback(callback), TokenStoreError);
    expect(error.reason).toBe('failed');
    expect(countRequests(site, TOKEN_PATH)).toBe(1); // the code was exchanged, the write failed
    expect(events.filter((event) => event.type === 'stored')).toHaveLength(0);
    adapter.failSet = false;
    expect(await keyv.get(storeKey(site))).toBeUndefined();
    expect(await client.getStoredToken()).toBeUndefined();
    // Nothing usable was kept in memory either: a person has to sign in again.
    await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
  });
});

describe('a password login whose store write fails on v15', () => {
  it('loginWithPassword rejects with TokenStoreError and stores nothing', async () => {
    const site = await startSite('v15');
    const { adapter, keyv } = switchableStore();
    const client = clientFor(site, { store: keyv });
    adapter.failSet = true;
    const errors = await allRejections(5, () =>
      client.loginWithPassword(USERS.alice.email, USERS.alice.password),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(TokenStoreError);
      expect((error as TokenStoreError).reason).toBe('failed');
    }
    expect(countRequests(site, TOKEN_PATH)).toBe(5);
    adapter.failSet = false;
    expect(await keyv.get(storeKey(site))).toBeUndefined();
    await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
    // once the store works, the same login succeeds
    const token = await client.loginWithPassword(USERS.alice.email, USERS.alice.password);
    expect((await storedValue(keyv, site)).access_token).toBe(token.access_token);
  });
});

describe('a store that does not answer', () => {
  it('fails getAccessToken with TokenStoreError reason timeout after storeTimeoutMs, never hangs', async () => {
    const site = await startSite('v15');
    const { adapter, keyv } = switchableStore();
    const client = clientFor(site, { store: keyv, storeTimeoutMs: 100 });
    const token = await authorizeAs(client, site, USERS.alice.email);
    expect(await client.getAccessToken()).toBe(token.access_token);
    adapter.hangGet = true;
    const before = site.requests().length;
    const errors = await allRejections(20, () => client.getAccessToken());
    for (const error of errors) {
      expect(error).toBeInstanceOf(TokenStoreError);
      expect((error as TokenStoreError).reason).toBe('timeout');
    }
    await rejectionOf(client.getStoredToken(), TokenStoreError);
    expect(site.requests().length).toBe(before);
    // the store answers again: so does the client
    adapter.hangGet = false;
    expect(await client.getAccessToken()).toBe(token.access_token);
  }, 5000);

  it('stops at the call deadline (timeoutMs 50) long before storeTimeoutMs 5000', async () => {
    const site = await startSite('v15');
    const { adapter, keyv } = switchableStore();
    const client = clientFor(site, { store: keyv, storeTimeoutMs: 5000 });
    await authorizeAs(client, site, USERS.alice.email);
    adapter.hangGet = true;
    // The store read is bounded by what is left of the call: it settles at the call deadline,
    // as a timeout, not after storeTimeoutMs (the vitest timeout of this test is below it).
    const errors = await allRejections(20, () => client.getAccessToken({ timeoutMs: 50 }));
    for (const error of errors) {
      expect([TokenStoreError, FrappeNetworkError].some((kind) => error instanceof kind)).toBe(true);
      expect((error as TokenStoreError | FrappeNetworkError).reason).toBe('timeout');
    }
    // Callers that abort stop waiting for the store at once.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const aborted = await allRejections(20, () => client.getAccessToken({ signal: controller.signal }));
    for (const error of aborted) {
      expect(error).toBeInstanceOf(FrappeNetworkError);
      expect((error as FrappeNetworkError).reason).toBe('aborted');
    }
  }, 3000);

  it('gives one error for a store read cut short by the call deadline: the call timed out (FrappeNetworkError)', async () => {
    const site = await startSite('v15');
    const { adapter, keyv } = switchableStore();
    const client = clientFor(site, { store: keyv, storeTimeoutMs: 5000 });
    await authorizeAs(client, site, USERS.alice.email);
    adapter.hangGet = true;
    const kinds = new Map<string, number>();
    for (let round = 0; round < 20; round++) {
      for (const error of await allRejections(20, () => client.getAccessToken({ timeoutMs: 50 }))) {
        const kind = `${(error as Error).name}:${(error as TokenStoreError).reason}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    // The call's deadline came before storeTimeoutMs: the call timed out, whatever the timers' order.
    expect(Object.fromEntries(kinds)).toEqual({ 'FrappeNetworkError:timeout': 400 });
  }, 5000);
});

describe.each(PROFILES)('a store whose get throws on %s', (profile) => {
  it('is TokenStoreError reason failed from getAccessToken, request() and getDoc, never AuthorizationRequiredError', async () => {
    const site = await startSite(profile);
    const { adapter, keyv } = switchableStore();
    const client = clientFor(site, { store: keyv });
    const token = await authorizeAs(client, site, USERS.alice.email);
    adapter.failGet = true;
    const before = site.requests().length;
    const calls: Array<() => Promise<unknown>> = [
      () => client.getAccessToken(),
      () => client.request({ url: '/api/method/frappe.auth.get_logged_user' }),
      () => client.getDoc('Customer', 'Anything'),
    ];
    for (const call of calls) {
      const errors = await allRejections(20, call);
      for (const error of errors) {
        expect(error).not.toBeInstanceOf(AuthorizationRequiredError);
        expect(error).toBeInstanceOf(TokenStoreError);
        expect((error as TokenStoreError).reason).toBe('failed');
      }
    }
    // nothing went out without a token, and nothing was retried against the site
    expect(site.requests().length).toBe(before);
    // A restarted client, with nothing in memory, says the same.
    const restarted = clientFor(site, { store: keyv });
    const error = await rejectionOf(restarted.getAccessToken(), TokenStoreError);
    expect(error.reason).toBe('failed');
    adapter.failGet = false;
    expect(await client.getAccessToken()).toBe(token.access_token);
  });
});

describe.each(PROFILES)('a refresh whose store re-read fails on %s', (profile) => {
  it('goes through the failure door: refresh_failed, and TokenStoreError for every waiting caller', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const { adapter, keyv } = switchableStore();
    // The store starts failing the moment the refresh holds its lease, so only its re-read fails.
    const inner = new InProcessRefreshLock();
    const lock: RefreshLock = {
      acquire: async (key, options) => {
        const lease = await inner.acquire(key, options);
        adapter.failGet = true;
        return lease;
      },
    };
    const client = clientFor(site, { store: keyv, clock: clock.now, refreshLock: lock });
    const events: TokenEvent[] = [];
    client.on('token', (event) => events.push(event));
    const first = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3600 + 5);
    const errors = await allRejections(20, () => client.getAccessToken());
    for (const error of errors) {
      expect(error).toBeInstanceOf(TokenStoreError);
      expect((error as TokenStoreError).reason).toBe('failed');
    }
    const failures = events.filter((event) => event.type === 'refresh_failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error?.name).toBe('TokenStoreError');
    expect(failures[0]?.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(events.some((event) => event.type === 'refresh_started')).toBe(false);
    expect(events.some((event) => event.type === 'authorization_required')).toBe(false);
    expect(countRequests(site, TOKEN_PATH)).toBe(1); // only the login: the refresh stopped before asking
    adapter.failGet = false;
    expect((await storedValue(keyv, site)).access_token).toBe(first.access_token);
  });
});
