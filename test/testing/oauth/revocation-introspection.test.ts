import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { OAUTH, obtainTokens, postForm } from '../helpers/oauth-flow';
import { ALICE, CALLBACK, PROFILES, startSite } from './fixtures';

describe.each(PROFILES)('revoke_token and introspect_token (%s)', (profile) => {
  let site: FrappeEmulator;
  const shop = {
    user: ALICE.email,
    password: ALICE.password,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    redirectUri: CALLBACK,
  };
  const revoke = (fields: Record<string, string | undefined>, headers?: Record<string, string>) =>
    postForm(
      `${site.url}${OAUTH}.revoke_token`,
      { client_id: 'shop', client_secret: 'shop-secret', ...fields },
      headers,
    );
  const introspect = async (fields: Record<string, string>) =>
    (await (await postForm(`${site.url}${OAUTH}.introspect_token`, fields)).json()) as Record<
      string,
      unknown
    >;
  const statusOf = (accessToken: string) =>
    site.issuedTokens().find((row) => row.accessToken === accessToken)?.status;

  beforeAll(async () => {
    site = await startSite(profile);
  });
  afterAll(() => site.stop());

  it('revokes the whole row by access token, answering 200 {}', async () => {
    const tokens = await obtainTokens(site, shop);
    const response = await revoke({ token: tokens.access_token, token_type_hint: 'access_token' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(statusOf(tokens.access_token)).toBe('Revoked');
    const refreshed = await postForm(`${site.url}${OAUTH}.get_token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'shop',
      client_secret: 'shop-secret',
    });
    expect(refreshed.status).not.toBe(200);
  });

  it('revokes by refresh token with the hint, and ignores a refresh token without it', async () => {
    const tokens = await obtainTokens(site, shop);
    expect((await revoke({ token: tokens.refresh_token })).status).toBe(200);
    expect(statusOf(tokens.access_token)).toBe('Active');
    expect((await revoke({ token: tokens.refresh_token, token_type_hint: 'refresh_token' })).status).toBe(
      200,
    );
    expect(statusOf(tokens.access_token)).toBe('Revoked');
  });

  it('answers 200 {} for an unknown token and 400 {} without one', async () => {
    const unknown = await revoke({ token: 'unknown-token' });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({});
    const missing = await revoke({});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({});
  });

  it('authenticates the client on develop only (401 {})', async () => {
    const tokens = await obtainTokens(site, shop);
    const response = await revoke({ token: tokens.access_token, client_secret: 'wrong' });
    expect(await response.json()).toEqual({});
    if (profile === 'develop') {
      expect(response.status).toBe(401);
      expect(statusOf(tokens.access_token)).toBe('Active');
    } else {
      expect(response.status).toBe(200);
      expect(statusOf(tokens.access_token)).toBe('Revoked');
    }
  });

  it('introspects an active token with claims, and says active for an expired one', async () => {
    const tokens = await obtainTokens(site, shop);
    const body = await introspect({ token: tokens.access_token });
    expect(body).toMatchObject({
      client_id: 'shop',
      trusted_client: 1,
      active: true,
      scope: 'all openid',
      email: ALICE.email,
    });
    expect(body.sub).toMatch(/^[0-9a-f]{39}$/);
    const expiresAt = site.issuedTokens().find((row) => row.accessToken === tokens.access_token)?.expiresAt;
    // Frappe rounds the stored expiration_time; the control reports whole seconds (floor).
    expect(Math.abs((body.exp as number) - (expiresAt ?? 0))).toBeLessThanOrEqual(1);
    site.expireToken(tokens.access_token);
    site.advanceClock(7200);
    try {
      expect((await introspect({ token: tokens.access_token })).active).toBe(true);
    } finally {
      site.advanceClock(-7200);
    }
    expect(
      (await introspect({ token: tokens.refresh_token, token_type_hint: 'refresh_token' })).client_id,
    ).toBe('shop');
    site.revokeToken(tokens.access_token);
    expect((await introspect({ token: tokens.access_token })).active).toBe(false);
  });

  it('leaves out claims without openid or for Administrator, and answers unknown tokens {"active": false}', async () => {
    const noOpenid = await obtainTokens(site, { ...shop, scope: 'all' });
    const body = await introspect({ token: noOpenid.access_token });
    expect(Object.keys(body)).toEqual(['client_id', 'trusted_client', 'active', 'exp', 'scope']);
    const admin = await obtainTokens(site, { ...shop, user: 'Administrator', password: 'admin' });
    expect(await introspect({ token: admin.access_token })).not.toHaveProperty('sub');
    expect(await introspect({ token: 'nope' })).toEqual({ active: false });
    const viaGet = await fetch(`${site.url}${OAUTH}.introspect_token?token=${noOpenid.access_token}`);
    expect(((await viaGet.json()) as { active: boolean }).active).toBe(true);
  });
});
