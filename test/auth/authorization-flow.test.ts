import { SignJWT } from 'jose';
import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuthorizationCallbackError,
  AuthorizationDeniedError,
  FrappeAuthenticationError,
  FrappeConfigurationError,
  FrappeOAuthClient,
  FrappeOAuthError,
} from '../../src';
import {
  approveInBrowser,
  authorizeAs,
  CLIENT,
  clientFor,
  countRequests,
  PROFILE_PATH,
  PROFILES,
  REDIRECT_URI,
  startSite,
  TOKEN_PATH,
  USERS,
} from '../helpers/frappe-site';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

describe('getAuthorizationUrl', () => {
  it('asks for PKCE S256 with state and nonce, spaces as %20, at Frappe authorize path', async () => {
    const site = await startSite('v15');
    const client = clientFor(site);
    const url = await client.getAuthorizationUrl();
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe(
      `${site.url}/api/method/frappe.integrations.oauth2.authorize`,
    );
    expect(parsed.searchParams.get('code_challenge_method')).toBe('S256');
    expect(parsed.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parsed.searchParams.get('state')).toBeTruthy();
    expect(parsed.searchParams.get('nonce')).toBeTruthy();
    expect(parsed.searchParams.get('client_id')).toBe(CLIENT.clientId);
    expect(parsed.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(url).toContain('scope=openid%20all');
    expect(url).not.toContain('+');
  });

  it('needs a redirectUri', async () => {
    const site = await startSite('v15');
    const client = clientFor(site, { redirectUri: undefined });
    await rejectionOf(client.getAuthorizationUrl(), FrappeConfigurationError);
  });

  it('keeps the pending authorization in the store, so another process can take the callback', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const starter = clientFor(site, { store });
    const callback = await approveInBrowser(site, await starter.getAuthorizationUrl(), USERS.alice.email);
    const finisher = clientFor(site, { store });
    const token = await finisher.handleCallback(new URL(callback));
    expect(token.user).toBe(USERS.alice.email);
    expect((await starter.getStoredToken())?.access_token).toBe(token.access_token);
  });
});

