import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import {
  ALICE,
  BOB,
  bearer,
  call,
  LOGGED_USER,
  mintToken,
  PING,
  PROFILES,
  type Profile,
  serverMessages,
  startSite,
} from './helpers';

type BadToken = 'expired' | 'revoked' | 'garbage';
const BAD_TOKENS: BadToken[] = ['expired', 'revoked', 'garbage'];

function badToken(site: FrappeEmulator, kind: BadToken): string {
  if (kind === 'garbage') return 'notatoken';
  const { accessToken } = mintToken(site);
  if (kind === 'expired') site.expireToken(accessToken);
  else site.revokeToken(accessToken);
  return accessToken;
}

const GUEST_COOKIES = ['sid=Guest', 'system_user=no', 'full_name=Guest', 'user_id=Guest', 'user_image='];

function expectGuestCookies(cookies: string[]): void {
  for (const prefix of GUEST_COOKIES) {
    const cookie = cookies.find((c) => c.startsWith(`${prefix};`));
    expect(cookie, prefix).toBeDefined();
    expect(cookie).not.toMatch(/Expires=Thu, 01 Jan 1970/);
  }
}

function expectExpiredCookies(cookies: string[]): void {
  for (const name of ['sid', 'system_user', 'full_name', 'user_id', 'user_image']) {
    const cookie = cookies.find((c) => c.startsWith(`${name}=`));
    expect(cookie, name).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
  }
}

