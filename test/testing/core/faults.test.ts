import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { call, LOGGED_USER, login, PING, startSite } from './helpers';

let site: FrappeEmulator;
beforeEach(async () => {
  site = await startSite();
});
afterEach(async () => {
  await site.stop();
});

describe('injectFault', () => {
  it('status: a 502 with a proxy-style HTML body, then normal service', async () => {
    site.injectFault(PING, { kind: 'status', status: 502 });
    const failed = await call(site, PING);
    expect(failed.status).toBe(502);
    expect(failed.headers.get('content-type')).toMatch(/^text\/html/);
    expect(failed.text).toMatch(/<html/i);
    expect(failed.json).toBeUndefined();
    expect((await call(site, PING)).json).toEqual({ message: 'pong' });
    expect(site.requests().map((r) => r.status)).toEqual([502, 200]);
  });

  it('status: a custom body and content type', async () => {
    site.injectFault(PING, {
      kind: 'status',
      status: 503,
      body: '{"exc_type":"SessionStopped"}',
      contentType: 'application/json',
    });
    const result = await call(site, PING);
    expect(result.status).toBe(503);
    expect(result.json).toEqual({ exc_type: 'SessionStopped' });
  });

  it('rate-limit: 429 TooManyRequestsError with Retry-After and X-RateLimit-*', async () => {
    site.injectFault(PING, { kind: 'rate-limit', retryAfterSeconds: 7 });
    const result = await call(site, PING);
    expect(result.status).toBe(429);
    expect(result.json?.exc_type).toBe('TooManyRequestsError');
    expect(result.headers.get('retry-after')).toBe('7');
    expect(Number(result.headers.get('x-ratelimit-limit'))).toBeGreaterThan(0);
    expect(result.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(result.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
  });

  it('drop: fetch rejects, nothing was handled, the log says status 0', async () => {
    const sid = await login(site);
    site.injectFault('/api/method/logout', { kind: 'drop' });
    await expect(
      fetch(`${site.url}/api/method/logout`, { method: 'POST', headers: { Cookie: `sid=${sid}` } }),
    ).rejects.toThrow();
    expect(site.requests().at(-1)).toEqual({ method: 'POST', path: '/api/method/logout', status: 0 });
    // The logout never ran: the session is still alive.
    const me = await call(site, LOGGED_USER, { headers: { Cookie: `sid=${sid}` } });
    expect(me.json).toEqual({ message: 'alice@example.com' });
  });

  it('drop-after-write: fetch rejects but the write happened', async () => {
    const sid = await login(site);
    site.injectFault('/api/method/logout', { kind: 'drop-after-write' });
    await expect(
      fetch(`${site.url}/api/method/logout`, { method: 'POST', headers: { Cookie: `sid=${sid}` } }),
    ).rejects.toThrow();
    expect(site.requests().at(-1)?.status).toBe(0);
    // The logout ran: the session is gone.
    expect(site.site.sessions.get(sid)).toBeUndefined();
    expect((await call(site, LOGGED_USER, { headers: { Cookie: `sid=${sid}` } })).status).toBe(403);
  });

  it('drop-after-write on login: a session was created though the client never saw it', async () => {
    site.injectFault('/api/method/login', { kind: 'drop-after-write' });
    expect(site.site.sessions.all()).toEqual([]);
    await expect(
      fetch(`${site.url}/api/method/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ usr: 'alice@example.com', pwd: 'alice-pass' }),
      }),
    ).rejects.toThrow();
    expect(site.site.sessions.all().map((session) => session.user)).toEqual(['alice@example.com']);
  });

  it('delay: the request is still answered', async () => {
    site.injectFault(PING, { kind: 'delay', ms: 50 });
    const result = await call(site, PING);
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ message: 'pong' });
    expect(site.requests()).toEqual([{ method: 'GET', path: PING, status: 200 }]);
  });

  it('truncate: the body is shorter than Content-Length and reading it fails', async () => {
    site.injectFault(LOGGED_USER, { kind: 'truncate' });
    const res = await fetch(`${site.url}${LOGGED_USER}`);
    expect(res.status).toBe(403);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    await expect(res.text()).rejects.toThrow();
    expect(site.requests().at(-1)?.status).toBe(403);
    // The next request is whole again.
    expect((await call(site, LOGGED_USER)).json?.exc_type).toBe('PermissionError');
  });

  it('times: the fault applies to that many requests', async () => {
    site.injectFault(PING, { kind: 'status', status: 503 }, { times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(site, PING)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('method filter: only that verb is affected (case-insensitive)', async () => {
    site.injectFault(PING, { kind: 'status', status: 500 }, { method: 'post' });
    expect((await call(site, PING)).status).toBe(200);
    expect((await call(site, PING, { method: 'POST' })).status).toBe(500);
    expect((await call(site, PING, { method: 'POST' })).status).toBe(200);
  });

  it('the path matches without the query; other paths are unaffected', async () => {
    site.injectFault(PING, { kind: 'status', status: 500 });
    expect((await call(site, LOGGED_USER)).status).toBe(403);
    expect((await call(site, `${PING}?x=1`)).status).toBe(500);
  });

  it('a RegExp path', async () => {
    site.injectFault(/^\/api\/method\/frappe\.auth\./, { kind: 'status', status: 504 }, { times: 5 });
    expect((await call(site, PING)).status).toBe(200);
    expect((await call(site, LOGGED_USER)).status).toBe(504);
  });

  it('faults fire in the order queued', async () => {
    site.injectFault(PING, { kind: 'status', status: 502 });
    site.injectFault(PING, { kind: 'rate-limit' });
    expect((await call(site, PING)).status).toBe(502);
    expect((await call(site, PING)).status).toBe(429);
    expect((await call(site, PING)).status).toBe(200);
  });

  it('clearFaults drops every queued fault', async () => {
    site.injectFault(PING, { kind: 'status', status: 500 }, { times: 10 });
    site.injectFault(/.*/, { kind: 'drop' });
    site.clearFaults();
    expect((await call(site, PING)).status).toBe(200);
  });

  it('rejects a non-positive times', () => {
    expect(() => site.injectFault(PING, { kind: 'drop' }, { times: 0 })).toThrow(TypeError);
    expect(() => site.injectFault(PING, { kind: 'drop' }, { times: 1.5 })).toThrow(TypeError);
  });
});

describe('request body limit', () => {
  it('a body over 25 MB is a 413', async () => {
    const body = Buffer.alloc(25 * 1024 * 1024 + 1, 0x61);
    const result = await call(site, PING, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
    });
    expect(result.status).toBe(413);
    expect(site.requests().at(-1)).toEqual({ method: 'POST', path: PING, status: 413 });
    // The server still answers afterwards.
    expect((await call(site, PING)).status).toBe(200);
  });

  it('a body of exactly 25 MB is accepted', async () => {
    const body = Buffer.alloc(25 * 1024 * 1024, 0x61);
    const result = await call(site, PING, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
    });
    expect(result.status).toBe(200);
  });
});
