import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuthorizationRequiredError,
  FrappeError,
  FrappeNetworkError,
  FrappePermissionError,
  FrappeServerError,
  type TokenEvent,
} from '../../src';
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
import { auditError, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

const WHO_AM_I = '/api/method/frappe.auth.get_logged_user';

/** Settles every promise and sorts the outcomes: values, and errors (recorded for the leak scan). */
async function outcomes<T>(promises: Promise<T>[]): Promise<{ values: T[]; errors: unknown[] }> {
  const settled = await Promise.allSettled(promises);
  const values: T[] = [];
  const errors: unknown[] = [];
  for (const result of settled) {
    if (result.status === 'fulfilled') values.push(result.value);
    else {
      auditError(result.reason);
      errors.push(result.reason);
    }
  }
  return { values, errors };
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not met in time');
}

describe.each(PROFILES)('a refresh belongs to no caller, on %s', (profile) => {
  it('a first caller that aborts fails alone: the refresh and every other caller go on', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now });
    const first = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3700);
    site.injectFault(/get_token$/, { kind: 'delay', ms: 300 });
    const controller = new AbortController();
    const impatient = client.getAccessToken({ signal: controller.signal });
    const hasty = client.getAccessToken({ timeoutMs: 60 });
    const patient = Array.from({ length: 10 }, () => client.getAccessToken());
    await waitFor(() => countRequests(site, TOKEN_PATH) === 2);
    controller.abort();

    const aborted = await rejectionOf(impatient, FrappeNetworkError);
    expect(aborted.reason).toBe('aborted');
    const timedOut = await rejectionOf(hasty, FrappeNetworkError);
    expect(timedOut.reason).toBe('timeout');
    const { values, errors } = await outcomes(patient);
    expect(errors).toEqual([]);
    expect(new Set(values).size).toBe(1);
    expect(values[0]).not.toBe(first.access_token);
    expect(countRequests(site, TOKEN_PATH)).toBe(2); // the login and the one refresh
    // the new pair was stored: the next call (and a restarted process) needs no sign-in
    expect((await client.getStoredToken())?.access_token).toBe(values[0]);
    expect(await client.getAccessToken()).toBe(values[0]);
    const restarted = clientFor(site, { clock: clock.now, store: new Keyv() });
    await restarted.setToken((await client.getStoredToken()) as object);
    expect(await restarted.getAccessToken()).toBe(values[0]);
  });

  it('a caller that aborts while the refresh runs in the background gets an aborted FrappeNetworkError', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    await authorizeAs(client, site, USERS.alice.email);
    const controller = new AbortController();
    controller.abort(new Error('a raw reason of the caller'));
    const error = await rejectionOf(client.getAccessToken({ signal: controller.signal }), FrappeNetworkError);
    expect(error.reason).toBe('aborted');
    expect(error).toBeInstanceOf(FrappeError);
  });
});

describe.each(PROFILES)('every refresh failure goes through one door, on %s', (profile) => {
  it('a refusal inside the margin: 20 callers get the still-valid token, at most 2 token requests', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const events: TokenEvent[] = [];
    const client = clientFor(site, { clock: clock.now });
    client.on('token', (event) => events.push(event));
    const first = await authorizeAs(client, site, USERS.alice.email);
    site.revokeToken(first.refresh_token as string);
    advanceTime(site, clock, 3600 - 30); // inside the margin, still valid by the stored expiry
    site.clearRequests();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set([first.access_token]));
    await waitFor(() => events.some((event) => event.type === 'refresh_failed'));
    const more = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(new Set(more)).toEqual(new Set([first.access_token]));
    expect(countRequests(site, TOKEN_PATH)).toBeGreaterThanOrEqual(1);
    expect(countRequests(site, TOKEN_PATH)).toBeLessThanOrEqual(2);
    expect(events.filter((event) => event.type === 'refresh_failed')).toHaveLength(1);
    // the stored value is kept
    expect((await client.getStoredToken())?.refresh_token).toBe(first.refresh_token);
  });

  it('a rotated client secret (invalid_client) is a refusal: one token request, cooldown, refresh_failed', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const store = new Keyv();
    await authorizeAs(clientFor(site, { store, clock: clock.now }), site, USERS.alice.email);
    // the site's admin rotated the secret; this process still has the old one
    const stale = clientFor(site, { store, clock: clock.now, clientSecret: 'the-old-secret' });
    const events: TokenEvent[] = [];
    stale.on('token', (event) => events.push(event));
    advanceTime(site, clock, 3700);
    const activeBefore = site.issuedTokens().filter((token) => token.status === 'Active').length;
    site.clearRequests();
    const first = await outcomes(Array.from({ length: 20 }, () => stale.getAccessToken()));
    expect(first.values).toEqual([]);
    expect(first.errors).toHaveLength(20);
    for (const error of first.errors) expect(error).toBeInstanceOf(AuthorizationRequiredError);
    const again = await outcomes(Array.from({ length: 20 }, () => stale.getAccessToken()));
    expect(again.errors).toHaveLength(20);
    for (const error of again.errors) expect(error).toBeInstanceOf(AuthorizationRequiredError);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    expect(events.filter((event) => event.type === 'refresh_failed')).toHaveLength(1);
    // v14/v15 do not authenticate the client on a refresh and issue a pair whose id_token this
    // process cannot verify: it is revoked rather than left live
    await waitFor(
      () => site.issuedTokens().filter((token) => token.status === 'Active').length === activeBefore,
    );
  });

  it('one REST call sends at most refreshRetry.retries + 1 token requests while the token endpoint fails', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const client = clientFor(site, {
      clock: clock.now,
      refreshRetry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
      retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 },
    });
    await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3700);
    site.injectFault(/get_token$/, { kind: 'status', status: 503 }, { times: 100 });
    site.clearRequests();
    await rejectionOf(client.getList('Customer'), FrappeServerError);
    expect(countRequests(site, TOKEN_PATH)).toBe(3);
    // an expired token's next caller starts one new refresh at once, cooldown or not
    await rejectionOf(client.getList('Customer'), FrappeServerError);
    expect(countRequests(site, TOKEN_PATH)).toBe(6);
    site.clearFaults();
    expect(await client.getList('Customer', { limit: 1 })).toHaveLength(1);
  });

  it('a refresh that keeps failing while the token is valid pauses background refreshes (cooldown)', async () => {
    const site = await startSite(profile);
    const clock = new ManualClock();
    const events: TokenEvent[] = [];
    const client = clientFor(site, { clock: clock.now, refreshCooldownSeconds: 30 });
    client.on('token', (event) => events.push(event));
    const first = await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3600 - 50);
    site.injectFault(/get_token$/, { kind: 'status', status: 503 }, { times: 100 });
    site.clearRequests();
    expect(await client.getAccessToken()).toBe(first.access_token);
    await waitFor(() => events.some((event) => event.type === 'refresh_failed'));
    const during = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(new Set(during)).toEqual(new Set([first.access_token]));
    expect(countRequests(site, TOKEN_PATH)).toBe(3); // one refresh: the try and its two retries
    advanceTime(site, clock, 31); // the cooldown is over: one more background refresh
    site.clearFaults();
    expect(await client.getAccessToken()).toBe(first.access_token);
    await waitFor(async () => (await client.getStoredToken())?.access_token !== first.access_token);
    expect(countRequests(site, TOKEN_PATH)).toBe(4);
  });
});