describe.each(PROFILES)('bearer validation, profile %s', (profile: Profile) => {
  // v16 shipped what these tests once called develop-only; develop keeps it.
  const v16Plus = profile === 'v16' || profile === 'develop';
  let site: FrappeEmulator;
  beforeAll(async () => {
    site = await startSite({ profile });
  });
  afterAll(async () => {
    await site.stop();
  });

  it('a valid token runs the request as its user, with Guest cookies on the response', async () => {
    const { accessToken } = mintToken(site);
    const result = await call(site, LOGGED_USER, { headers: bearer(accessToken) });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ message: ALICE.email });
    expectGuestCookies(result.cookies);
    expect(result.headers.get('www-authenticate')).toBeNull();
  });

  it('no Authorization at all: Guest gets 403 on a protected method, 200 on ping', async () => {
    const denied = await call(site, LOGGED_USER);
    expect(denied.status).toBe(403);
    expect(denied.json?.exc_type).toBe('PermissionError');
    expect(serverMessages(denied.json)[0]?.message).toContain('frappe.auth.get_logged_user');
    expect((await call(site, PING)).json).toEqual({ message: 'pong' });
  });

  describe.each(BAD_TOKENS)('%s token', (kind) => {
    if (profile === 'v14') {
      it('protected method: 403 PermissionError, the same body as a genuine Guest permission error', async () => {
        const genuine = await call(site, LOGGED_USER);
        const result = await call(site, LOGGED_USER, { headers: bearer(badToken(site, kind)) });
        expect(result.status).toBe(403);
        expect(result.json?.exc_type).toBe('PermissionError');
        expect(Object.keys(result.json ?? {}).sort()).toEqual([
          '_server_messages',
          'exc',
          'exc_type',
          'exception',
        ]);
        const [message] = serverMessages(result.json);
        expect(message).toMatchObject({ title: 'Method Not Allowed', indicator: 'red', raise_exception: 1 });
        expect(result.json).toEqual(genuine.json);
        expectGuestCookies(result.cookies);
        expect(result.headers.get('www-authenticate')).toBeNull();
      });

      it('allow_guest method: 200 as Guest', async () => {
        const result = await call(site, PING, { headers: bearer(badToken(site, kind)) });
        expect(result.status).toBe(200);
        expect(result.json).toEqual({ message: 'pong' });
      });
    } else {
      it('protected method: 401 AuthenticationError with expired cookies', async () => {
        const result = await call(site, LOGGED_USER, { headers: bearer(badToken(site, kind)) });
        expect(result.status).toBe(401);
        if (profile === 'v15') {
          expect(Object.keys(result.json ?? {}).sort()).toEqual(['exc', 'exc_type', 'exception']);
          expect(result.json?.exc_type).toBe('AuthenticationError');
          expect(result.json?.exception).toBe('frappe.exceptions.AuthenticationError');
          expect(JSON.parse(result.json?.exc as string)).toBeInstanceOf(Array);
          expect(result.headers.get('www-authenticate')).toBeNull();
        } else {
          // develop: no tracebacks for Guest.
          expect(result.json).toEqual({ exc_type: 'AuthenticationError' });
          expect(result.headers.get('www-authenticate')).toBe(
            `Bearer resource_metadata="${site.url}/.well-known/oauth-protected-resource"`,
          );
        }
        expectExpiredCookies(result.cookies);
      });

      it('allow_guest method: 401 too', async () => {
        const result = await call(site, PING, { headers: bearer(badToken(site, kind)) });
        expect(result.status).toBe(401);
        expect(result.json?.exc_type).toBe('AuthenticationError');
      });
    }
  });

  it(`WWW-Authenticate on a Guest 403 ${v16Plus ? 'is' : 'is not'} sent`, async () => {
    const result = await call(site, LOGGED_USER);
    expect(result.status).toBe(403);
    const header = result.headers.get('www-authenticate');
    if (v16Plus) {
      expect(header).toBe(`Bearer resource_metadata="${site.url}/.well-known/oauth-protected-resource"`);
    } else {
      expect(header).toBeNull();
    }
  });

  it('tracebacks for a Guest 403: everywhere but develop', async () => {
    const result = await call(site, LOGGED_USER);
    if (v16Plus) {
      expect(result.json).not.toHaveProperty('exc');
      expect(result.json).not.toHaveProperty('exception');
    } else {
      expect(result.json).toHaveProperty('exc');
      expect(result.json).toHaveProperty('exception');
    }
  });

  describe('header forms', () => {
    it.each(['bearer', 'BEARER', 'BeArEr'])('scheme %s is matched case-insensitively', async (scheme) => {
      const { accessToken } = mintToken(site);
      const result = await call(site, LOGGED_USER, {
        headers: { Authorization: `${scheme} ${accessToken}` },
      });
      expect(result.status).toBe(200);
      expect(result.json).toEqual({ message: ALICE.email });
    });

    it.each([
      ['one word', () => 'Bearer'],
      ['three words', () => 'Bearer a b'],
      ['a valid token with a trailing word', (s: FrappeEmulator) => `Bearer ${mintToken(s).accessToken} x`],
    ])('a header of %s is not a credential', async (_label, header) => {
      const protectedCall = await call(site, LOGGED_USER, { headers: { Authorization: header(site) } });
      const pingCall = await call(site, PING, { headers: { Authorization: header(site) } });
      if (v16Plus) {
        // develop: "unsupported authorization".
        expect(protectedCall.status).toBe(401);
        expect(pingCall.status).toBe(401);
      } else {
        // Ignored by the validators: the request is Guest and no v15 final check applies.
        expect(protectedCall.status).toBe(403);
        expect(protectedCall.json?.exc_type).toBe('PermissionError');
        expect(pingCall.status).toBe(200);
      }
    });

    it('an unknown scheme with a valid token does not authenticate', async () => {
      const { accessToken } = mintToken(site);
      const result = await call(site, LOGGED_USER, { headers: { Authorization: `Token2 ${accessToken}` } });
      expect(result.status).toBe(profile === 'v14' ? 403 : 401);
    });
  });

  describe('API key auth', () => {
    const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

    it.each([
      ['token key:secret', `token ${BOB.apiKey}:${BOB.apiSecret}`],
      ['Basic base64(key:secret)', basic(`${BOB.apiKey}:${BOB.apiSecret}`)],
      ['scheme TOKEN in capitals', `TOKEN ${BOB.apiKey}:${BOB.apiSecret}`],
    ])('%s authenticates the key owner', async (_label, header) => {
      const result = await call(site, LOGGED_USER, { headers: { Authorization: header } });
      expect(result.status).toBe(200);
      expect(result.json).toEqual({ message: BOB.email });
    });

    it.each([
      ['token with a wrong secret', `token ${BOB.apiKey}:wrong`],
      ['token with an unknown key', 'token nobody:secret'],
      ['Basic with a wrong secret', basic(`${BOB.apiKey}:wrong`)],
      ['Basic without a colon', basic('just-a-key')],
    ])('%s → 401 AuthenticationError (raised outright, in every profile)', async (_label, header) => {
      for (const path of [LOGGED_USER, PING]) {
        const result = await call(site, path, { headers: { Authorization: header } });
        expect(result.status).toBe(401);
        if (profile === 'v14') {
          // A bare raise: no exc_type on v14.
          expect(result.json).not.toHaveProperty('exc_type');
          expect(result.json?.exception).toBe('frappe.exceptions.AuthenticationError');
        } else {
          expect(result.json?.exc_type).toBe('AuthenticationError');
        }
        expectExpiredCookies(result.cookies);
      }
    });

    it('undecodable Basic → 400 InvalidAuthorizationToken', async () => {
      const result = await call(site, LOGGED_USER, { headers: { Authorization: 'Basic !!!not-base64!!!' } });
      expect(result.status).toBe(400);
      expect(result.json?.exc_type).toBe('InvalidAuthorizationToken');
    });

    it('a disabled user cannot use its API key', async () => {
      site.addUser({
        email: `disabled-${profile}@example.com`,
        password: 'x',
        apiKey: `dk-${profile}`,
        apiSecret: 'ds',
        enabled: false,
      });
      const result = await call(site, LOGGED_USER, { headers: { Authorization: `token dk-${profile}:ds` } });
      expect(result.status).toBe(401);
    });
  });
});

