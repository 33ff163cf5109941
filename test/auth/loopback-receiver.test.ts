import { Agent, get } from 'node:http';
import { connect, createServer } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import {
  AuthorizationDeniedError,
  FrappeConfigurationError,
  FrappeError,
  FrappeNetworkError,
  FrappeOAuthError,
} from '../../src';
import { receiveCallback } from '../../src/auth/loopback-receiver';
import type { FrappeEmulator } from '../../src/testing';
import { clientFor, countRequests, PROFILES, startSite, TOKEN_PATH, USERS } from '../helpers/frappe-site';
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

function stateOf(authorizationUrl: string): string {
  return new URL(authorizationUrl).searchParams.get('state') ?? '';
}

/** A request from something else on this machine: its status and page. */
async function poke(url: string): Promise<{ status: number; page: string }> {
  const response = await fetch(url);
  return { status: response.status, page: await response.text() };
}

/** What a raw HTTP request gets back: the status line (for request targets fetch would not send). */
async function rawRequest(url: string, requestTarget: string): Promise<string> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  socket.write(`GET ${requestTarget} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  await new Promise<void>((resolve, reject) => socket.on('close', () => resolve()).on('error', reject));
  return received.split('\r\n')[0];
}

/** Whether the promise has settled yet, without leaving its rejection unhandled before the test awaits it. */
function watch(promise: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

/** A few macrotask turns: long enough for Node to report a rejection nobody handled. */
const turns = () => new Promise<void>((resolve) => setTimeout(resolve, 30));

let unhandled: Mock<(reason: unknown) => void>;
beforeEach(() => {
  unhandled = vi.fn<(reason: unknown) => void>();
  process.on('unhandledRejection', unhandled);
});
afterEach(() => {
  process.off('unhandledRejection', unhandled);
});

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

describe('authorizeViaLoopback against forged requests', () => {
  it.each([
    ['a wrong state', '?code=forged-code-1234&state=forged-state-1234'],
    ['no state', '?code=forged-code-1234'],
    ['two states', '?code=forged-code-1234&state=forged-state-1234&state=forged-state-5678'],
    ['no query at all', ''],
  ])('answers a callback with %s 400 and waits for the real one', async (_, query) => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    let forged: { status: number; page: string } | undefined;
    let real: Promise<{ status: number; page: string }> | undefined;
    const token = await client.authorizeViaLoopback({
      timeoutMs: 3000,
      onAuthorizationUrl: async (url) => {
        forged = await poke(`${redirectUri}${query}`);
        real = browse(site, url, USERS.alice.email);
      },
    });
    expect(token.user).toBe(USERS.alice.email);
    expect(forged?.status).toBe(400);
    expect(forged?.page).not.toContain('forged');
    expect((await real)?.status).toBe(200);
    // the forged code was never exchanged: only the real one was
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it.each([
    ['a stateless error other than access_denied', '?error=server_error&error_description=forged-text'],
    ['access_denied with a wrong state', '?error=access_denied&state=forged-state-1234'],
    ['access_denied with a code', '?error=access_denied&code=forged-code-1234'],
    ['access_denied twice', '?error=access_denied&error=access_denied'],
  ])('answers %s 400 and still ends on the Deny link', async (_, query) => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    let forged: { status: number; page: string } | undefined;
    let deny: { status: number; page: string } | undefined;
    await rejectionOf(
      client.authorizeViaLoopback({
        timeoutMs: 3000,
        onAuthorizationUrl: async () => {
          forged = await poke(`${redirectUri}${query}`);
          // Frappe's Deny link: the redirect URI and `?error=access_denied`, no state
          deny = await poke(`${redirectUri}?error=access_denied`);
        },
      }),
      AuthorizationDeniedError,
    );
    expect(forged?.status).toBe(400);
    expect(forged?.page).not.toMatch(/forged|server_error/);
    expect(deny?.status).toBe(400);
    expect(deny?.page).toContain('cancelled');
  });

  it('answers a request target that is not a path 400 and keeps waiting', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    const answers: string[] = [];
    const token = await client.authorizeViaLoopback({
      timeoutMs: 3000,
      onAuthorizationUrl: async (url) => {
        answers.push(await rawRequest(redirectUri, 'http://[::1/callback?code=forged-code-1234'));
        answers.push(await rawRequest(redirectUri, `http://127.0.0.1/callback?state=${stateOf(url)}`));
        answers.push(await rawRequest(redirectUri, `//elsewhere.example/callback?state=${stateOf(url)}`));
        await browse(site, url, USERS.alice.email);
      },
    });
    expect(token.user).toBe(USERS.alice.email);
    expect(answers).toEqual([
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 404 Not Found',
    ]);
  });

  it('hands an error that carries its own state to the handler', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    let shown: { status: number; page: string } | undefined;
    const error = await rejectionOf(
      client.authorizeViaLoopback({
        timeoutMs: 3000,
        onAuthorizationUrl: async (url) => {
          shown = await poke(
            `${redirectUri}?error=invalid_scope&error_description=forged-text&state=${stateOf(url)}`,
          );
        },
      }),
      FrappeOAuthError,
    );
    expect(error.error).toBe('invalid_scope');
    expect(shown?.status).toBe(400);
    expect(shown?.page).not.toMatch(/forged|invalid_scope/);
  });

  it('ignores a callback that arrives before the authorize URL is known', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const handled: string[] = [];
    let early: { status: number; page: string } | undefined;
    let late: { status: number; page: string } | undefined;
    await receiveCallback(
      redirectUri,
      {
        timeoutMs: 3000,
        onAuthorizationUrl: async () => {
          late = await poke(`${redirectUri}?code=c0de&state=s1a7e`);
        },
      },
      async () => {
        // even the state about to be issued does not count before the URL is out
        early = await poke(`${redirectUri}?code=c0de&state=s1a7e`);
        return 'https://site.example/api/method/frappe.integrations.oauth2.authorize?state=s1a7e';
      },
      async (callbackUrl) => {
        handled.push(callbackUrl);
      },
    );
    expect(early?.status).toBe(400);
    expect(late?.status).toBe(200);
    expect(handled).toEqual([`${redirectUri}?code=c0de&state=s1a7e`]);
  });
});