describe("v14's 403 under load", () => {
  it('concurrent 403s on a dead token share one probe and one refresh, and every call succeeds', async () => {
    const site = await startSite('v14');
    const client = clientFor(site);
    const first = await authorizeAs(client, site, USERS.alice.email);
    site.expireToken(first.access_token); // dead at the server; the stored expiry says it is valid
    site.clearRequests();
    const { values, errors } = await outcomes(
      Array.from({ length: 12 }, () => client.request<{ message: string }>({ url: WHO_AM_I })),
    );
    expect(errors).toEqual([]);
    expect(values.map((response) => response.data.message)).toEqual(Array(12).fill(USERS.alice.email));
    expect(countRequests(site, PROFILE_PATH)).toBe(1);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    // every call was retried exactly once: 12 first attempts with 403, 12 retries with 200
    const calls = site.requests().filter((entry) => entry.path.endsWith('get_logged_user'));
    expect(calls.map((entry) => entry.status).sort()).toEqual([
      ...Array(12).fill(200),
      ...Array(12).fill(403),
    ]);
  });

  it('concurrent genuine permission errors share one probe and never refresh', async () => {
    const site = await startSite('v14');
    const client = clientFor(site);
    await authorizeAs(client, site, USERS.bob.email); // Stock User: no access to Customer
    site.clearRequests();
    const { errors } = await outcomes(
      Array.from({ length: 12 }, () => client.request({ url: '/api/resource/Customer' })),
    );
    expect(errors).toHaveLength(12);
    for (const error of errors) expect(error).toBeInstanceOf(FrappePermissionError);
    expect(countRequests(site, PROFILE_PATH)).toBe(1);
    expect(countRequests(site, TOKEN_PATH)).toBe(0);
  });

  it('one caller aborting while the probe runs does not fail the others', async () => {
    const site = await startSite('v14');
    const client = clientFor(site);
    const first = await authorizeAs(client, site, USERS.alice.email);
    site.expireToken(first.access_token);
    site.injectFault(/openid_profile$/, { kind: 'delay', ms: 200 });
    const controller = new AbortController();
    const impatient = client.request({ url: WHO_AM_I, signal: controller.signal });
    const others = Array.from({ length: 6 }, () => client.request<{ message: string }>({ url: WHO_AM_I }));
    await waitFor(() => countRequests(site, PROFILE_PATH) === 1);
    controller.abort();
    expect((await rejectionOf(impatient, FrappeNetworkError)).reason).toBe('aborted');
    const { values, errors } = await outcomes(others);
    expect(errors).toEqual([]);
    expect(values).toHaveLength(6);
    expect(countRequests(site, TOKEN_PATH)).toBe(2);
  });
});

describe('refusals are final until someone signs in', () => {
  it('after a refusal, AuthorizationRequiredError with no token request; a new sign-in clears it', async () => {
    const site = await startSite('v15');
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now });
    const first = await authorizeAs(client, site, USERS.alice.email);
    site.revokeToken(first.refresh_token as string);
    advanceTime(site, clock, 3700);
    await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
    const sent = countRequests(site, TOKEN_PATH);
    await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
    expect(countRequests(site, TOKEN_PATH)).toBe(sent);
    expect((await client.getStoredToken())?.refresh_token).toBe(first.refresh_token);
    const next = await authorizeAs(client, site, USERS.alice.email);
    expect(await client.getAccessToken()).toBe(next.access_token);
  });
});
