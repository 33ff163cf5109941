import { connect } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  FrappeInputError,
  FrappeNetworkError,
  FrappeOAuthClient,
  type FrappeOAuthClientOptions,
} from '../../src';
import { TEST_TRANSPORT } from '../helpers/frappe-site';
import { startHostileServer, streamBody } from '../helpers/hostile-server';
import { runNode } from '../helpers/run-node';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { clientHolding } from '../helpers/token-holder';

const ACCESS_TOKEN = 'hostile-test-access-token';
auditSecret(ACCESS_TOKEN);

const clients: FrappeOAuthClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(() => {
  expectNoSecretsLeaked();
});

/** A client holding a long-lived token without `openid` (so no openid_profile round trip). */
function clientOf(
  baseUrl: string,
  options: Partial<FrappeOAuthClientOptions> = {},
): Promise<FrappeOAuthClient> {
  return clientHolding(baseUrl, { access_token: ACCESS_TOKEN }, { scopes: ['openid', 'all'], ...options });
}

/** Fails the test if `promise` has not settled within `ms` (a hang guard, not a speed goal). */
function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms),
    ),
  ]);
}

describe('deadlines', () => {
  it('timeoutMs bounds the whole call: a server that trickles a byte every 200 ms cannot hold it', async () => {
    const server = await startHostileServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data": ');
      const timer = setInterval(() => response.write(' '), 200);
      response.on('close', () => clearInterval(timer));
    });
    const client = await clientOf(server.url);
    const error = await rejectionOf(
      settlesWithin(client.getDoc('Customer', 'Jane', { timeoutMs: 1500 }), 8000),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('timeout');
    // the client's own default deadline works the same
    const strict = await clientOf(server.url, { timeoutMs: 1000 });
    expect(
      (await rejectionOf(settlesWithin(strict.getDoc('Customer', 'Jane'), 8000), FrappeNetworkError)).reason,
    ).toBe('timeout');
  });

  it('a script whose only pending work is a retry wait stays alive until the call settles', async () => {
    let served = 0;
    const server = await startHostileServer((_request, response) => {
      served += 1;
      if (served === 1) {
        response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        response.end('{"exc_type": "RateLimitExceededError"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"data": {"name": "Jane"}}');
    });
    const script = join(process.cwd(), 'test/fixtures/await-retry-wait.mts');
    const { code, stdout, killed } = await runNode(
      script,
      { SITE_URL: server.url, FRAPPE_TEST_TRANSPORT: TEST_TRANSPORT },
      15_000,
    );
    expect(killed).toBe(false);
    expect(stdout).toContain('got Jane');
    expect(code).toBe(0);
    expect(served).toBe(2);
  });
});

describe('bounds', () => {
  it('a 100 MB answer stops at maxResponseBytes (default 32 MiB), closes the connection and is not retried', async () => {
    const server = await startHostileServer((_request, response, state) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      streamBody(response, 100 * 1024 * 1024, 64 * 1024, (written) => state.bytesWritten.push(written));
    });
    const client = await clientOf(server.url, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } });
    const error = await rejectionOf(client.getList('Customer'), FrappeNetworkError);
    expect(error.reason).toBe('too_large');
    expect(server.requests).toHaveLength(1);
    await expect.poll(() => server.bytesWritten.length).toBe(1);
    expect(server.bytesWritten[0]).toBeLessThan(100 * 1024 * 1024);
  });

  it('a smaller per-call maxResponseBytes applies to request()', async () => {
    const server = await startHostileServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'x'.repeat(5000) }));
    });
    const client = await clientOf(server.url);
    const error = await rejectionOf(
      client.request({ url: '/api/method/ping', maxResponseBytes: 1000 }),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('too_large');
    expect((await client.request({ url: '/api/method/ping' })).status).toBe(200);
  });

  it('a gzip bomb counts its decompressed bytes: the token endpoint takes at most 1 MiB', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    // Every path answers the bomb: the token endpoint first, then a REST call.
    const server = await startHostileServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(bomb);
    });
    const client = new FrappeOAuthClient({
      baseUrl: server.url,
      clientId: 'shop',
      clientSecret: 'shop-secret',
      transport: TEST_TRANSPORT,
    });
    clients.push(client);
    const error = await rejectionOf(
      client.loginWithPassword('alice@example.com', 'alice-pass'),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('too_large');
    // and a REST call stops at its own bound (32 MiB < 64 MiB)
    const rest = await clientOf(server.url);
    expect((await rejectionOf(rest.getList('Customer'), FrappeNetworkError)).reason).toBe('too_large');
  });
});