describe.each(PROFILES)('handleCallback on %s', (profile) => {
  it('exchanges the code, verifies the id_token and stores the token', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    const token = await authorizeAs(client, site, USERS.alice.email);
    expect(token.token_type.toLowerCase()).toBe('bearer');
    expect(token.refresh_token).toBeTruthy();
    expect(token.id_token).toBeTruthy();
    expect(token.user).toBe(USERS.alice.email);
    const issued = site.issuedTokens().at(-1);
    expect(issued?.accessToken).toBe(token.access_token);
    // expires_at is computed on receipt, in server time
    expect(Math.abs(token.expires_at - (issued?.expiresAt ?? 0))).toBeLessThanOrEqual(2);
    expect(await client.getStoredToken()).toEqual(token);
    // a token straight from the callback is known good: no openid_profile round trip
    expect(await client.getAccessToken()).toBe(token.access_token);
    expect(countRequests(site, PROFILE_PATH)).toBe(0);
  });

  it('turns Deny into AuthorizationDeniedError (Frappe deny links carry no state)', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    await client.getAuthorizationUrl();
    const denied = await rejectionOf(
      client.handleCallback(`${REDIRECT_URI}?error=access_denied`),
      AuthorizationDeniedError,
    );
    expect(denied.message).toMatch(/denied/);
    expect(await client.getStoredToken()).toBeUndefined();
  });

  it('refuses a callback whose state matches no pending authorization', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    const callback = new URL(
      await approveInBrowser(site, await client.getAuthorizationUrl(), USERS.alice.email),
    );
    callback.searchParams.set('state', 'forged-state');
    await rejectionOf(client.handleCallback(callback), AuthorizationCallbackError);
    expect(countRequests(site, TOKEN_PATH)).toBe(0);
  });

  it('uses a state once: the same callback twice is refused the second time', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    const callback = await approveInBrowser(site, await client.getAuthorizationUrl(), USERS.alice.email);
    await client.handleCallback(callback);
    await rejectionOf(client.handleCallback(callback), AuthorizationCallbackError);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
  });

  it('gets invalid_grant for a replayed code under a new state', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    const first = new URL(
      await approveInBrowser(site, await client.getAuthorizationUrl(), USERS.alice.email),
    );
    await client.handleCallback(first);
    const second = new URL(await client.getAuthorizationUrl());
    const replay = new URL(REDIRECT_URI);
    replay.searchParams.set('code', first.searchParams.get('code') ?? '');
    replay.searchParams.set('state', second.searchParams.get('state') ?? '');
    const error = await rejectionOf(client.handleCallback(replay), FrappeOAuthError);
    expect(error.error).toBe('invalid_grant');
    expect(error.status).toBe(400);
  });

  it('rejects an id_token signed with another secret', async () => {
    const site = await startSite(profile);
    const tampered = await signedTokenResponse(site.url, { secret: 'not-the-secret' });
    const client = clientFor(site);
    const callback = await approveInBrowser(site, await client.getAuthorizationUrl(), USERS.alice.email);
    site.injectFault(/get_token$/, {
      kind: 'status',
      status: 200,
      body: tampered.body,
      contentType: 'application/json',
    });
    const error = await rejectionOf(client.handleCallback(callback), AuthorizationCallbackError);
    expect(error.message).toMatch(/signature/);
    expect(await client.getStoredToken()).toBeUndefined();
  });

  it('rejects an id_token whose nonce is not the one sent', async () => {
    const site = await startSite(profile);
    const wrongNonce = await signedTokenResponse(site.url, { nonce: 'another-nonce' });
    const client = clientFor(site);
    const callback = await approveInBrowser(site, await client.getAuthorizationUrl(), USERS.alice.email);
    site.injectFault(/get_token$/, {
      kind: 'status',
      status: 200,
      body: wrongNonce.body,
      contentType: 'application/json',
    });
    const error = await rejectionOf(client.handleCallback(callback), AuthorizationCallbackError);
    expect(error.message).toMatch(/nonce/);
  });

  it('rejects an id_token from another issuer', async () => {
    const site = await startSite(profile, { issuer: 'https://erp.example.com' });
    const client = clientFor(site);
    const callback = await approveInBrowser(site, await client.getAuthorizationUrl(), USERS.alice.email);
    const error = await rejectionOf(client.handleCallback(callback), AuthorizationCallbackError);
    expect(error.message).toMatch(/iss/);
  });

  it('accepts that issuer when configured (a Social Login Key base URL)', async () => {
    const site = await startSite(profile, { issuer: 'https://erp.example.com' });
    const client = clientFor(site, { issuer: 'https://erp.example.com' });
    const token = await authorizeAs(client, site, USERS.alice.email);
    expect(token.user).toBe(USERS.alice.email);
  });

  it('serves Administrator, whose profile has sub null, pinned by email', async () => {
    const site = await startSite(profile);
    const client = clientFor(site);
    const token = await authorizeAs(client, site, USERS.admin.email);
    expect(token.user).toBeTruthy();
    const profileClaims = await client.getProfile();
    expect(profileClaims.sub).toBeNull();
    expect(profileClaims.email).toBe(token.user);
    expect(profileClaims.roles).toContain('System Manager');
    // a new process validates it once against openid_profile, without sub
    const restarted = clientFor(site, {
      store: (client as unknown as { context: { options: { store: Keyv } } }).context.options.store,
    });
    expect(await restarted.getAccessToken()).toBe(token.access_token);
    expect(countRequests(site, PROFILE_PATH)).toBe(2);
  });

  it('lets a public client (no secret) through on PKCE alone, skipping only the signature check', async () => {
    const site = await startSite(profile);
    site.addClient({
      clientId: 'cli',
      scopes: ['all', 'openid'],
      redirectUris: [REDIRECT_URI],
      skipAuthorization: true,
    });
    const client = clientFor(site, { clientId: 'cli', clientSecret: undefined });
    const token = await authorizeAs(client, site, USERS.bob.email);
    expect(token.user).toBe(USERS.bob.email);
  });
});

