import { afterEach, describe, expect, it } from 'vitest';
import { FrappeEmulator } from '../../../src/testing/index';
import { ALICE, bearer, call, LOGGED_USER, mintToken, PING, startSite } from './helpers';

const running: FrappeEmulator[] = [];
async function track(promise: Promise<FrappeEmulator>): Promise<FrappeEmulator> {
  const site = await promise;
  running.push(site);
  return site;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((site) => site.stop()));
});

/** Seconds between the server's `Date` header and the test machine's clock. */
function dateOffsetSeconds(headers: Headers): number {
  const date = headers.get('date');
  expect(date).toBeTruthy();
  return (Date.parse(date as string) - Date.now()) / 1000;
}

describe('FrappeEmulator.start: the fixed API as issue 2 writes it', () => {
  it('accepts the documented options and serves on http://127.0.0.1:<port>', async () => {
    const site = await track(
      FrappeEmulator.start({
        profile: 'v15',
        port: 0,
        issuer: undefined,
        tokenLifetimeSeconds: 3600,
        users: [{ email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] }],
        clients: [
          {
            clientId: 'shop',
            clientSecret: 'shop-secret',
            scopes: ['all', 'openid'],
            redirectUris: ['http://127.0.0.1:8765/callback'],
            skipAuthorization: true,
          },
        ],
      }),
    );
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(site.url).port);
    expect(port).toBeGreaterThan(0);
    expect(site.profile).toBe('v15');
    expect(site.site.issuer).toBe(site.url);
    expect(site.site.clients.get('shop')?.redirectUris).toEqual(['http://127.0.0.1:8765/callback']);

    const ping = await call(site, PING);
    expect(ping.status).toBe(200);
    expect(ping.json).toEqual({ message: 'pong' });

    const login = await call(site, '/api/method/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ usr: 'alice@example.com', pwd: 'alice-pass' }),
    });
    expect(login.status).toBe(200);
  });

  it('defaults: profile v15, any free port, issuer = site.url, lifetime 3600', async () => {
    const site = await track(FrappeEmulator.start());
    expect(site.profile).toBe('v15');
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(site.site.issuer).toBe(site.url);
    expect(site.site.tokenLifetimeSeconds).toBe(3600);
    // v15 behaviour: a bad bearer token is a 401.
    const result = await call(site, LOGGED_USER, { headers: bearer('garbage') });
    expect(result.status).toBe(401);
  });

  it('two sites on port 0 get different ports', async () => {
    const [a, b] = await Promise.all([track(FrappeEmulator.start()), track(FrappeEmulator.start())]);
    expect(a.url).not.toBe(b.url);
  });

  it('honours a fixed port', async () => {
    const probe = await track(FrappeEmulator.start());
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    const site = await track(FrappeEmulator.start({ port }));
    expect(site.url).toBe(`http://127.0.0.1:${port}`);
    expect((await call(site, PING)).status).toBe(200);
  });

  it('uses a configured issuer', async () => {
    const site = await track(FrappeEmulator.start({ issuer: 'https://erp.example.com' }));
    expect(site.site.issuer).toBe('https://erp.example.com');
    expect(site.url).not.toBe('https://erp.example.com');
  });

  it('Administrator (password admin) always exists', async () => {
    const site = await track(FrappeEmulator.start());
    const login = await call(site, '/api/method/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ usr: 'Administrator', pwd: 'admin' }),
    });
    expect(login.status).toBe(200);
    expect(login.json?.message).toBe('Logged In');
  });

  describe('bad options are TypeErrors', () => {
    it.each([
      ['unknown profile', { profile: 'v13' }],
      ['tokenLifetimeSeconds 0', { tokenLifetimeSeconds: 0 }],
      ['negative tokenLifetimeSeconds', { tokenLifetimeSeconds: -5 }],
      ['NaN tokenLifetimeSeconds', { tokenLifetimeSeconds: Number.NaN }],
      ['negative port', { port: -1 }],
      ['port above 65535', { port: 70000 }],
      ['fractional port', { port: 1.5 }],
      ['a non-string issuer', { issuer: 42 }],
      ['a user without email', { users: [{ password: 'x' }] }],
      ['a client without clientId', { clients: [{ redirectUris: [] }] }],
      ['a client without redirectUris', { clients: [{ clientId: 'x' }] }],
    ])('%s', async (_label, options) => {
      await expect(FrappeEmulator.start(options as never)).rejects.toBeInstanceOf(TypeError);
    });
  });
});