describe('request() takes only its documented keys', () => {
  it.each([
    ['proxy', { host: '127.0.0.1', port: 9 }],
    ['httpAgent', {}],
    ['httpsAgent', {}],
    ['adapter', 'fetch'],
    ['maxRedirects', 5],
    ['baseURL', 'http://evil.example.com'],
    ['transformRequest', []],
    ['auth', { username: 'a', password: 'b' }],
  ])('refuses %s before anything is sent', async (key, value) => {
    const server = await startHostileServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    const client = await clientOf(server.url);
    const error = await rejectionOf(
      client.request({ url: '/api/method/ping', [key]: value } as never),
      FrappeInputError,
    );
    expect(error.message).toContain(key);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses an Authorization header of its own', async () => {
    const server = await startHostileServer((_request, response) => response.end('{}'));
    const client = await clientOf(server.url);
    await rejectionOf(
      client.request({ url: '/api/method/ping', headers: { Authorization: 'Bearer other' } }),
      FrappeInputError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('proxies from the environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('reaches an https site only through a CONNECT tunnel: the proxy never sees the token', async () => {
    const seen: string[] = [];
    const proxy = await startHostileServer((_request, response) => {
      response.writeHead(500).end();
    });
    // The same port answers CONNECT: record the raw bytes it gets, then refuse the tunnel.
    const raw = await rawRecorder(seen);
    process.env.HTTPS_PROXY = raw.url;
    const client = await clientOf('https://erp.example.test');
    const error = await rejectionOf(client.getDoc('Customer', 'Jane'), FrappeNetworkError);
    expect(error.reason).not.toBe('too_large');
    const bytes = seen.join('');
    expect(bytes).toMatch(/^CONNECT erp\.example\.test:443 HTTP\/1\.1\r\n/);
    expect(bytes).not.toContain(ACCESS_TOKEN);
    expect(bytes.toLowerCase()).not.toContain('authorization: bearer');
    expect(proxy.requests).toHaveLength(0);
    await raw.stop();
  });

  it('forwards plain http through HTTP_PROXY, and NO_PROXY or loopback goes direct', async () => {
    const proxy = await startHostileServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { name: 'Jane', via: request.url } }));
    });
    process.env.HTTP_PROXY = proxy.url;
    const viaProxy = await clientOf('http://erp.example.test', { allowInsecureHttp: true });
    const doc = await viaProxy.getDoc<{ via: string }>('Customer', 'Jane');
    expect(doc.via).toBe('http://erp.example.test/api/resource/Customer/Jane');
    process.env.NO_PROXY = '.example.test';
    const excluded = await clientOf('http://erp.example.test', { allowInsecureHttp: true });
    await rejectionOf(excluded.getDoc('Customer', 'Jane'), FrappeNetworkError);
    expect(proxy.requests).toHaveLength(1);
  });
});

/** A TCP server that records what it receives and answers a CONNECT with 403. */
async function rawRecorder(seen: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const { createServer } = await import('node:net');
  const server = createServer((socket) => {
    socket.on('data', (chunk) => {
      seen.push(String(chunk));
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address() as { port: number };
  // a connect() here proves the port is live before the client uses it
  await new Promise<void>((resolve) => connect(address.port, '127.0.0.1', resolve).end());
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
