import { afterAll, describe, expect, it } from 'vitest';
import type { FrappeOAuthClient } from '../../src';
import { ClockSkew } from '../../src/transport/clock-skew';
import { startHostileServer } from '../helpers/hostile-server';
import { auditSecret, expectNoSecretsLeaked } from '../helpers/secret-audit';
import { clientHolding } from '../helpers/token-holder';

const local = 1_800_000_000_000;
const TWO_HOURS = 2 * 3600 * 1000;

/** One response whose Date is `offsetMs` from local time, the exchange 100 ms long. */
function answer(skew: ClockSkew, offsetMs: number): void {
  skew.observe(new Date(local + offsetMs).toUTCString(), local - 50, local + 50);
}

describe('ClockSkew is a robust estimate over recent responses', () => {
  it('one wrong Date header moves nothing, at the start or once the offset is known', () => {
    const fresh = new ClockSkew(() => local);
    answer(fresh, TWO_HOURS);
    expect(fresh.offset).toBe(0);

    const known = new ClockSkew(() => local);
    for (let i = 0; i < 20; i++) answer(known, 30_000);
    const before = known.offset;
    expect(before).toBeGreaterThan(29_000);
    answer(known, TWO_HOURS);
    expect(known.offset).toBe(before);
    answer(known, -TWO_HOURS);
    expect(known.offset).toBe(before);
    for (let i = 0; i < 3; i++) answer(known, 30_000);
    expect(known.offset).toBe(before);
  });

  it.each([
    ['good first', 0],
    ['off first', 1],
  ])('a server alternating a 2-hour-off Date on every other response moves nothing (%s)', (_label, phase) => {
    const skew = new ClockSkew(() => local);
    for (let i = 0; i < 200; i++) {
      answer(skew, (i + phase) % 2 === 1 ? TWO_HOURS : 0);
      expect(skew.offset).toBe(0);
    }
  });

  it('a server whose clock really moved is followed after a few responses', () => {
    const skew = new ClockSkew(() => local);
    for (let i = 0; i < 30; i++) answer(skew, 0);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      answer(skew, TWO_HOURS);
      seen.push(skew.offset);
    }
    const followedAfter = seen.findIndex((offset) => offset > TWO_HOURS - 2000) + 1;
    expect(followedAfter).toBe(ClockSkew.AGREEING);
    expect(ClockSkew.AGREEING).toBeLessThanOrEqual(5);
    expect(seen.slice(0, followedAfter - 1).every((offset) => offset === 0)).toBe(true);
    expect(Math.abs((seen.at(-1) ?? 0) - TWO_HOURS)).toBeLessThan(1000);
  });

  it('takes the median of agreeing samples: jitter of the round trip does not swing it', () => {
    const skew = new ClockSkew(() => local);
    const jitter = [0, 900, -700, 400, -300, 800, -900, 200, 600, -500, 100, -200, 700, -800, 300];
    for (const extra of jitter) answer(skew, 60_000 + extra);
    // within the header's one-second resolution of the truth
    const settled = skew.offset;
    expect(Math.abs(settled - 60_000)).toBeLessThanOrEqual(1000);
    // a slow exchange (20 s) is far off the others and moves nothing
    skew.observe(new Date(local + 60_000).toUTCString(), local - 20_000, local);
    expect(skew.offset).toBe(settled);
  });
});

const ACCESS_TOKEN = 'clock-skew-test-access-token';
const REFRESH_TOKEN = 'clock-skew-test-refresh-token';
const NEXT_ACCESS_TOKEN = 'clock-skew-test-next-access';
auditSecret(ACCESS_TOKEN, REFRESH_TOKEN, NEXT_ACCESS_TOKEN);
const TOKEN_PATH = '/api/method/frappe.integrations.oauth2.get_token';

afterAll(() => {
  expectNoSecretsLeaked();
});

/**
 * A site whose Date header is `dateOffsetMs(n)` from real time on its n-th answer (from 0); it
 * answers documents, and tokens at the token endpoint (a refresh).
 */
async function siteWithDates(dateOffsetMs: (n: number) => number) {
  let answered = 0;
  return startHostileServer((request, response) => {
    const date = new Date(Date.now() + dateOffsetMs(answered++)).toUTCString();
    const body =
      request.url === TOKEN_PATH
        ? {
            access_token: NEXT_ACCESS_TOKEN,
            token_type: 'Bearer',
            expires_in: 3600,
            refresh_token: REFRESH_TOKEN,
            scope: 'all',
          }
        : { data: { name: 'Jane', doctype: 'Customer' } };
    response.writeHead(200, { 'content-type': 'application/json', date });
    response.end(JSON.stringify(body));
  });
}

/** A client holding a token valid for another hour of real time, with a refresh token. */
function clientOf(baseUrl: string): Promise<FrappeOAuthClient> {
  return clientHolding(baseUrl, {
    access_token: ACCESS_TOKEN,
    refresh_token: REFRESH_TOKEN,
    expires_at: Math.floor(Date.now() / 1000) + 3600,
  });
}

function tokenRequests(server: { requests: Array<{ path: string }> }): number {
  return server.requests.filter((entry) => entry.path === TOKEN_PATH).length;
}

describe('token refresh under a lying Date header', () => {
  it('a site answering a Date two hours ahead on every other response: 30 calls, zero refreshes', async () => {
    const server = await siteWithDates((n) => (n % 2 === 1 ? TWO_HOURS : 0));
    const client = await clientOf(server.url);
    for (let call = 0; call < 30; call++) await client.getDoc('Customer', 'Jane');
    expect(server.requests.filter((entry) => entry.path === '/api/resource/Customer/Jane')).toHaveLength(30);
    expect(tokenRequests(server)).toBe(0);
  });

  it('the same with the lie on the first response', async () => {
    const server = await siteWithDates((n) => (n % 2 === 0 ? TWO_HOURS : 0));
    const client = await clientOf(server.url);
    for (let call = 0; call < 30; call++) await client.getDoc('Customer', 'Jane');
    expect(tokenRequests(server)).toBe(0);
  });

  it('a site whose clock really jumped two hours ahead is followed: the token counts as expired and is refreshed', async () => {
    const server = await siteWithDates((n) => (n >= 3 ? TWO_HOURS : 0));
    const client = await clientOf(server.url);
    for (let call = 0; call < 3 + ClockSkew.AGREEING; call++) await client.getDoc('Customer', 'Jane');
    expect(tokenRequests(server)).toBe(0);
    await client.getDoc('Customer', 'Jane');
    expect(tokenRequests(server)).toBe(1);
    expect(await client.getAccessToken()).toBe(NEXT_ACCESS_TOKEN);
  });
});
