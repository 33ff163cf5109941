import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthorizationDeniedError, FrappeConfigurationError, FrappeNetworkError } from '../../src';
import type { FrappeEmulator } from '../../src/testing';
import { clientFor, PROFILES, startSite, USERS } from '../helpers/frappe-site';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

/** A port that was free a moment ago: the redirect URI must name one before the client starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function loopbackSite(
  profile: (typeof PROFILES)[number],
): Promise<{ site: FrappeEmulator; redirectUri: string }> {
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  const site = await startSite(profile);
  site.addClient({
    clientId: 'cli',
    clientSecret: 'cli-secret',
    scopes: ['all', 'openid'],
    redirectUris: [redirectUri],
    skipAuthorization: true,
  });
  auditSecret('cli-secret');
  return { site, redirectUri };
}

/** A logged-in browser: follows Frappe's redirects and lands on the loopback receiver. */
async function browse(
  site: FrappeEmulator,
  url: string,
  user: string,
): Promise<{ status: number; page: string }> {
  const cookie = site.sessionCookie(user);
  let next = url;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(next, { redirect: 'manual', headers: { cookie } });
    const location = response.headers.get('location');
    if (!location) return { status: response.status, page: await response.text() };
    next = new URL(location, next).toString();
  }
  throw new Error('too many redirects');
}

describe.each(PROFILES)('authorizeViaLoopback on %s', (profile) => {
  it('takes the browser back on the redirect URI and stores the token', async () => {
    const { site, redirectUri } = await loopbackSite(profile);
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    let page: Promise<{ status: number; page: string }> | undefined;
    const token = await client.authorizeViaLoopback({
      onAuthorizationUrl: (url) => {
        // the browser, opened by the user on the printed URL
        page = browse(site, url, USERS.alice.email);
      },
    });
    expect(token.user).toBe(USERS.alice.email);
    expect(await client.getAccessToken()).toBe(token.access_token);
    const shown = await page;
    expect(shown?.status).toBe(200);
    expect(shown?.page).toContain('Signed in');
    expect(shown?.page).not.toContain(token.access_token);
  });
});

describe('authorizeViaLoopback', () => {
  it('reports Deny and shows the failure page', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    let shown: Promise<Response> | undefined;
    await rejectionOf(
      client.authorizeViaLoopback({
        onAuthorizationUrl: () => {
          shown = fetch(`${redirectUri}?error=access_denied`);
        },
      }),
      AuthorizationDeniedError,
    );
    expect((await shown)?.status).toBe(400);
  });

  it('ignores other paths while it waits, and gives up after its timeout', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    let stray: Promise<Response> | undefined;
    const error = await rejectionOf(
      client.authorizeViaLoopback({
        timeoutMs: 300,
        onAuthorizationUrl: () => {
          stray = fetch(new URL('/favicon.ico', redirectUri));
        },
      }),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('timeout');
    expect((await stray)?.status).toBe(404);
    // the port is free again
    await expect(fetch(redirectUri)).rejects.toThrow();
  });

  it('stops on abort', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    const controller = new AbortController();
    const error = await rejectionOf(
      client.authorizeViaLoopback({
        signal: controller.signal,
        onAuthorizationUrl: () => controller.abort(),
      }),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('aborted');
  });

  it('needs a loopback http redirect URI with a port', async () => {
    const site = await startSite('v15');
    const client = clientFor(site, { redirectUri: 'https://shop.example.com/callback' });
    await rejectionOf(
      client.authorizeViaLoopback({ onAuthorizationUrl: () => undefined }),
      FrappeConfigurationError,
    );
  });
});