describe('authorizeViaLoopback while onAuthorizationUrl is pending', () => {
  it('takes a browser that comes back before onAuthorizationUrl settles, and resolves after it', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    let release: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      release = resolve;
    });
    let shown: { status: number; page: string } | undefined;
    const flow = client.authorizeViaLoopback({
      timeoutMs: 3000,
      onAuthorizationUrl: async (url) => {
        // e.g. a browser launcher that returns only once the browser has come back
        shown = await browse(site, url, USERS.alice.email);
        await opened;
      },
    });
    const flowState = watch(flow);
    await vi.waitFor(() => expect(shown).toBeDefined());
    expect(shown?.status).toBe(200);
    await turns();
    expect(flowState.settled).toBe(false);
    release();
    const token = await flow;
    expect(token.user).toBe(USERS.alice.email);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    await turns();
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('reports a failed exchange while onAuthorizationUrl is pending without an unhandled rejection', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    site.injectFault(/get_token$/, {
      kind: 'status',
      status: 400,
      body: JSON.stringify({ error: 'invalid_grant' }),
      contentType: 'application/json',
    });
    let release: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      release = resolve;
    });
    let shown: { status: number; page: string } | undefined;
    const flow = client.authorizeViaLoopback({
      timeoutMs: 3000,
      onAuthorizationUrl: async (url) => {
        shown = await browse(site, url, USERS.alice.email);
        await opened;
      },
    });
    const flowState = watch(flow);
    await vi.waitFor(() => expect(shown).toBeDefined());
    expect(shown?.status).toBe(400);
    expect(shown?.page).toContain('Sign-in failed');
    await turns();
    expect(unhandled).not.toHaveBeenCalled();
    expect(flowState.settled).toBe(false);
    release();
    await rejectionOf(flow, FrappeError);
    await turns();
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('rejects with a plain error from onAuthorizationUrl as a FrappeConfigurationError and closes', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    const error = await rejectionOf(
      client.authorizeViaLoopback({
        onAuthorizationUrl: () => {
          throw new Error('no browser here');
        },
      }),
      FrappeConfigurationError,
    );
    expect(error.message).toContain('onAuthorizationUrl');
    expect((error.cause as Error | undefined)?.message).toBe('no browser here');
    await expect(fetch(redirectUri)).rejects.toThrow();
    await turns();
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('passes a FrappeError from onAuthorizationUrl through', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    const original = new FrappeNetworkError({
      message: 'the browser could not be opened',
      reason: 'unknown',
    });
    const error = await rejectionOf(
      client.authorizeViaLoopback({
        onAuthorizationUrl: async () => {
          throw original;
        },
      }),
      FrappeNetworkError,
    );
    expect(error).toBe(original);
    await expect(fetch(redirectUri)).rejects.toThrow();
  });

  it('times out while onAuthorizationUrl hangs, and its late rejection stays handled', async () => {
    const { site, redirectUri } = await loopbackSite('v15');
    const client = clientFor(site, { clientId: 'cli', clientSecret: 'cli-secret', redirectUri });
    const error = await rejectionOf(
      client.authorizeViaLoopback({
        timeoutMs: 100,
        onAuthorizationUrl: () =>
          new Promise<void>((_, reject) => setTimeout(() => reject(new Error('late')), 200)),
      }),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('timeout');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(unhandled).not.toHaveBeenCalled();
    await expect(fetch(redirectUri)).rejects.toThrow();
  });
});

