import { FrappeEmulator, type FrappeEmulatorOptions } from '../../../src/testing/index';

export const PROFILES = ['v14', 'v15', 'v16', 'develop'] as const;
export type Profile = (typeof PROFILES)[number];

export const ALICE = { email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] };
export const BOB = {
  email: 'bob@example.com',
  password: 'bob-pass',
  roles: ['Stock User'],
  apiKey: 'bob-key',
  apiSecret: 'bob-secret',
};
export const SHOP = {
  clientId: 'shop',
  clientSecret: 'shop-secret',
  scopes: ['all', 'openid'],
  redirectUris: ['http://127.0.0.1:8765/callback'],
  skipAuthorization: true,
};

export const LOGGED_USER = '/api/method/frappe.auth.get_logged_user';
export const PING = '/api/method/ping';

/** A site with Alice, Bob (API key) and the `shop` client; no seed data (these tests need none). */
export function startSite(options: FrappeEmulatorOptions = {}): Promise<FrappeEmulator> {
  return FrappeEmulator.start({ port: 0, users: [ALICE, BOB], clients: [SHOP], seed: false, ...options });
}

/**
 * Mints a token pair straight into the site's token table. These tests are about how the core
 * authenticates a request carrying a token, not about issuance: the OAuth endpoints (written and
 * tested separately) would only add an unrelated dependency here.
 */
export function mintToken(
  site: FrappeEmulator,
  user: string = ALICE.email,
  expiresIn: number = site.site.tokenLifetimeSeconds,
): { accessToken: string; refreshToken: string } {
  return site.site.tokens.issue({
    clientId: SHOP.clientId,
    user,
    scopes: ['all', 'openid'],
    createdAtMs: site.site.clock.nowMs(),
    expiresIn,
  });
}

export interface CallResult {
  res: Response;
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
  cookies: string[];
}

export async function call(site: FrappeEmulator, path: string, init: RequestInit = {}): Promise<CallResult> {
  const res = await fetch(`${site.url}${path}`, { redirect: 'manual', ...init });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { res, status: res.status, headers: res.headers, text, json, cookies: res.headers.getSetCookie() };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** `sid` from a response's Set-Cookie headers. */
export function sidOf(cookies: readonly string[]): string | undefined {
  for (const cookie of cookies) {
    const match = /^sid=([^;]*)/.exec(cookie);
    if (match) return match[1];
  }
  return undefined;
}

/** Decodes Frappe's double-encoded `_server_messages`. */
export function serverMessages(body: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  const raw = body?._server_messages;
  if (typeof raw !== 'string') return [];
  return (JSON.parse(raw) as string[]).map((entry) => JSON.parse(entry) as Record<string, unknown>);
}

export async function login(
  site: FrappeEmulator,
  usr: string = ALICE.email,
  pwd: string = ALICE.password,
): Promise<string> {
  const result = await call(site, '/api/method/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ usr, pwd }),
  });
  const sid = sidOf(result.cookies);
  if (result.status !== 200 || !sid) throw new Error(`login failed: ${result.status} ${result.text}`);
  return sid;
}