describe.each(PROFILES)('token expiry through the server clock, profile %s', (profile: Profile) => {
  const rejected = profile === 'v14' ? 403 : 401;

  it('a token is valid until created + lifetime, then rejected', async () => {
    const site = await startSite({ profile });
    try {
      const { accessToken } = mintToken(site);
      site.advanceClock(3599);
      expect((await call(site, LOGGED_USER, { headers: bearer(accessToken) })).status).toBe(200);
      site.advanceClock(2);
      const result = await call(site, LOGGED_USER, { headers: bearer(accessToken) });
      expect(result.status).toBe(rejected);
      expect(result.json?.exc_type).toBe(rejected === 403 ? 'PermissionError' : 'AuthenticationError');
    } finally {
      await site.stop();
    }
  });

  it('tokenLifetimeSeconds is the site token lifetime', async () => {
    const site = await startSite({ profile, tokenLifetimeSeconds: 120 });
    try {
      expect(site.site.tokenLifetimeSeconds).toBe(120);
      // mintToken defaults expiresIn to the site's lifetime, as the token endpoint does.
      const before = Math.floor(site.site.clock.nowMs() / 1000);
      const { accessToken } = mintToken(site);
      const after = Math.floor(site.site.clock.nowMs() / 1000);
      const issued = site.issuedTokens().find((t) => t.accessToken === accessToken);
      expect(issued?.expiresAt).toBeGreaterThanOrEqual(before + 120);
      expect(issued?.expiresAt).toBeLessThanOrEqual(after + 120);
      site.advanceClock(119);
      expect((await call(site, LOGGED_USER, { headers: bearer(accessToken) })).status).toBe(200);
      site.advanceClock(2);
      expect((await call(site, LOGGED_USER, { headers: bearer(accessToken) })).status).toBe(rejected);
    } finally {
      await site.stop();
    }
  });

  it('a token of a disabled user does not authenticate', async () => {
    const site = await startSite({ profile });
    try {
      site.addUser({ email: 'carol@example.com', password: 'c', enabled: false });
      const { accessToken } = mintToken(site, 'carol@example.com');
      expect((await call(site, LOGGED_USER, { headers: bearer(accessToken) })).status).toBe(rejected);
    } finally {
      await site.stop();
    }
  });
});
