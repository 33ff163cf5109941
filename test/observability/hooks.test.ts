import { afterAll, describe, expect, it } from 'vitest';
import { FrappeInputError, FrappeNetworkError, type RequestEvent, type RetryEvent } from '../../src';
import { authorizeAs, CLIENT, clientFor, PROFILES, startSite, USERS } from '../helpers/frappe-site';
import { auditLine, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

const FAST_RETRY = { minDelayMs: 1, maxDelayMs: 2 };
const JANE = '/api/resource/Customer/Jane Doe';

function settle(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function signedIn(profile = 'v15' as (typeof PROFILES)[number], lines: string[] = []) {
  const site = await startSite(profile);
  const log = (line: string, fields?: unknown) => {
    const text = fields === undefined ? line : `${line} ${JSON.stringify(fields)}`;
    lines.push(text);
    auditLine(text);
  };
  const client = clientFor(site, {
    retry: FAST_RETRY,
    logger: { debug: log, info: log, warn: log, error: log },
  });
  await authorizeAs(client, site, USERS.alice.email);
  site.clearRequests();
  return { site, client };
}

describe.each(PROFILES)('request and retry hooks on %s', (profile) => {
  it('announce each HTTP request and each retry, in order, with what the site saw', async () => {
    const { site, client } = await signedIn(profile);
    const heard: Array<['request', RequestEvent] | ['retry', RetryEvent]> = [];
    client.on('request', (event) => heard.push(['request', event]));
    client.on('retry', (event) => heard.push(['retry', event]));
    site.injectFault(JANE, { kind: 'status', status: 502 });
    site.injectFault(JANE, { kind: 'rate-limit', retryAfterSeconds: 0 });
    site.injectFault(JANE, { kind: 'drop' });
    await client.getDoc('Customer', 'Jane Doe');

    expect(heard.map(([kind, event]) => [kind, event.attempt])).toEqual([
      ['request', 1],
      ['retry', 1],
      ['request', 2],
      ['retry', 2],
      ['request', 3],
      ['retry', 3],
      ['request', 4],
    ]);
    const requests = heard.filter(([kind]) => kind === 'request').map(([, event]) => event as RequestEvent);
    // The statuses the hooks saw are the site's own log (0 there: the connection was dropped).
    expect(requests.map((event) => event.status ?? 0)).toEqual(site.requests().map((entry) => entry.status));
    expect(requests[0]).toMatchObject({
      tokenKey: 'default',
      method: 'GET',
      route: '/api/resource/{doctype}/{name}',
      path: '/api/resource/Customer/Jane%20Doe',
      doctype: 'Customer',
      status: 502,
    });
    expect(requests[2]?.error).toMatchObject({ name: 'FrappeNetworkError' });
    for (const event of requests) expect(event.durationMs).toBeGreaterThanOrEqual(0);
    const retries = heard.filter(([kind]) => kind === 'retry').map(([, event]) => event as RetryEvent);
    expect(retries.map((event) => [event.reason, event.status, event.retryAfter])).toEqual([
      ['server_error', 502, false],
      ['rate_limited', 429, true],
      ['network', undefined, false],
    ]);
    expect(retries[1]?.delayMs).toBe(0);
    for (const event of retries) expect(event.delayMs).toBeLessThanOrEqual(FAST_RETRY.maxDelayMs);
  });

  it('announce the one repeat after a dead token is replaced', async () => {
    const { site, client } = await signedIn(profile);
    const requests: RequestEvent[] = [];
    client.on('request', (event) => requests.push(event));
    const token = await client.getAccessToken();
    site.expireToken(token);
    await client.getDoc('Customer', 'Jane Doe');
    // v14 answers a dead token with 403 (and the SDK asks openid_profile), later versions with 401.
    expect(requests.map((event) => [event.attempt, event.status])).toEqual([
      [1, profile === 'v14' ? 403 : 401],
      [2, 200],
    ]);
  });
});

describe('hook subscriptions', () => {
  it('a withTokenKey client hears its own key, the client built with new hears every key', async () => {
    const { site, client } = await signedIn();
    const bob = client.withTokenKey('bob');
    await authorizeAs(bob, site, USERS.bob.email);
    const all: string[] = [];
    const bobs: string[] = [];
    client.on('request', (event) => all.push(event.tokenKey));
    bob.on('request', (event) => bobs.push(event.tokenKey));
    await client.getList('Customer', { limit: 1 });
    await bob.getList('Item', { limit: 1 });
    expect(all).toEqual(['default', 'bob']);
    expect(bobs).toEqual(['bob']);
  });

  it('once hears one event, off stops a listener, and the same listener on two events is two listeners', async () => {
    const { client } = await signedIn();
    const once: number[] = [];
    const both: string[] = [];
    const listener = (event: { method: string }) => both.push(event.method);
    client.once('request', (event) => once.push(event.attempt));
    client.on('request', listener);
    client.on('retry', listener);
    await client.getList('Customer', { limit: 1 });
    client.off('request', listener);
    await client.getList('Customer', { limit: 1 });
    expect(once).toEqual([1]);
    expect(both).toEqual(['GET']);
  });

  it('a listener that throws or rejects is contained and logged; the call goes on', async () => {
    const lines: string[] = [];
    const { site, client } = await signedIn('v15', lines);
    client.on('request', () => {
      throw new Error('listener down');
    });
    client.on('retry', async () => {
      throw new Error('listener down');
    });
    const heard: number[] = [];
    client.on('request', (event) => heard.push(event.status ?? 0));
    site.injectFault(JANE, { kind: 'status', status: 503 });
    await expect(client.getDoc('Customer', 'Jane Doe')).resolves.toMatchObject({ name: 'Jane Doe' });
    await settle();
    expect(heard).toEqual([503, 200]);
    expect(lines.filter((line) => /a request event listener threw/.test(line))).toHaveLength(2);
    expect(lines.filter((line) => /a retry event listener rejected/.test(line))).toHaveLength(1);
  });

  it('scrub what a broken server echoes (the refresh token, the client secret) from retry payloads and lines', async () => {
    const lines: string[] = [];
    const { site, client } = await signedIn('v15', lines);
    const stored = await client.getStoredToken();
    const refreshToken = stored?.refresh_token ?? '';
    expect(refreshToken.length).toBeGreaterThan(8);
    const retries: RetryEvent[] = [];
    client.on('retry', (event) => retries.push(event));
    site.injectFault(JANE, {
      kind: 'status',
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({
        exc_type: 'ServiceUnavailable',
        exception: `frappe.exceptions.ServiceUnavailable: refresh ${refreshToken} and secret ${CLIENT.clientSecret}`,
        _server_messages: JSON.stringify([JSON.stringify({ message: `token ${refreshToken} rejected` })]),
      }),
    });
    await client.getDoc('Customer', 'Jane Doe');
    expect(retries).toHaveLength(1);
    const seen = `${JSON.stringify(retries)}\n${lines.join('\n')}`;
    expect(seen).not.toContain(refreshToken);
    expect(seen).not.toContain(CLIENT.clientSecret);
    expect(retries[0]?.error.message).toContain('[redacted]');
  });

  it('refuses an unknown event name or a listener that is not a function', async () => {
    const { client } = await signedIn();
    expect(() => client.on('response' as never, () => undefined)).toThrow(FrappeInputError);
    expect(() => client.on('request', 'not a function' as never)).toThrow(FrappeInputError);
  });

  it('an aborted call reports its request as failed, without a status', async () => {
    const { site, client } = await signedIn();
    const requests: RequestEvent[] = [];
    client.on('request', (event) => requests.push(event));
    site.injectFault(JANE, { kind: 'delay', ms: 2000 });
    await rejectionOf(client.getDoc('Customer', 'Jane Doe', { timeoutMs: 100 }), FrappeNetworkError);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.status).toBeUndefined();
    expect(requests[0]?.error).toMatchObject({ name: 'FrappeNetworkError', reason: 'timeout' });
  });
});
