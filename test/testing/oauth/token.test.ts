import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { PROFILES as SETTINGS } from '../../../src/testing/profiles';
import {
  authorizeToCallback,
  exchangeCode,
  login,
  OAUTH,
  obtainTokens,
  postForm,
  s256Challenge,
  type TokenJson,
} from '../helpers/oauth-flow';
import { ALICE, CALLBACK, PROFILES, startSite } from './fixtures';

describe.each(PROFILES)('get_token (%s)', (profile) => {
  const settings = SETTINGS[profile];
  let site: FrappeEmulator;
  let cookie: string;
  const tokenUrl = () => `${site.url}${OAUTH}.get_token`;
  const shop = {
    user: ALICE.email,
    password: ALICE.password,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    redirectUri: CALLBACK,
  };

  async function codeFor(params: Record<string, string | undefined>): Promise<string> {
    const callback = await authorizeToCallback(site, cookie, {
      response_type: 'code',
      client_id: 'shop',
      ...params,
    });
    const code = callback.searchParams.get('code');
    if (!code) throw new Error('no code');
    return code;
  }
  const refresh = (fields: Record<string, string | undefined>, headers?: Record<string, string>) =>
    postForm(
      tokenUrl(),
      { grant_type: 'refresh_token', client_id: 'shop', client_secret: 'shop-secret', ...fields },
      headers,
    );
  const bearerStatus = async (token: string) =>
    (
      await fetch(`${site.url}/api/method/frappe.auth.get_logged_user`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).status;

  beforeAll(async () => {
    site = await startSite(profile);
    cookie = await login(site, ALICE.email, ALICE.password);
  });
  afterAll(() => site.stop());

  it('exchanges a code for a bare token body in oauthlib key order', async () => {
    const code = await codeFor({ redirect_uri: CALLBACK });
    const response = await exchangeCode(site, {
      code,
      clientId: 'shop',
      clientSecret: 'shop-secret',
      redirectUri: CALLBACK,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenJson;
    expect(Object.keys(body)).toEqual([
      'access_token',
      'expires_in',
      'token_type',
      'scope',
      'refresh_token',
      'id_token',
    ]);
    expect(body.access_token).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer', scope: 'all openid' });
    // Only develop's app-wide header; the token endpoint adds no no-store of its own.
    const cacheControl = response.headers.get('cache-control');
    if (settings.cacheControlNoStore)
      expect(cacheControl).toBe('no-store,no-cache,must-revalidate,max-age=0');
    else expect(cacheControl).toBeNull();
    expect(await bearerStatus(body.access_token)).toBe(200);
  });

  it('omits id_token without the openid scope', async () => {
    const code = await codeFor({ scope: 'all' });
    const body = (await (
      await exchangeCode(site, { code, clientId: 'shop', clientSecret: 'shop-secret', redirectUri: CALLBACK })
    ).json()) as TokenJson;
    expect(body.scope).toBe('all');
    expect(body.id_token).toBeUndefined();
  });

  it('uses a code once', async () => {
    const code = await codeFor({});
    const fields = { code, clientId: 'shop', clientSecret: 'shop-secret', redirectUri: CALLBACK };
    expect((await exchangeCode(site, fields)).status).toBe(200);
    const again = await exchangeCode(site, fields);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });
  });

  it("rejects another client's code and a redirect_uri the client does not have", async () => {
    const code = await codeFor({});
    const other = await exchangeCode(site, {
      code,
      clientId: 'consent',
      clientSecret: 'consent-secret',
      redirectUri: CALLBACK,
    });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: string }).error).toBe('invalid_grant');
    const wrongUri = await exchangeCode(site, {
      code,
      clientId: 'shop',
      clientSecret: 'shop-secret',
      redirectUri: 'http://x.example/cb',
    });
    expect(wrongUri.status).toBe(400);
    expect(((await wrongUri.json()) as { error: string }).error).toBe('invalid_request');
    // Frappe checks the client's list, not the URI bound to the code.
    const otherRegistered = await exchangeCode(site, {
      code,
      clientId: 'shop',
      clientSecret: 'shop-secret',
      redirectUri: 'http://127.0.0.1:8765/other?x=1',
    });
    expect(otherRegistered.status).toBe(200);
  });

  it('checks PKCE S256 with the Frappe test vector', async () => {
    expect(s256Challenge('420')).toBe('21XaP8MJjpxCMRxgEzBP82sZ73PRLqkyBUta1R309J0');
    const code = await codeFor({
      code_challenge: '21XaP8MJjpxCMRxgEzBP82sZ73PRLqkyBUta1R309J0',
      code_challenge_method: 'S256',
    });
    const base = { code, clientId: 'shop', clientSecret: 'shop-secret', redirectUri: CALLBACK };
    const wrong = await exchangeCode(site, { ...base, codeVerifier: '421' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');
    // A wrong verifier leaves the code usable.
    expect((await exchangeCode(site, { ...base, codeVerifier: '420' })).status).toBe(200);
  });

  it('deletes the code when a challenge was stored but no verifier is sent', async () => {
    const code = await codeFor({ code_challenge: s256Challenge('v'), code_challenge_method: 'S256' });
    const base = { code, clientId: 'shop', clientSecret: 'shop-secret', redirectUri: CALLBACK };
    const missing = await exchangeCode(site, base);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await exchangeCode(site, { ...base, codeVerifier: 'v' })).status).toBe(400);
  });

  it('accepts PKCE plain for confidential clients and a bare challenge as plain', async () => {
    const plain = await codeFor({ code_challenge: 'plain-secret-verifier', code_challenge_method: 'plain' });
    const base = { code: plain, clientId: 'shop', clientSecret: 'shop-secret', redirectUri: CALLBACK };
    expect((await exchangeCode(site, { ...base, codeVerifier: 'nope' })).status).toBe(400);
    expect((await exchangeCode(site, { ...base, codeVerifier: 'plain-secret-verifier' })).status).toBe(200);
    const bare = await codeFor({ code_challenge: 'bare-verifier' });
    const bareBase = { code: bare, clientId: 'shop', clientSecret: 'shop-secret', redirectUri: CALLBACK };
    expect(
      (await exchangeCode(site, { ...bareBase, codeVerifier: s256Challenge('bare-verifier') })).status,
    ).toBe(400);
    expect((await exchangeCode(site, { ...bareBase, codeVerifier: 'bare-verifier' })).status).toBe(200);
  });

  it('handles PKCE plain for public clients per profile', async () => {
    const callback = await authorizeToCallback(site, cookie, {
      client_id: 'public',
      response_type: 'code',
      code_challenge: 'pv',
      code_challenge_method: 'plain',
    });
    const response = await exchangeCode(site, {
      code: callback.searchParams.get('code') ?? '',
      clientId: 'public',
      redirectUri: CALLBACK,
      codeVerifier: 'pv',
    });
    if (!settings.plainPkceForPublicClients) {
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
    } else {
      expect(response.status).toBe(200);
    }
  });

  it('checks the client secret only on develop', async () => {
    const code = await codeFor({});
    const response = await exchangeCode(site, {
      code,
      clientId: 'shop',
      clientSecret: 'wrong',
      redirectUri: CALLBACK,
    });
    if (settings.enforceClientAuthentication) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_client' });
      const none = await exchangeCode(site, { code, clientId: 'shop', redirectUri: CALLBACK });
      expect(none.status).toBe(400);
    } else {
      expect(response.status).toBe(200);
    }
  });

  it('treats HTTP Basic at the token endpoint as an API key before develop', async () => {
    const code = await codeFor({ client_id: 'basic' });
    const basic = `Basic ${Buffer.from(`basic:${encodeURIComponent('b:s e/cret').replaceAll('%20', '+')}`).toString('base64')}`;
    const response = await postForm(
      tokenUrl(),
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
      { authorization: basic },
    );
    if (settings.enforceClientAuthentication) {
      expect(response.status).toBe(200);
      expect(((await response.json()) as TokenJson).access_token).toMatch(/^[A-Za-z0-9]{30}$/);
    } else {
      expect(response.status).toBe(401);
      const body = (await response.json()) as Record<string, unknown>;
      if (settings.excTypeAlways) expect(body.exc_type).toBe('AuthenticationError');
      else expect(body.exc_type).toBeUndefined();
    }
  });

  it('a client_secret_basic client that posts its secret: refused only where the stated method is enforced', async () => {
    const code = await codeFor({ client_id: 'basic' });
    const response = await exchangeCode(site, {
      code,
      clientId: 'basic',
      clientSecret: 'b:s e/cret',
      redirectUri: CALLBACK,
    });
    // develop's later commits accept Basic or the body from any confidential client.
    const stated = settings.enforceClientAuthentication && settings.confidentialClientMethods === 'stated';
    expect(response.status).toBe(stated ? 400 : 200);
  });

  it('rotates refresh tokens; develop revokes the old pair', async () => {
    const first = await obtainTokens(site, shop);
    const response = await refresh({ refresh_token: first.refresh_token });
    expect(response.status).toBe(200);
    const second = (await response.json()) as TokenJson;
    expect(Object.keys(second)).toEqual([
      'access_token',
      'expires_in',
      'token_type',
      'scope',
      'refresh_token',
      'id_token',
    ]);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.scope).toBe('all openid');
    expect(await bearerStatus(second.access_token)).toBe(200);
    const rows = site.issuedTokens();
    expect(rows.find((row) => row.accessToken === second.access_token)?.user).toBe(ALICE.email);
    const oldRow = rows.find((row) => row.accessToken === first.access_token);
    const reuse = await refresh({ refresh_token: first.refresh_token });
    if (settings.refreshRevokesOldPair) {
      expect(oldRow?.status).toBe('Revoked');
      expect(await bearerStatus(first.access_token)).toBe(401);
      // The revoked row is a get_doc miss in validate_refresh_token: the masked 403.
      expect(reuse.status).toBe(403);
      expect(((await reuse.json()) as Record<string, unknown>).exc_type).toBe('PermissionError');
    } else {
      expect(oldRow?.status).toBe('Active');
      expect(await bearerStatus(first.access_token)).toBe(200);
      expect(reuse.status).toBe(200);
    }
  });

  it('binds a refresh token to its client where the profile does', async () => {
    const tokens = await obtainTokens(site, shop);
    const response = await refresh({
      refresh_token: tokens.refresh_token,
      client_id: 'consent',
      client_secret: 'consent-secret',
    });
    if (settings.refreshTokenBoundToClient) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_grant' });
    } else {
      expect(response.status).toBe(200);
      const body = (await response.json()) as TokenJson;
      expect(site.issuedTokens().find((row) => row.accessToken === body.access_token)?.clientId).toBe(
        'consent',
      );
    }
  });

  it('requires PKCE from public clients where the profile does', async () => {
    const url = `${site.url}${OAUTH}.authorize?client_id=public&response_type=code&redirect_uri=${encodeURIComponent(CALLBACK)}`;
    const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    if (settings.pkceRequiredForPublicClients) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        description: 'Code challenge required.',
        status_code: 400,
        error: 'invalid_request',
      });
    } else {
      expect(response.status).toBe(302);
      const code = new URL(response.headers.get('location') ?? '', site.url);
      const followed = code.searchParams.get('code')
        ? code
        : await authorizeToCallback(site, cookie, { client_id: 'public', response_type: 'code' });
      const token = await exchangeCode(site, {
        code: followed.searchParams.get('code') ?? '',
        clientId: 'public',
        redirectUri: CALLBACK,
      });
      expect(token.status).toBe(200);
    }
  });

  it('lets a refresh narrow the scope but not widen it', async () => {
    const tokens = await obtainTokens(site, { ...shop, scope: 'all' });
    const wider = await refresh({ refresh_token: tokens.refresh_token, scope: 'all openid' });
    expect(wider.status).toBe(400);
    expect(await wider.json()).toEqual({ error: 'invalid_scope' });
    const full = await obtainTokens(site, shop);
    const narrower = await refresh({ refresh_token: full.refresh_token, scope: 'all' });
    expect(narrower.status).toBe(200);
    const body = (await narrower.json()) as TokenJson;
    expect(body.scope).toBe('all');
    expect(body.id_token).toBeUndefined();
  });

  it('answers an unknown or revoked refresh token per profile', async () => {
    const tokens = await obtainTokens(site, shop);
    site.revokeToken(tokens.access_token);
    for (const refreshToken of [tokens.refresh_token, 'x'.repeat(30)]) {
      const response = await refresh({ refresh_token: refreshToken });
      const body = (await response.json()) as Record<string, unknown>;
      if (settings.oauthLookupMiss === 'oauth-error') {
        expect(response.status).toBe(400);
        expect(body).toEqual({ error: 'invalid_grant' });
      } else if (settings.oauthLookupMiss === 'permission-error') {
        expect(response.status).toBe(403);
        expect(body.exc_type).toBe('PermissionError');
      } else {
        expect(response.status).toBe(404);
        expect(body.exc_type).toBe('DoesNotExistError');
      }
    }
  });

  it('offers the password grant where the profile has it', async () => {
    const grant = (password: string) =>
      postForm(tokenUrl(), {
        grant_type: 'password',
        username: ALICE.email,
        password,
        client_id: 'shop',
        client_secret: 'shop-secret',
        scope: 'all',
      });
    const response = await grant(ALICE.password);
    if (!settings.passwordGrant) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'unsupported_grant_type' });
      return;
    }
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenJson;
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'token_type', 'scope', 'refresh_token']);
    expect(await bearerStatus(body.access_token)).toBe(200);
    // LoginManager raises AuthenticationError past oauthlib: Frappe's 401, not invalid_grant.
    const bad = await grant('wrong');
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { message: string }).message).toBe('Invalid login credentials');
    const missing = await postForm(tokenUrl(), {
      grant_type: 'password',
      username: ALICE.email,
      client_id: 'shop',
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_request');
  });

  it.each([
    [
      { grant_type: 'client_credentials', client_id: 'shop', client_secret: 'shop-secret' },
      'unauthorized_client',
    ],
    [{ grant_type: 'device_code', client_id: 'shop' }, 'unsupported_grant_type'],
    [{ client_id: 'shop' }, 'unsupported_grant_type'],
    [
      { grant_type: 'authorization_code', client_id: 'shop', client_secret: 'shop-secret' },
      'invalid_request',
    ],
  ])('answers %j with 400 %s', async (fields, error) => {
    const response = await postForm(tokenUrl(), fields);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(error);
  });

  it('refuses GET and query parameters with invalid_request', async () => {
    const viaGet = await fetch(`${tokenUrl()}?grant_type=authorization_code`);
    expect(viaGet.status).toBe(400);
    expect(((await viaGet.json()) as { error: string }).error).toBe('invalid_request');
    const withQuery = await postForm(`${tokenUrl()}?code=x`, {
      grant_type: 'authorization_code',
      code: 'x',
      client_id: 'shop',
    });
    expect(withQuery.status).toBe(400);
  });

  it('ignores a JSON body (oauthlib reads the form only)', async () => {
    const response = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        username: ALICE.email,
        password: ALICE.password,
        client_id: 'shop',
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'unsupported_grant_type' });
  });
});
