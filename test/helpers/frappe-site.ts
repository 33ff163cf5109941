import Keyv from 'keyv';
import { afterEach } from 'vitest';
import { FrappeOAuthClient, type FrappeOAuthClientOptions, type StoredToken } from '../../src';
import { type EmulatorProfileName, FrappeEmulator, type FrappeEmulatorOptions } from '../../src/testing';
import { auditError, auditLine, auditSecret, auditSite } from './secret-audit';

export const PROFILES: readonly EmulatorProfileName[] = ['v14', 'v15', 'v16', 'develop'];

export const REDIRECT_URI = 'http://127.0.0.1:8765/callback';

export const USERS = {
  alice: { email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] },
  bob: { email: 'bob@example.com', password: 'bob-pass', roles: ['Stock User'] },
  admin: { email: 'Administrator', password: 'admin', roles: ['System Manager'] },
} as const;

export const CLIENT = { clientId: 'shop', clientSecret: 'shop-secret' } as const;

auditSecret(CLIENT.clientSecret, USERS.alice.password, USERS.bob.password);

const running: FrappeEmulator[] = [];
const clients: FrappeOAuthClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(running.splice(0).map((site) => site.stop()));
});

/** A site with alice (Sales User), bob (Stock User) and the `shop` client; stopped after each test. */
export async function startSite(
  profile: EmulatorProfileName,
  options: Partial<FrappeEmulatorOptions> = {},
): Promise<FrappeEmulator> {
  const site = await FrappeEmulator.start({
    profile,
    port: 0,
    users: [
      { ...USERS.alice, roles: [...USERS.alice.roles] },
      { ...USERS.bob, roles: [...USERS.bob.roles] },
    ],
    clients: [
      {
        ...CLIENT,
        scopes: ['all', 'openid'],
        redirectUris: [REDIRECT_URI],
        skipAuthorization: true,
      },
    ],
    ...options,
  });
  running.push(site);
  auditSite(site);
  return site;
}

/** A local clock the test moves by hand. */
export class ManualClock {
  nowMs = Date.now();
  readonly now = (): number => this.nowMs;
  advance(seconds: number): void {
    this.nowMs += seconds * 1000;
  }
}

/**
 * The engine `clientFor` gives its clients unless a test says otherwise: `FRAPPE_TEST_TRANSPORT`
 * (`axios`, the default, or `undici`); `npm test` runs the integration tests once with each.
 */
export const TEST_TRANSPORT = testTransport(process.env.FRAPPE_TEST_TRANSPORT);

function testTransport(value: string | undefined): 'axios' | 'undici' {
  if (value === undefined || value === '' || value === 'axios') return 'axios';
  if (value === 'undici') return 'undici';
  throw new Error(`FRAPPE_TEST_TRANSPORT must be 'axios' or 'undici', not '${value}'`);
}

/** A log line and its fields, as the leak scan reads them. */
function auditLogLine(message: string, fields?: unknown): void {
  auditLine(fields === undefined ? message : `${message} ${JSON.stringify(fields)}`);
}

/**
 * A client for the site, closed after each test; its log lines (with their fields) and the
 * payloads of every hook go to the leak scan.
 */
export function clientFor(
  site: FrappeEmulator,
  overrides: Partial<FrappeOAuthClientOptions> = {},
): FrappeOAuthClient {
  const client = new FrappeOAuthClient({
    baseUrl: site.url,
    ...CLIENT,
    redirectUri: REDIRECT_URI,
    store: new Keyv(),
    refreshRetry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
    logger: { debug: auditLogLine, info: auditLogLine, warn: auditLogLine, error: auditLogLine },
    transport: TEST_TRANSPORT,
    ...overrides,
  });
  client.on('token', (event) => auditLine(JSON.stringify(event)));
  client.on('request', (event) => auditLine(JSON.stringify(event)));
  client.on('retry', (event) => auditLine(JSON.stringify(event)));
  clients.push(client);
  return client;
}

/** Moves the server's clock and the client's together, as real time would. */
export function advanceTime(site: FrappeEmulator, clock: ManualClock, seconds: number): void {
  site.advanceClock(seconds);
  clock.advance(seconds);
}

/**
 * What a browser does with an authorize URL for a logged-in user whose consent is skipped:
 * follows Frappe's redirects until the client's redirect URI, and returns that callback URL.
 */
export async function approveInBrowser(
  site: FrappeEmulator,
  authorizationUrl: string,
  user: string,
): Promise<string> {
  const cookie = site.sessionCookie(user);
  let url = authorizationUrl;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie } });
    const location = response.headers.get('location');
    if (!location) throw new Error(`authorize stopped at ${response.status} without a redirect`);
    const next = new URL(location, url).toString();
    if (next.startsWith(REDIRECT_URI)) {
      auditSecret(new URL(next).searchParams.get('code') ?? undefined);
      return next;
    }
    url = next;
  }
  throw new Error('too many redirects');
}

/** The whole authorization-code flow for `user`; returns the stored token. */
export async function authorizeAs(
  client: FrappeOAuthClient,
  site: FrappeEmulator,
  user: string,
): Promise<StoredToken> {
  const callback = await approveInBrowser(site, await client.getAuthorizationUrl(), user);
  try {
    return await client.handleCallback(callback);
  } catch (error) {
    auditError(error);
    throw error;
  }
}

/** How many requests the site served for a path suffix. */
export function countRequests(site: FrappeEmulator, pathSuffix: string): number {
  return site.requests().filter((entry) => entry.path.endsWith(pathSuffix)).length;
}

/** The statuses the site answered for a path suffix, in the order it served them. */
export function statusesServed(site: FrappeEmulator, pathSuffix: string): number[] {
  return site
    .requests()
    .filter((entry) => entry.path.endsWith(pathSuffix))
    .map((entry) => entry.status);
}

export const TOKEN_PATH = 'frappe.integrations.oauth2.get_token';
export const PROFILE_PATH = 'frappe.integrations.oauth2.openid_profile';
