import { hostname } from 'node:os';
import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { FrappeServerError, type LogFields } from '../../src';
import {
  advanceTime,
  authorizeAs,
  clientFor,
  ManualClock,
  startSite,
  statusesServed,
  TOKEN_PATH,
  USERS,
} from '../helpers/frappe-site';
import { auditLine, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

interface Line {
  level: string;
  message: string;
  fields: LogFields | undefined;
}

/** A structured logger (as winston takes lines) that keeps every line, and gives each to the leak scan. */
function recordingLogger() {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, fields });
      auditLine(`${message} ${JSON.stringify(fields)}`);
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

const of = (lines: Line[], event: string) => lines.filter((line) => line.fields?.event === event);

describe('log lines', () => {
  it('one debug line per request, an info line per retry, each with its fields', async () => {
    const site = await startSite('v15');
    const { lines, logger } = recordingLogger();
    const client = clientFor(site, { logger, retry: { minDelayMs: 1, maxDelayMs: 2 } });
    await authorizeAs(client, site, USERS.alice.email);
    lines.length = 0;
    site.injectFault('/api/resource/Customer', { kind: 'rate-limit', retryAfterSeconds: 0 });
    await client.getList('Customer', { filters: { customer_name: 'Jane Doe' }, limit: 3 });

    const requests = of(lines, 'request');
    expect(requests.map((line) => [line.level, line.fields?.status, line.fields?.attempt])).toEqual([
      ['debug', 429, 1],
      ['debug', 200, 2],
    ]);
    expect(requests[0]?.message).toMatch(
      /^\[frappe-oauth-client\] GET \/api\/resource\/Customer → 429 in [\d.]+ ms \(attempt 1\)$/,
    );
    expect(requests[0]?.fields).toMatchObject({
      library: 'frappe-oauth-client',
      method: 'GET',
      route: '/api/resource/{doctype}',
      path: '/api/resource/Customer',
      tokenKey: 'default',
    });
    expect(typeof requests[0]?.fields?.durationMs).toBe('number');
    // the path carries no query value
    expect(JSON.stringify(requests)).not.toMatch(/Jane|limit|filters/);
    const [retry] = of(lines, 'retry');
    expect(retry?.level).toBe('info');
    expect(retry?.message).toContain(
      'failed with 429 (rate_limited); retrying in 0 ms, as Retry-After asked (attempt 2)',
    );
    expect(retry?.fields).toMatchObject({ reason: 'rate_limited', delayMs: 0, retryAfter: true, attempt: 1 });
  });

  it('a call that retried and still failed says so at warn', async () => {
    const site = await startSite('v15');
    const { lines, logger } = recordingLogger();
    const client = clientFor(site, { logger, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    await authorizeAs(client, site, USERS.alice.email);
    site.injectFault('/api/resource/Customer/Jane Doe', { kind: 'status', status: 503 }, { times: 3 });
    await rejectionOf(client.getDoc('Customer', 'Jane Doe'), FrappeServerError);
    expect(of(lines, 'retry')).toHaveLength(2);
    const [gaveUp] = of(lines, 'retries_exhausted');
    expect(gaveUp?.level).toBe('warn');
    expect(gaveUp?.message).toContain(
      'GET /api/resource/Customer/Jane%20Doe failed (503) after 3 requests and 2 retries',
    );
    expect(gaveUp?.fields).toMatchObject({ status: 503, attempt: 3, retries: 2 });
  });

  it('a refresh at info: started (age, lease holder) and done (old → new fingerprint); a replaced token at warn', async () => {
    const site = await startSite('v15');
    const clock = new ManualClock();
    const { lines, logger } = recordingLogger();
    const client = clientFor(site, { logger, clock: clock.now });
    await authorizeAs(client, site, USERS.alice.email);
    const first = await client.getAccessToken();
    advanceTime(site, clock, 3700);
    await client.getDoc('Customer', 'Jane Doe');
    const second = await client.getAccessToken();

    const [started] = of(lines, 'refresh_started');
    const [done] = of(lines, 'refreshed');
    const me = `${hostname()}/${process.pid}`;
    expect(started?.level).toBe('info');
    expect(started?.message).toContain(`${me} holds the lease`);
    expect(started?.fields).toMatchObject({ leaseHolder: me, tokenKey: 'default' });
    expect(started?.fields?.tokenAgeSeconds).toBeGreaterThanOrEqual(3700);
    expect(done?.level).toBe('info');
    expect(done?.fields).toMatchObject({ stored: true });
    expect(done?.fields?.previousFingerprint).not.toBe(done?.fields?.fingerprint);
    expect(done?.message).toContain(`${done?.fields?.previousFingerprint} → ${done?.fields?.fingerprint}`);
    expect(first).not.toBe(second);

    // A token the site killed early: the 401 is surprising, so it is a warning, and it recovers.
    site.expireToken(second);
    await client.getDoc('Customer', 'Jane Doe');
    const [replaced] = of(lines, 'token_replaced');
    expect(replaced?.level).toBe('warn');
    expect(replaced?.fields).toMatchObject({ status: 401, route: '/api/resource/{doctype}/{name}' });
    for (const line of lines) {
      expect(line.message).not.toContain(first);
      expect(line.message).not.toContain(second);
    }
  });

  it('a retried token request inside a refresh is an info line with why and what is left', async () => {
    const site = await startSite('v15');
    const clock = new ManualClock();
    const { lines, logger } = recordingLogger();
    const client = clientFor(site, {
      logger,
      clock: clock.now,
      refreshRetry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
    });
    await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3700);
    site.injectFault(new RegExp(`${TOKEN_PATH}$`), { kind: 'status', status: 502 }, { times: 1 });
    await client.getDoc('Customer', 'Jane Doe');

    const retries = of(lines, 'refresh_retry');
    expect(retries.map((line) => [line.level, line.fields?.attempt, line.fields?.retriesLeft])).toEqual([
      ['info', 1, 2],
    ]);
    expect(retries[0]?.message).toBe(
      '[frappe-oauth-client] refresh: token request failed (FrappeServerError 502); retrying (token key default)',
    );
    expect(statusesServed(site, TOKEN_PATH)).toEqual([200, 502, 200]);
  });

  it('a process that waited for the lease says its holder refreshed; a failed refresh is a warning', async () => {
    const site = await startSite('v15');
    const clock = new ManualClock();
    const store = new Keyv();
    const a = recordingLogger();
    const b = recordingLogger();
    // Two clients on one store share the in-process lease, as two workers of one process would.
    const first = clientFor(site, { store, clock: clock.now, logger: a.logger });
    const second = clientFor(site, { store, clock: clock.now, logger: b.logger });
    await authorizeAs(first, site, USERS.alice.email);
    await second.getAccessToken();
    advanceTime(site, clock, 3700);
    await Promise.all([first.getAccessToken(), second.getAccessToken()]);
    const refreshedBy = [a, b].filter((log) => of(log.lines, 'refreshed').length === 1);
    const adoptedBy = [a, b].filter((log) => of(log.lines, 'refresh_adopted').length === 1);
    expect([refreshedBy.length, adoptedBy.length]).toEqual([1, 1]);
    const [adopted] = of(adoptedBy[0]?.lines ?? [], 'refresh_adopted');
    expect(adopted?.level).toBe('info');
    expect(adopted?.message).toMatch(
      /while this process waited \d+ ms for the lease, its holder stored a fresh pair/,
    );
    expect(site.requests().filter((entry) => entry.path.endsWith(TOKEN_PATH))).toHaveLength(2); // the code, one refresh

    site.injectFault(`/api/method/${TOKEN_PATH}`, { kind: 'status', status: 503 }, { times: 10 });
    advanceTime(site, clock, 3700);
    await first.getAccessToken().catch(() => undefined);
    const failed = [...of(a.lines, 'refresh_failed'), ...of(b.lines, 'refresh_failed')];
    expect(failed.map((line) => [line.level, line.fields?.failure])).toEqual([['warn', 'retryable']]);
  });
});
