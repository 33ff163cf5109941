import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { PROFILES as SETTINGS } from '../../../src/testing/profiles';
import { authorizeToCallback, exchangeCode, login, OAUTH, postForm } from '../helpers/oauth-flow';
import { ALICE, PROFILES, startSite } from './fixtures';

const REGISTER = `${OAUTH}.register_client`;

async function register(site: FrappeEmulator, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${site.url}${REGISTER}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe.each(PROFILES)('register_client (%s)', (profile) => {
  const settings = SETTINGS[profile];
  let site: FrappeEmulator;
  beforeAll(async () => {
    site = await startSite(profile);
  });
  afterAll(() => site.stop());
  afterEach(() => {
    site.resetRateLimits();
    site.setDeveloperMode(false);
  });

  if (!settings.dynamicClientRegistration) {
    it('does not exist before v16', async () => {
      const result = await register(site, { client_name: 'x', redirect_uris: ['https://a.example/cb'] });
      expect(result.status).toBe(417);
      expect(result.json.exc_type).toBe('ValidationError');
      const metadata = await fetch(`${site.url}/.well-known/oauth-authorization-server`);
      expect(metadata.status).toBe(404);
    });
    return;
  }

  it('registers a confidential client: 201 with the registered metadata, null fields dropped', async () => {
    const result = await register(site, {
      client_name: 'Shop Sync',
      redirect_uris: ['https://shop.example.com/callback', 'https://shop.example.com'],
      client_uri: 'https://shop.example.com',
      contacts: ['ops@shop.example.com'],
      grant_types: ['authorization_code', 'refresh_token'],
      software_id: 'shop-sync',
    });
    expect(result.status).toBe(201);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    const body = result.json;
    expect(Object.keys(body)).toEqual([
      'client_id',
      'client_secret',
      'client_id_issued_at',
      'client_secret_expires_at',
      'client_name',
      'client_uri',
      'grant_types',
      'response_types',
      'software_id',
      'scope',
      'redirect_uris',
      'contacts',
    ]);
    expect(body.client_id).toMatch(/^[0-9a-f]{10}$/);
    // develop's OAuthClient.validate makes strong secrets (test_generates_strong_client_secret).
    expect(body.client_secret).toMatch(new RegExp(`^[0-9a-f]{${settings.generatedClientSecretLength}}$`));
    expect(body.client_secret_expires_at).toBe(0);
    expect(Math.abs((body.client_id_issued_at as number) - Date.now() / 1000)).toBeLessThan(60);
    // pydantic's HttpUrl normalises an empty path to "/".
    expect(body.redirect_uris).toEqual(['https://shop.example.com/callback', 'https://shop.example.com/']);
    expect(body.client_uri).toBe('https://shop.example.com/');
    // Frappe answers what it stores, whatever was asked: authorization_code only; scope "all".
    expect(body.grant_types).toEqual(['authorization_code']);
    expect(body.response_types).toEqual(['code']);
    expect(body.scope).toBe('all');
    const stored = site.getClient(body.client_id as string);
    expect(stored).toMatchObject({
      appName: 'Shop Sync',
      scopes: ['all'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      skipAuthorization: false,
      defaultRedirectUri: 'https://shop.example.com/callback',
    });
  });

  it('registers a public client (token_endpoint_auth_method none) without a secret; keeps the scopes asked for', async () => {
    const result = await register(site, {
      client_name: 'CLI',
      redirect_uris: ['https://cli.example.com/cb'],
      token_endpoint_auth_method: 'none',
      scope: 'all openid',
    });
    expect(result.status).toBe(201);
    expect(result.json).not.toHaveProperty('client_secret');
    expect(result.json.scope).toBe('all openid');
    expect(site.getClient(result.json.client_id as string)).toMatchObject({
      tokenEndpointAuthMethod: 'none',
      scopes: ['all', 'openid'],
    });
  });

  it('refuses http redirect URIs unless the site is in developer mode', async () => {
    const body = { client_name: 'Local', redirect_uris: ['http://127.0.0.1:8765/callback'] };
    const refused = await register(site, body);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'redirect_uris must be https',
    });
    site.resetRateLimits();
    site.setDeveloperMode(true);
    const accepted = await register(site, body);
    expect(accepted.status).toBe(201);
    expect(accepted.json.redirect_uris).toEqual(['http://127.0.0.1:8765/callback']);
  });

  it.each([
    [{ redirect_uris: ['https://a.example/cb'] }, /client_name\n {2}Field required \[type=missing\]/],
    [{ client_name: 'x' }, /redirect_uris\n {2}Field required/],
    [
      { client_name: 'x', redirect_uris: ['ftp://a.example/cb'] },
      /redirect_uris\.0\n {2}URL scheme should be 'http' or 'https'/,
    ],
    [{ client_name: 'x', redirect_uris: ['not a url'] }, /redirect_uris\.0\n {2}Input should be a valid URL/],
    [{ client_name: 'x', redirect_uris: [] }, /^redirect_uris is required$/],
    [
      {
        client_name: 'x',
        redirect_uris: ['https://a.example/cb'],
        grant_types: ['password'],
        response_types: ['token'],
      },
      /^only 'authorization_code' and 'refresh_token' grant types are supported,\nonly 'code' response_type is supported$/,
    ],
  ])('answers invalid metadata %j with 400 invalid_client_metadata', async (body, description) => {
    const result = await register(site, body);
    expect(result.status).toBe(400);
    expect(result.json.error).toBe('invalid_client_metadata');
    expect(result.json.error_description).toMatch(description);
  });

  it('answers a JSON null body with "Request body is empty", and a non-JSON body with 415', async () => {
    const empty = await register(site, 'null');
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'Request body is empty',
    });
    site.resetRateLimits();
    const form = await postForm(`${site.url}${REGISTER}`, { client_name: 'x' });
    expect(form.status).toBe(415);
  });

  it('is POST-only (403 PermissionError for GET)', async () => {
    const response = await fetch(`${site.url}${REGISTER}`);
    expect(response.status).toBe(403);
  });

  it('allows one call per 10 minutes per address (417 RateLimitExceededError), failed calls included', async () => {
    const body = { client_name: 'Once', redirect_uris: ['https://a.example/cb'] };
    expect((await register(site, { client_name: 'bad' })).status).toBe(400);
    const limited = await register(site, body);
    expect(limited.status).toBe(417);
    expect(limited.json.exc_type).toBe('RateLimitExceededError');
    expect(JSON.stringify(limited.json)).toContain('You hit the rate limit because of too many requests');
    // Another address has its own counter (X-Forwarded-For is Frappe's request_ip).
    expect((await register(site, body, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(201);
    site.advanceClock(600);
    expect((await register(site, body)).status).toBe(201);
    site.setRateLimits(false);
    expect((await register(site, body)).status).toBe(201);
    expect((await register(site, body)).status).toBe(201);
    site.setRateLimits(true);
  });

  it('is advertised as registration_endpoint in the RFC 8414 metadata, on the request origin', async () => {
    const metadata = (await (
      await fetch(`${site.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.registration_endpoint).toBe(`${site.url}${REGISTER}`);
  });

  it('runScheduledJobs deletes unused registered clients after 10 minutes where the profile does', async () => {
    const used = await register(site, { client_name: 'Used', redirect_uris: ['https://a.example/cb'] });
    site.resetRateLimits();
    const unused = await register(site, { client_name: 'Unused', redirect_uris: ['https://a.example/cb'] });
    const usedId = String(used.json.client_id);
    const unusedId = String(unused.json.client_id);
    site.issueToken({ clientId: usedId, user: ALICE.email });
    // (Clients the other tests registered earlier may go too: the site is shared.)
    site.advanceClock(9 * 60);
    expect(site.runScheduledJobs()).not.toContain(unusedId);
    site.advanceClock(60);
    const deleted = site.runScheduledJobs();
    expect(deleted.includes(unusedId)).toBe(settings.deletesUnusedDynamicClients);
    expect(deleted).not.toContain(usedId);
    if (!settings.deletesUnusedDynamicClients) expect(deleted).toEqual([]);
    expect(site.getClient(unusedId) === undefined).toBe(settings.deletesUnusedDynamicClients);
    expect(site.getClient(usedId)?.dynamic).toBe(true);
    expect(site.runScheduledJobs()).toEqual([]);
  });

  it('a registered client completes the authorization-code flow (secret in the body)', async () => {
    site.setDeveloperMode(true);
    const redirectUri = 'http://127.0.0.1:8765/registered';
    const registered = await register(site, {
      client_name: 'Registered App',
      redirect_uris: [redirectUri],
      scope: 'all openid',
    });
    expect(registered.status).toBe(201);
    const clientId = registered.json.client_id as string;
    const cookie = await login(site, ALICE.email, ALICE.password);
    const callback = await authorizeToCallback(site, cookie, {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'all openid',
    });
    const code = callback.searchParams.get('code');
    expect(code).toMatch(/^[A-Za-z0-9]{30}$/);
    const token = await exchangeCode(site, {
      code: code ?? '',
      clientId,
      clientSecret: registered.json.client_secret as string,
      redirectUri,
    });
    expect(token.status).toBe(200);
    const tokens = (await token.json()) as { access_token: string; id_token?: string };
    expect(tokens.id_token).toBeDefined();
    const me = await fetch(`${site.url}/api/method/frappe.auth.get_logged_user`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await me.json()).toEqual({ message: ALICE.email });
  });
});
