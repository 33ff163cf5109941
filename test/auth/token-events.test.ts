import { createHash } from 'node:crypto';
import Keyv from 'keyv';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  AuthorizationRequiredError,
  type FrappeLogger,
  FrappeServerError,
  type TokenEvent,
  type TokenEventType,
} from '../../src';
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
  TOKEN_PATH,
  USERS,
} from '../helpers/frappe-site';
import { auditError, auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

/** Events about one particular token: they name it by fingerprint and give its expiry. */
const TOKEN_EVENT_TYPES: readonly TokenEventType[] = [
  'loaded',
  'validated',
  'stored',
  'refresh_started',
  'refreshed',
  'refresh_failed',
  'revoked',
];

function sha256Prefix(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8);
}

function recorder(): { events: TokenEvent[]; listener: (event: TokenEvent) => void } {
  const events: TokenEvent[] = [];
  return { events, listener: (event) => events.push(event) };
}

function ofType(events: TokenEvent[], type: TokenEventType): TokenEvent[] {
  return events.filter((event) => event.type === type);
}

function concurrently<T>(count: number, call: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, call));
}

/** Lets stray promise rejections surface before looking for them. */
function settle(ms = 100): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function secretsOf(site: FrappeEmulator): string[] {
  return site.issuedTokens().flatMap((issued) => [issued.accessToken, issued.refreshToken]);
}

describe.each(PROFILES)('token events on %s', (profile) => {
  it('carry the key the token was stored under, whichever client handled the callback', async () => {
    const site = await startSite(profile);
    const store = new Keyv();
    const alice = clientFor(site, { store, tokenKey: 'alice' });
    const bob = alice.withTokenKey('bob');
    const heardByAlice = recorder();
    const heardByBob = recorder();
    alice.on('token', heardByAlice.listener);
    bob.on('token', heardByBob.listener);

    // The authorization starts for bob, and its callback lands on alice.
    const callback = await approveInBrowser(site, await bob.getAuthorizationUrl(), USERS.bob.email);
    const token = await alice.handleCallback(callback);
    expect(token.user).toBe(USERS.bob.email);
    expect((await bob.getStoredToken())?.access_token).toBe(token.access_token);
    expect(await alice.getStoredToken()).toBeUndefined();

    const stored = ofType(heardByAlice.events, 'stored');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenKey).toBe('bob');
    expect(stored[0]?.fingerprint).toBe(sha256Prefix(token.access_token));
    expect(heardByAlice.events.every((event) => event.tokenKey === 'bob')).toBe(true);
    // bob's own listener hears it too: it is bob's token
    expect(ofType(heardByBob.events, 'stored').map((event) => event.tokenKey)).toEqual(['bob']);
    // and bob uses it at once, concurrently, with no further token request
    const tokens = await concurrently(20, () => bob.getAccessToken());
    expect(new Set(tokens)).toEqual(new Set([token.access_token]));
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    await rejectionOf(alice.getAccessToken(), AuthorizationRequiredError);
  });

  it('reach the root client for every key, a withTokenKey client for its own key only; off removes, once fires once', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const store = new Keyv();
    const alice = clientFor(site, { store, tokenKey: 'alice', clock: clock.now });
    const bob = alice.withTokenKey('bob');
    const carol = alice.withTokenKey('carol');
    const root = recorder();
    const bobs = recorder();
    alice.on('token', root.listener);
    bob.on('token', bobs.listener);

    await authorizeAs(alice, site, USERS.alice.email);
    await authorizeAs(bob, site, USERS.bob.email);
    await authorizeAs(carol, site, USERS.alice.email);
    expect(ofType(root.events, 'stored').map((event) => event.tokenKey)).toEqual(['alice', 'bob', 'carol']);
    expect(bobs.events.length).toBeGreaterThan(0);
    expect(bobs.events.every((event) => event.tokenKey === 'bob')).toBe(true);
    expect(ofType(bobs.events, 'stored')).toHaveLength(1);

    // One refresh for 20 concurrent callers of bob: one refreshed event, heard once by each listener.
    advanceTime(site, clock, 3600 + 5);
    const rootBefore = root.events.length;
    const bobsBefore = bobs.events.length;
    const tokens = await concurrently(20, () => bob.getAccessToken());
    expect(new Set(tokens).size).toBe(1);
    const rootNew = root.events.slice(rootBefore);
    const bobsNew = bobs.events.slice(bobsBefore);
    expect(ofType(rootNew, 'refreshed')).toHaveLength(1);
    expect(ofType(bobsNew, 'refreshed')).toHaveLength(1);
    expect(ofType(bobsNew, 'refreshed')[0]?.fingerprint).toBe(sha256Prefix(tokens[0] as string));
    expect(rootNew.every((event) => event.tokenKey === 'bob')).toBe(true);

    // carol's refresh reaches the root client, not bob's listener
    const bobsBeforeCarol = bobs.events.length;
    await concurrently(20, () => carol.getAccessToken());
    expect(ofType(root.events, 'refreshed').map((event) => event.tokenKey)).toEqual(['bob', 'carol']);
    expect(bobs.events.length).toBe(bobsBeforeCarol);

    // The same function on alice and on bob: alice.off removes alice's registration only.
    const shared = recorder();
    bob.on('token', shared.listener);
    alice.on('token', shared.listener);
    alice.off('token', shared.listener);
    alice.off('token', root.listener);
    const rootCount = root.events.length;
    await authorizeAs(carol, site, USERS.alice.email); // carol's key: only alice's registration would hear it
    await bob.logout();
    expect(root.events.length).toBe(rootCount);
    expect(shared.events.map((event) => event.type)).toEqual(['revoked', 'deleted']);
    expect(shared.events.every((event) => event.tokenKey === 'bob')).toBe(true);
    // bob's first listener is untouched by alice.off
    expect(ofType(bobs.events, 'deleted')).toHaveLength(1);

    // bob.off removes bob's; nothing more reaches it
    bob.off('token', shared.listener);
    bob.off('token', bobs.listener);
    const bobsCount = bobs.events.length;
    await authorizeAs(bob, site, USERS.bob.email);
    expect(bobs.events.length).toBe(bobsCount);
    expect(shared.events).toHaveLength(2);

    // once: on the root client for any key, on bob for bob's key; each fires exactly once
    const rootOnce = recorder();
    const bobOnce = recorder();
    const cancelled = recorder();
    alice.once('token', rootOnce.listener);
    bob.once('token', bobOnce.listener);
    bob.once('token', cancelled.listener);
    bob.off('token', cancelled.listener);
    await carol.logout(); // revoked + deleted for carol: bob's once listener hears neither
    expect(rootOnce.events.map((event) => [event.type, event.tokenKey])).toEqual([['revoked', 'carol']]);
    expect(bobOnce.events).toHaveLength(0);
    await bob.logout(); // revoked + deleted for bob
    expect(bobOnce.events.map((event) => [event.type, event.tokenKey])).toEqual([['revoked', 'bob']]);
    await authorizeAs(bob, site, USERS.bob.email);
    await alice.logout();
    expect(rootOnce.events).toHaveLength(1);
    expect(bobOnce.events).toHaveLength(1);
    expect(cancelled.events).toHaveLength(0);
    // a once listener that fired can be registered again, and fires again once
    bob.once('token', bobOnce.listener);
    await bob.logout();
    expect(bobOnce.events.map((event) => event.type)).toEqual(['revoked', 'revoked']);
  });
});