describe('token controls', () => {
  it('expireToken: the token is expired from now on; other tokens still work', async () => {
    const site = await track(startSite());
    const a = mintToken(site);
    const b = mintToken(site);
    expect((await call(site, LOGGED_USER, { headers: bearer(a.accessToken) })).json).toEqual({
      message: ALICE.email,
    });
    site.expireToken(a.accessToken);
    expect((await call(site, LOGGED_USER, { headers: bearer(a.accessToken) })).status).toBe(401);
    expect((await call(site, LOGGED_USER, { headers: bearer(b.accessToken) })).status).toBe(200);
    expect(site.issuedTokens().find((t) => t.accessToken === a.accessToken)?.status).toBe('Active');
  });

  it('revokeToken: the row becomes Revoked, by access or refresh token', async () => {
    const site = await track(startSite());
    const a = mintToken(site);
    const b = mintToken(site);
    site.revokeToken(a.accessToken);
    site.revokeToken(b.refreshToken);
    const tokens = site.issuedTokens();
    expect(tokens.find((t) => t.accessToken === a.accessToken)?.status).toBe('Revoked');
    expect(tokens.find((t) => t.accessToken === b.accessToken)?.status).toBe('Revoked');
    expect((await call(site, LOGGED_USER, { headers: bearer(a.accessToken) })).status).toBe(401);
    expect((await call(site, LOGGED_USER, { headers: bearer(b.accessToken) })).status).toBe(401);
  });

  it('expireToken/revokeToken reject a token the emulator never issued', async () => {
    const site = await track(startSite());
    expect(() => site.expireToken('never-issued')).toThrow();
    expect(() => site.revokeToken('never-issued')).toThrow();
  });
});

describe('advanceClock', () => {
  it('moves the Date header forward and back', async () => {
    const site = await track(startSite());
    expect(Math.abs(dateOffsetSeconds((await call(site, PING)).headers))).toBeLessThan(60);

    site.advanceClock(86_400);
    expect(dateOffsetSeconds((await call(site, PING)).headers)).toBeGreaterThan(86_400 - 60);
    expect(dateOffsetSeconds((await call(site, PING)).headers)).toBeLessThan(86_400 + 60);

    site.advanceClock(-2 * 86_400);
    const offset = dateOffsetSeconds((await call(site, PING)).headers);
    expect(offset).toBeGreaterThan(-86_400 - 60);
    expect(offset).toBeLessThan(-86_400 + 60);
  });

  it('fault answers and 413s carry the server clock too', async () => {
    const site = await track(startSite());
    site.advanceClock(-7 * 86_400);
    site.injectFault(PING, { kind: 'status', status: 502 });
    const fault = await call(site, PING);
    expect(fault.status).toBe(502);
    expect(dateOffsetSeconds(fault.headers)).toBeLessThan(-7 * 86_400 + 60);
    const tooLarge = await call(site, PING, { method: 'POST', body: Buffer.alloc(25 * 1024 * 1024 + 1) });
    expect(tooLarge.status).toBe(413);
    expect(dateOffsetSeconds(tooLarge.headers)).toBeLessThan(-7 * 86_400 + 60);
  });

  it('a negative step un-expires a token that only expired by the clock', async () => {
    const site = await track(startSite());
    const { accessToken } = mintToken(site);
    site.advanceClock(3601);
    expect((await call(site, LOGGED_USER, { headers: bearer(accessToken) })).status).toBe(401);
    site.advanceClock(-3601);
    expect((await call(site, LOGGED_USER, { headers: bearer(accessToken) })).status).toBe(200);
  });

  it('rejects a non-finite step', async () => {
    const site = await track(startSite());
    expect(() => site.advanceClock(Number.NaN)).toThrow(TypeError);
    expect(() => site.advanceClock(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});

describe('requests()', () => {
  it('logs method, path without the query, and status of every request', async () => {
    const site = await track(startSite());
    await call(site, `${PING}?a=1&b=2`);
    await call(site, '/api/method/frappe.auth.get_logged_user');
    await call(site, '/api/method/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ usr: ALICE.email, pwd: 'wrong' }),
    });
    expect(site.requests()).toEqual([
      { method: 'GET', path: PING, status: 200 },
      { method: 'GET', path: LOGGED_USER, status: 403 },
      { method: 'POST', path: '/api/method/login', status: 401 },
    ]);
  });

  it('returns a copy the caller cannot corrupt, and clearRequests forgets', async () => {
    const site = await track(startSite());
    await call(site, PING);
    const log = site.requests();
    log[0].status = 999;
    log.push({ method: 'X', path: '/', status: 1 });
    expect(site.requests()).toEqual([{ method: 'GET', path: PING, status: 200 }]);
    site.clearRequests();
    expect(site.requests()).toEqual([]);
  });

  it('logs status 0 for a dropped connection', async () => {
    const site = await track(startSite());
    site.injectFault(PING, { kind: 'drop' });
    await expect(fetch(`${site.url}${PING}?x=1`)).rejects.toThrow();
    expect(site.requests()).toEqual([{ method: 'GET', path: PING, status: 0 }]);
  });
});

describe('stop()', () => {
  it('closes the port; a second stop is harmless', async () => {
    const site = await FrappeEmulator.start();
    expect((await call(site, PING)).status).toBe(200);
    await site.stop();
    await expect(fetch(`${site.url}${PING}`)).rejects.toThrow();
    await expect(site.stop()).resolves.toBeUndefined();
  });

  it('stops with a request still held by a delay fault', async () => {
    const site = await FrappeEmulator.start();
    site.injectFault(PING, { kind: 'delay', ms: 60_000 });
    const pending = fetch(`${site.url}${PING}`);
    // Wait until the server has the request.
    while (site.requests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await site.stop();
    await expect(pending).rejects.toThrow();
    await expect(fetch(`${site.url}${PING}`)).rejects.toThrow();
  });
});
