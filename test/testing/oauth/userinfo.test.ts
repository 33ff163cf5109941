import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { login, OAUTH, obtainTokens } from '../helpers/oauth-flow';
import { ALICE, CALLBACK, PROFILES, startSite } from './fixtures';

describe.each(PROFILES)('openid_profile and token controls (%s)', (profile) => {
  // v16 shipped what these tests once called develop-only; develop keeps it.
  const v16Plus = profile === 'v16' || profile === 'develop';
  let site: FrappeEmulator;
  const shop = {
    user: ALICE.email,
    password: ALICE.password,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    redirectUri: CALLBACK,
  };
  const profileUrl = () => `${site.url}${OAUTH}.openid_profile`;
  const call = (token: string, path = profileUrl()) =>
    fetch(path, { headers: { authorization: `Bearer ${token}` } });
  // What a bad token gets from general auth on a protected method (§5.1).
  const rejected = profile === 'v14' ? 403 : 401;

  beforeAll(async () => {
    site = await startSite(profile);
  });
  afterAll(() => site.stop());

  it('returns the bare claims for a valid token', async () => {
    const tokens = await obtainTokens(site, shop);
    const response = await call(tokens.access_token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'sub',
      'name',
      'given_name',
      'family_name',
      'email',
      'picture',
      'roles',
      'iss',
    ]);
    expect(body).toMatchObject({
      name: 'Alice Smith',
      email: ALICE.email,
      picture: `${site.url}/files/alice.png`,
      roles: ['Sales User', 'All', 'Guest'],
      iss: site.url,
    });
    expect(body.sub).toMatch(/^[0-9a-f]{39}$/);
  });

  it('gives Administrator sub null and picture null', async () => {
    const tokens = await obtainTokens(site, { ...shop, user: 'Administrator', password: 'admin' });
    const body = (await (await call(tokens.access_token)).json()) as Record<string, unknown>;
    expect(body.sub).toBeNull();
    expect(body.picture).toBeNull();
    expect(body.email).toBe('Administrator');
  });

  it('answers invalid_token (401, Frappe shape) when the client lacks openid', async () => {
    const tokens = await obtainTokens(site, {
      ...shop,
      clientId: 'no-openid',
      clientSecret: 'no-openid-secret',
    });
    const response = await call(tokens.access_token);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status_code: 401, error: 'invalid_token' });
  });

  it('answers invalid_token to a cookie session without a bearer token', async () => {
    const cookie = await login(site, ALICE.email, ALICE.password);
    const response = await fetch(profileUrl(), { headers: { cookie } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_token');
  });

  it('rejects garbage, expired and revoked tokens per profile', async () => {
    expect((await call('garbage-token')).status).toBe(rejected);
    const expired = await obtainTokens(site, shop);
    site.expireToken(expired.access_token);
    const response = await call(expired.access_token);
    expect(response.status).toBe(rejected);
    const body = (await response.json()) as { exc_type?: string };
    if (profile === 'v14') expect(body.exc_type).toBe('PermissionError');
    else expect(body.exc_type).toBe('AuthenticationError');
    if (v16Plus) expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
    const revoked = await obtainTokens(site, shop);
    site.revokeToken(revoked.access_token);
    expect((await call(revoked.access_token)).status).toBe(rejected);
    expect(site.issuedTokens().find((row) => row.accessToken === revoked.access_token)?.status).toBe(
      'Revoked',
    );
  });

  it('expires a token once the server clock passes its lifetime', async () => {
    const tokens = await obtainTokens(site, shop);
    site.advanceClock(3599);
    try {
      expect((await call(tokens.access_token)).status).toBe(200);
      site.advanceClock(2);
      expect((await call(tokens.access_token)).status).toBe(rejected);
      // Expiry does not affect the refresh token.
      const refreshed = await fetch(`${site.url}${OAUTH}.get_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
          client_id: 'shop',
          client_secret: 'shop-secret',
        }),
      });
      expect(refreshed.status).toBe(200);
    } finally {
      site.advanceClock(-3601);
    }
  });

  it('honours tokenLifetimeSeconds', async () => {
    const short = await startSite(profile, { tokenLifetimeSeconds: 60 });
    try {
      const tokens = await obtainTokens(short, shop);
      expect(tokens.expires_in).toBe(60);
      short.advanceClock(61);
      const response = await fetch(`${short.url}${OAUTH}.openid_profile`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(response.status).toBe(rejected);
    } finally {
      await short.stop();
    }
  });

  it('logs every OAuth request without its query', async () => {
    site.clearRequests();
    await obtainTokens(site, shop);
    const log = site.requests();
    const paths = log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
    expect(paths[0]).toBe('POST /api/method/login 200');
    expect(paths[1]).toBe(`GET ${OAUTH}.authorize 302`);
    if (v16Plus) expect(paths[2]).toBe(`POST ${OAUTH}.get_token 200`);
    else expect(paths.slice(2)).toEqual([`GET ${OAUTH}.approve 302`, `POST ${OAUTH}.get_token 200`]);
    expect(log.every((entry) => !entry.path.includes('?'))).toBe(true);
  });
});
