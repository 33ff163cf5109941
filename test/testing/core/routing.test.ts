import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { ALICE, call, LOGGED_USER, PING, PROFILES, type Profile, serverMessages, startSite } from './helpers';

describe.each(PROFILES)('routing and envelopes, profile %s', (profile: Profile) => {
  // v16 shipped what these tests once called develop-only; develop keeps it.
  const v16Plus = profile === 'v16' || profile === 'develop';
  let site: FrappeEmulator;
  beforeAll(async () => {
    site = await startSite({ profile });
    // No POST-only method ships with the core (develop's `approve` lives in the OAuth module), so
    // the router's verb check is exercised with a method registered for this test.
    site.site.methods.register('emulator_test.post_only', {
      allowGuest: true,
      methods: ['POST'],
      handler: () => 'posted',
    });
    site.site.methods.register('emulator_test.returns_nothing', {
      allowGuest: true,
      handler: () => undefined,
    });
  });
  afterAll(async () => {
    await site.stop();
  });

  it('an unknown method is a 417 ValidationError, not a 404', async () => {
    const result = await call(site, '/api/method/frappe.no_such.method');
    expect(result.status).toBe(417);
    expect(result.json?.exc_type).toBe('ValidationError');
    expect(serverMessages(result.json)[0]?.message).toContain('Failed to get method for command');
  });

  it('/api/v1/method/ is the same route', async () => {
    expect((await call(site, '/api/v1/method/ping')).json).toEqual({ message: 'pong' });
    expect((await call(site, '/api/v1/method/frappe.no_such.method')).status).toBe(417);
  });

  it('a trailing slash is tolerated', async () => {
    expect((await call(site, `${PING}/`)).json).toEqual({ message: 'pong' });
  });

  it('an unknown /api route is a 404 DoesNotExistError', async () => {
    const result = await call(site, '/api/no-such-route/x');
    expect(result.status).toBe(404);
    if (profile === 'v14') {
      // A bare raise: no exc_type before v15.
      expect(result.json).not.toHaveProperty('exc_type');
    } else {
      expect(result.json?.exc_type).toBe('DoesNotExistError');
    }
    // Never tracebacks for a 404.
    expect(result.json).not.toHaveProperty('exc');
  });

  it('a method returning None has no message key', async () => {
    const result = await call(site, '/api/method/emulator_test.returns_nothing');
    expect(result.status).toBe(200);
    expect(result.json).toEqual({});
  });

  it('a verb outside a method’s methods=[…] is a 403 PermissionError, not a 405', async () => {
    const get = await call(site, '/api/method/emulator_test.post_only');
    expect(get.status).toBe(403);
    expect(get.json?.exc_type).toBe('PermissionError');
    const post = await call(site, '/api/method/emulator_test.post_only', { method: 'POST' });
    expect(post.status).toBe(200);
    expect(post.json).toEqual({ message: 'posted' });
  });

  it('Accept: text/html gets an HTML error page with the same status', async () => {
    for (const [path, status] of [
      ['/api/method/frappe.no_such.method', 417],
      [LOGGED_USER, 403],
      ['/api/no-such-route', 404],
    ] as const) {
      const result = await call(site, path, { headers: { Accept: 'text/html' } });
      expect(result.status).toBe(status);
      expect(result.headers.get('content-type')).toMatch(/^text\/html/);
      expect(result.json).toBeUndefined();
      expect(result.text).toMatch(/<html/i);
    }
  });

  it('Accept containing application/json or X-Requested-With gets JSON', async () => {
    const withJson = await call(site, LOGGED_USER, { headers: { Accept: 'text/html, application/json' } });
    expect(withJson.json?.exc_type).toBe('PermissionError');
    const xhr = await call(site, LOGGED_USER, {
      headers: { Accept: 'text/html', 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(xhr.headers.get('content-type')).toMatch(/^application\/json/);
    expect(xhr.json?.exc_type).toBe('PermissionError');
  });

  it('an unknown page outside /api is an HTML 404', async () => {
    const result = await call(site, '/no-such-page');
    expect(result.status).toBe(404);
    expect(result.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it(`Cache-Control: no-store ${v16Plus ? 'on' : 'not on'} dynamic responses`, async () => {
    const ok = await call(site, PING);
    const error = await call(site, LOGGED_USER);
    for (const result of [ok, error]) {
      if (v16Plus) expect(result.headers.get('cache-control')).toMatch(/^no-store/);
      else expect(result.headers.get('cache-control')).toBeNull();
    }
  });

  it(`an invalid JSON body ${v16Plus ? 'is a 417 DataError' : 'falls back to the query/form'}`, async () => {
    const query = new URLSearchParams({ usr: ALICE.email, pwd: ALICE.password });
    const result = await call(site, `/api/method/login?${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"usr": ',
    });
    if (v16Plus) {
      expect(result.status).toBe(417);
      expect(result.json?.exc_type).toBe('DataError');
      expect(serverMessages(result.json)[0]?.message).toBe('Invalid request body');
    } else {
      expect(result.status).toBe(200);
      expect(result.json?.message).toBe('Logged In');
    }
  });

  it('JSON content bodies are merged into the form dict', async () => {
    const result = await call(site, '/api/method/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ usr: ALICE.email, pwd: ALICE.password }),
    });
    expect(result.status).toBe(200);
  });
});
