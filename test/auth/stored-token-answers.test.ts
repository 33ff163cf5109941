import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FrappeOAuthClient, FrappeServerError } from '../../src';
import {
  isTokenResponse,
  MAX_TOKEN_LIFETIME_SECONDS,
  readStoredToken,
  storedTokenFrom,
  tokenLifetime,
} from '../../src/auth/stored-token';
import { authorizeAs, clientFor, PROFILES, startSite, TEST_TRANSPORT, USERS } from '../helpers/frappe-site';
import { startHostileServer } from '../helpers/hostile-server';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

const ISSUED = 'answers-test-issued-access-token';
const OLD_ACCESS = 'answers-test-old-access-token';
const REFRESH = 'answers-test-refresh-token';
const PASSWORD = 'answers-test-password';
auditSecret(ISSUED, OLD_ACCESS, REFRESH, PASSWORD);

const TOKEN_PATH = '/api/method/frappe.integrations.oauth2.get_token';

const clients: FrappeOAuthClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(() => {
  expectNoSecretsLeaked();
});

describe('token_type', () => {
  const base = { access_token: 'a'.repeat(30), expires_in: 3600 };

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('%s is a bearer token', (type) => {
    expect(isTokenResponse({ ...base, token_type: type })).toBe(true);
    expect(readStoredToken(storedTokenFrom({ ...base, token_type: type }, 10))).toBeDefined();
  });

  it.each(['mac', 'DPoP', 'N_A', '', ' Bearer', 'Bearer ', 'Bearer2'])(
    '%j is refused, as an answer and as a stored value',
    (type) => {
      expect(isTokenResponse({ ...base, token_type: type })).toBe(false);
      expect(readStoredToken({ ...base, token_type: type, expires_at: 10 })).toBeUndefined();
    },
  );

  it('a token_type that is not a string is refused', () => {
    expect(isTokenResponse({ ...base, token_type: 1 })).toBe(false);
    expect(isTokenResponse({ ...base })).toBe(false);
  });
});

describe('expires_in', () => {
  it.each([
    [3600, 3600, false],
    [120, 120, false],
    ['120', 120, false],
    [' 90 ', 90, false],
    [3600.9, 3600, false],
    [0, 0, false],
    [MAX_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS, false],
    [undefined, 3600, false],
    [null, 3600, false],
    ['soon', 3600, true],
    ['', 3600, true],
    ['0x10', 3600, true],
    [Number.NaN, 3600, true],
    [{}, 3600, true],
    [-30, 0, true],
    ['-30', 0, true],
    [10 ** 9, MAX_TOKEN_LIFETIME_SECONDS, true],
    [Number.POSITIVE_INFINITY, MAX_TOKEN_LIFETIME_SECONDS, true],
  ])('%j is read as %d s (adjusted: %s)', (sent, seconds, adjusted) => {
    const lifetime = tokenLifetime(sent);
    expect(lifetime.seconds).toBe(seconds);
    expect(lifetime.adjusted !== undefined).toBe(adjusted);
    const notes: string[] = [];
    const token = storedTokenFrom(
      { access_token: 'a'.repeat(30), token_type: 'Bearer', expires_in: sent as number },
      1_000_000,
      undefined,
      (note) => notes.push(note),
    );
    expect(token.expires_in).toBe(seconds);
    expect(token.expires_at).toBe(1_000_000 + seconds);
    expect(notes).toHaveLength(adjusted ? 1 : 0);
  });
});

/** A site whose token endpoint answers `token`, and whose REST API answers a document. */
async function tokenSite(token: Record<string, unknown>) {
  return startHostileServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(request.url === TOKEN_PATH ? token : { data: { name: 'Jane' } }));
  });
}

function clientOf(baseUrl: string): FrappeOAuthClient {
  const client = new FrappeOAuthClient({
    baseUrl,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    scopes: ['all'],
    retry: { retries: 0 },
    refreshRetry: { retries: 0 },
    transport: TEST_TRANSPORT,
  });
  clients.push(client);
  return client;
}

describe('the token endpoint path', () => {
  it.each(['mac', 'DPoP'])(
    'a %s token from the token endpoint is FrappeServerError and is not stored',
    async (type) => {
      const server = await tokenSite({
        access_token: ISSUED,
        token_type: type,
        expires_in: 3600,
        scope: 'all',
      });
      const client = clientOf(server.url);
      const error = await rejectionOf(client.loginWithPassword('alice', PASSWORD), FrappeServerError);
      expect(error.status).toBe(200);
      expect(await client.getStoredToken()).toBeUndefined();
    },
  );

  it('a lower-case bearer token is stored', async () => {
    const server = await tokenSite({
      access_token: ISSUED,
      token_type: 'bearer',
      expires_in: '120',
      scope: 'all',
    });
    const client = clientOf(server.url);
    const token = await client.loginWithPassword('alice', PASSWORD);
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 120 });
    expect(token.expires_at - (token.obtained_at ?? 0)).toBe(120);
  });

  it('a refresh answered with a non-bearer token fails typed and keeps the stored pair', async () => {
    const server = await tokenSite({
      access_token: ISSUED,
      token_type: 'mac',
      expires_in: 3600,
      scope: 'all',
    });
    const client = clientOf(server.url);
    const expired = {
      access_token: OLD_ACCESS,
      refresh_token: REFRESH,
      token_type: 'Bearer',
      scope: 'all',
      expires_at: Math.floor(Date.now() / 1000) - 10,
    };
    await client.setToken(expired);
    await rejectionOf(client.getDoc('Customer', 'Jane'), FrappeServerError);
    expect(server.requests.filter((entry) => entry.path === TOKEN_PATH).length).toBeGreaterThan(0);
    expect(server.requests.some((entry) => entry.path.startsWith('/api/resource/'))).toBe(false);
    expect(await client.getStoredToken()).toMatchObject({ access_token: OLD_ACCESS, refresh_token: REFRESH });
  });

  it('a negative expires_in is stored as already expired, not refused', async () => {
    const server = await tokenSite({
      access_token: ISSUED,
      token_type: 'Bearer',
      expires_in: -5,
      scope: 'all',
    });
    const client = clientOf(server.url);
    const token = await client.loginWithPassword('alice', PASSWORD);
    expect(token.expires_in).toBe(0);
    expect(token.expires_at).toBe(token.obtained_at);
  });
});

describe.each(PROFILES)('a site issuing tokens for longer than a day on %s', (profile) => {
  it('keeps them for a day at most', async () => {
    const site = await startSite(profile, { tokenLifetimeSeconds: 10 * 86_400 });
    const client = clientFor(site);
    const token = await authorizeAs(client, site, USERS.alice.email);
    expect(token.expires_in).toBe(MAX_TOKEN_LIFETIME_SECONDS);
    expect(token.expires_at - (token.obtained_at ?? 0)).toBe(MAX_TOKEN_LIFETIME_SECONDS);
  });
});