describe('receiveCallback on its own', () => {
  const AUTHORIZE_URL = 'https://site.example/api/method/frappe.integrations.oauth2.authorize?state=s1a7e';

  it('handles one callback only: a second one while the first is handled gets 400', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    let handled = 0;
    let release: () => void = () => undefined;
    const exchanged = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first: Promise<{ status: number; page: string }> | undefined;
    let second: { status: number; page: string } | undefined;
    await receiveCallback(
      redirectUri,
      {
        timeoutMs: 2000,
        onAuthorizationUrl: async () => {
          first = poke(`${redirectUri}?code=c0de&state=s1a7e`);
          await vi.waitFor(() => expect(handled).toBe(1));
          second = await poke(`${redirectUri}?code=c0de&state=s1a7e`);
          release();
        },
      },
      async () => AUTHORIZE_URL,
      async () => {
        handled++;
        await exchanged;
      },
    );
    expect(handled).toBe(1);
    expect((await first)?.status).toBe(200);
    expect(second?.status).toBe(400);
  });

  it('leaves no timer, socket or server behind once the callback was handled', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    // a browser that keeps its connection open
    const agent = new Agent({ keepAlive: true });
    let status: number | undefined;
    let socketClosed = false;
    let stalledClosed = false;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let timersLeft: number;
    try {
      await receiveCallback(
        redirectUri,
        {
          onAuthorizationUrl: async () => {
            // someone else's request, stalled halfway through its headers
            const stalled = connect(Number(new URL(redirectUri).port), '127.0.0.1');
            stalled
              .on('error', () => undefined)
              .once('close', () => {
                stalledClosed = true;
              });
            await new Promise<void>((resolve) => stalled.once('connect', resolve));
            await new Promise<void>((resolve) =>
              stalled.write('GET /callback HTTP/1.1\r\nHost: x\r\n', () => resolve()),
            );
            await new Promise<void>((resolve, reject) => {
              get(`${redirectUri}?code=c0de&state=s1a7e`, { agent }, (res) => {
                status = res.statusCode;
                res.socket.once('close', () => {
                  socketClosed = true;
                });
                res.resume();
                res.on('end', () => resolve());
              }).on('error', reject);
            });
          },
        },
        async () => AUTHORIZE_URL,
        async () => undefined,
      );
      timersLeft = vi.getTimerCount();
    } finally {
      vi.useRealTimers();
    }
    expect(status).toBe(200);
    expect(timersLeft).toBe(0);
    await vi.waitFor(() => expect(socketClosed && stalledClosed).toBe(true));
    await expect(fetch(redirectUri)).rejects.toThrow();
    agent.destroy();
  });
});