describe('loginWithPassword', () => {
  it.each(['v14', 'v15'] as const)(
    'stores a token where the site has the password grant (%s)',
    async (profile) => {
      const site = await startSite(profile);
      const client = clientFor(site);
      const token = await client.loginWithPassword(USERS.bob.email, USERS.bob.password);
      expect(token.user).toBe(USERS.bob.email);
      expect(await client.getAccessToken()).toBe(token.access_token);
    },
  );

  it('reports a wrong password as Frappe does: LoginManager raises a 401 past oauthlib', async () => {
    const site = await startSite('v15');
    const client = clientFor(site);
    auditSecret('wrong-password');
    const error = await rejectionOf(
      client.loginWithPassword(USERS.bob.email, 'wrong-password'),
      FrappeAuthenticationError,
    );
    expect(error.status).toBe(401);
    expect(await client.getStoredToken()).toBeUndefined();
  });

  it('reports the grant missing on develop as FrappeOAuthError', async () => {
    const site = await startSite('develop');
    const client = clientFor(site);
    const error = await rejectionOf(
      client.loginWithPassword(USERS.bob.email, USERS.bob.password),
      FrappeOAuthError,
    );
    expect(error.error).toMatch(/unsupported_grant_type|unauthorized_client/);
  });
});

describe('constructor', () => {
  it('refuses plain http to a host that is not loopback', () => {
    expect(() => new FrappeOAuthClient({ baseUrl: 'http://erp.example.com', clientId: 'x' })).toThrow(
      FrappeConfigurationError,
    );
    expect(
      () =>
        new FrappeOAuthClient({ baseUrl: 'http://erp.example.com', clientId: 'x', allowInsecureHttp: true }),
    ).not.toThrow();
  });

  it.each([
    [{ baseUrl: 'not a url', clientId: 'x' }],
    [{ baseUrl: 'ftp://erp.example.com', clientId: 'x' }],
    [{ baseUrl: 'https://erp.example.com', clientId: '' }],
    [{ baseUrl: 'https://erp.example.com', clientId: 'x', scopes: ['open id'] }],
    [{ baseUrl: 'https://erp.example.com', clientId: 'x', refreshMarginSeconds: -1 }],
    [{ baseUrl: 'https://erp.example.com', clientId: 'x', timeoutMs: 0 }],
    [{ baseUrl: 'https://erp.example.com', clientId: 'x', store: {} }],
    [{ baseUrl: 'https://user:pw@erp.example.com', clientId: 'x' }],
  ])('rejects bad options with FrappeConfigurationError: %j', (options) => {
    expect(() => new FrappeOAuthClient(options as never)).toThrow(FrappeConfigurationError);
  });
});

/** A token response the emulator would not give: a valid shape with a chosen id_token. */
async function signedTokenResponse(
  issuer: string,
  { secret = CLIENT.clientSecret, nonce }: { secret?: string; nonce?: string },
): Promise<{ body: string }> {
  const now = Math.floor(Date.now() / 1000);
  const idToken = await new SignJWT({ email: USERS.alice.email, nonce: nonce ?? 'unset' })
    .setProtectedHeader({ alg: 'HS256', typ: 'jwt' })
    .setAudience(CLIENT.clientId)
    .setIssuer(issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(secret));
  const body = {
    access_token: 'forgedAccessToken0000000000000',
    expires_in: 3600,
    token_type: 'Bearer',
    scope: 'openid all',
    refresh_token: 'forgedRefreshToken000000000000',
    id_token: idToken,
  };
  auditSecret(body.access_token, body.refresh_token);
  return { body: JSON.stringify(body) };
}
