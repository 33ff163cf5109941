import { createHash } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { obtainTokens } from '../helpers/oauth-flow';
import { ALICE, CALLBACK, PROFILES, startSite } from './fixtures';

const key = (secret: string) => new TextEncoder().encode(secret);

describe.each(PROFILES)('id_token (%s)', (profile) => {
  let site: FrappeEmulator;
  const shop = {
    user: ALICE.email,
    password: ALICE.password,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    redirectUri: CALLBACK,
  };
  beforeAll(async () => {
    site = await startSite(profile, { issuer: 'https://frappe.example.com' });
  });
  afterAll(() => site.stop());

  it('is HS256-signed with the client secret and carries Frappe claims', async () => {
    const tokens = await obtainTokens(site, { ...shop, nonce: 'n-123', codeVerifier: 'a'.repeat(43) });
    const idToken = tokens.id_token ?? '';
    expect(JSON.parse(Buffer.from(idToken.split('.')[0] ?? '', 'base64url').toString())).toEqual({
      typ: 'jwt',
      alg: 'HS256',
    });
    expect(decodeProtectedHeader(idToken).typ).toBe('jwt');
    await expect(jwtVerify(idToken, key('wrong-secret'))).rejects.toThrow();
    const { payload } = await jwtVerify(idToken, key('shop-secret'), {
      audience: 'shop',
      issuer: 'https://frappe.example.com',
      typ: 'jwt',
    });
    expect(payload.nonce).toBe('n-123');
    expect(payload.exp).toBe((payload.iat ?? 0) + 3600);
    const digest = createHash('sha256').update(tokens.access_token).digest();
    expect(payload.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    expect(payload.sub).toMatch(/^[0-9a-f]{39}$/);
    expect(payload).toMatchObject({
      name: 'Alice Smith',
      given_name: 'Alice',
      family_name: 'Smith',
      email: ALICE.email,
      picture: 'https://frappe.example.com/files/alice.png',
      roles: ['Sales User', 'All', 'Guest'],
    });
    expect(payload).not.toHaveProperty('azp');
    expect(payload).not.toHaveProperty('auth_time');
  });

  it('omits nonce when none was sent, and uses the server clock', async () => {
    site.advanceClock(-86_400);
    try {
      const tokens = await obtainTokens(site, shop);
      const payload = JSON.parse(
        Buffer.from((tokens.id_token ?? '').split('.')[1] ?? '', 'base64url').toString(),
      );
      expect(payload).not.toHaveProperty('nonce');
      expect(Math.abs(payload.iat - (Math.floor(Date.now() / 1000) - 86_400))).toBeLessThan(5);
    } finally {
      site.advanceClock(86_400);
    }
  });

  it('carries sub null for Administrator', async () => {
    const tokens = await obtainTokens(site, { ...shop, user: 'Administrator', password: 'admin' });
    const { payload } = await jwtVerify(tokens.id_token ?? '', key('shop-secret'));
    expect(payload.sub).toBeNull();
    expect(payload.email).toBe('Administrator');
    expect(payload.roles).toContain('System Manager');
  });
});