const THROWING_LOGGER: FrappeLogger = {
  debug: () => {
    throw new Error('logger down');
  },
  info: () => {
    throw new Error('logger down');
  },
  warn: () => {
    throw new Error('logger down');
  },
  error: () => {
    throw new Error('logger down');
  },
};

const REJECTING_LOGGER = {
  debug: async () => {
    throw new Error('logger down');
  },
  info: async () => {
    throw new Error('logger down');
  },
  warn: async () => {
    throw new Error('logger down');
  },
  error: async () => {
    throw new Error('logger down');
  },
} as unknown as FrappeLogger;

describe.each([
  ['a logger that throws', THROWING_LOGGER],
  ['a logger that rejects', REJECTING_LOGGER],
] as const)('with %s, a throwing listener and a rejecting listener', (_name, logger) => {
  it.each(PROFILES)('calls on %s are unaffected and no rejection goes unhandled', async (profile) => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const site = await startSite(profile);
      const clock = new ManualClock();
      const client = clientFor(site, { clock: clock.now, logger });
      const bob = client.withTokenKey('bob');
      const throwing = vi.fn(() => {
        throw new Error('listener broke');
      });
      // A plain async function: a vi.fn spy would attach handlers of its own to the promise.
      const rejected = { calls: 0 };
      const rejecting = async (): Promise<void> => {
        rejected.calls += 1;
        throw new Error('async listener broke');
      };
      // Registered before the recorder: a broken listener must not keep events from the next one.
      client.on('token', throwing);
      client.on('token', rejecting);
      bob.once('token', throwing);
      bob.once('token', rejecting);
      const heard = recorder();
      client.on('token', heard.listener);

      const first = await authorizeAs(client, site, USERS.alice.email);
      expect(await client.getAccessToken()).toBe(first.access_token);
      const bobToken = await authorizeAs(bob, site, USERS.bob.email);
      expect(await bob.getAccessToken()).toBe(bobToken.access_token);

      // a refresh after expiry with 20 concurrent callers
      advanceTime(site, clock, 3600 + 5);
      const tokens = await concurrently(20, () => client.getAccessToken());
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(first.access_token);
      expect(countRequests(site, TOKEN_PATH)).toBe(3); // two logins, one refresh

      // a refresh that fails: the callers get the refresh's own error, not a listener's
      advanceTime(site, clock, 3600 + 5);
      site.injectFault(/get_token$/, { kind: 'status', status: 503 }, { times: 3 });
      const settled = await Promise.allSettled(Array.from({ length: 20 }, () => client.getAccessToken()));
      for (const result of settled) {
        expect(result.status).toBe('rejected');
        if (result.status === 'rejected') {
          auditError(result.reason);
          expect(result.reason).toBeInstanceOf(FrappeServerError);
          expect((result.reason as FrappeServerError).status).toBe(503);
        }
      }
      expect(countRequests(site, TOKEN_PATH)).toBe(3 + 3); // one try and two retries, shared

      // the broken listeners were called, and every event still reached the recorder
      expect(throwing).toHaveBeenCalled();
      expect(throwing.mock.calls.length).toBe(heard.events.length + 1); // + bob's once
      expect(rejected.calls).toBe(heard.events.length + 1);
      for (const type of ['stored', 'refresh_started', 'refreshed', 'refresh_failed'] as const) {
        expect(ofType(heard.events, type).length, type).toBeGreaterThan(0);
      }
      expect(ofType(heard.events, 'refresh_failed')).toHaveLength(1);
      expect(ofType(heard.events, 'refresh_failed')[0]?.error?.name).toBe('FrappeServerError');

      await settle();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe.each(PROFILES)('what events carry on %s', (profile) => {
  it('never a token; a fingerprint (8 hex) and expiresAt for every event about a token', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const store = new Keyv();
    const client = clientFor(site, { store, clock: clock.now });
    const heard = recorder();
    client.on('token', heard.listener);

    // stored (login)
    const first = await authorizeAs(client, site, USERS.alice.email);
    // loaded + validated (a restarted client on the same store; its events reach its own listener)
    const restarted = clientFor(site, { store, clock: clock.now });
    restarted.on('token', heard.listener);
    await concurrently(20, () => restarted.getAccessToken());
    // refresh_started + refreshed
    advanceTime(site, clock, 3600 + 5);
    const refreshed = await concurrently(20, () => client.getAccessToken());
    // refresh_failed + authorization_required (the pair is revoked, so the refresh is refused)
    site.revokeToken(refreshed[0] as string);
    advanceTime(site, clock, 3600 + 5);
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => client.getAccessToken()));
    for (const result of settled) {
      expect(result.status).toBe('rejected');
      if (result.status === 'rejected') {
        auditError(result.reason);
        expect(result.reason).toBeInstanceOf(AuthorizationRequiredError);
      }
    }
    // revoked + deleted (a fresh login, then logout)
    const second = await authorizeAs(client, site, USERS.alice.email);
    await client.logout();

    const types = new Set(heard.events.map((event) => event.type));
    for (const type of [
      'stored',
      'loaded',
      'validated',
      'refresh_started',
      'refreshed',
      'refresh_failed',
      'authorization_required',
      'revoked',
      'deleted',
    ] as const) {
      expect(types.has(type), type).toBe(true);
    }

    const secrets = secretsOf(site);
    for (const token of [first, second]) {
      secrets.push(token.access_token);
      if (token.refresh_token) secrets.push(token.refresh_token);
      if (token.id_token) secrets.push(token.id_token);
    }
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    auditSecret(...secrets);
    const fingerprints = new Map(
      site.issuedTokens().map((issued) => [sha256Prefix(issued.accessToken), issued.expiresAt]),
    );
    for (const event of heard.events) {
      const json = JSON.stringify(event);
      for (const secret of secrets)
        expect(json.includes(secret), `${event.type} carries a token`).toBe(false);
      expect(event.tokenKey).toBe('default');
      if (TOKEN_EVENT_TYPES.includes(event.type)) {
        expect(event.fingerprint, event.type).toMatch(/^[0-9a-f]{8}$/);
        expect(fingerprints.has(event.fingerprint as string), `${event.type} names an issued token`).toBe(
          true,
        );
        expect(typeof event.expiresAt, event.type).toBe('number');
        expect(Number.isFinite(event.expiresAt)).toBe(true);
      }
    }
    // the fingerprint and expiry name the very token the event is about
    const storedEvent = ofType(heard.events, 'stored')[0];
    expect(storedEvent?.fingerprint).toBe(sha256Prefix(first.access_token));
    expect(storedEvent?.expiresAt).toBe(first.expires_at);
    const refreshedEvent = ofType(heard.events, 'refreshed')[0];
    expect(refreshedEvent?.fingerprint).toBe(sha256Prefix(refreshed[0] as string));
    expect(refreshedEvent?.expiresAt).toBeGreaterThan(first.expires_at);
    expect(ofType(heard.events, 'refreshed')).toHaveLength(1);
    expect(ofType(heard.events, 'refresh_failed')).toHaveLength(1);
  });
});
