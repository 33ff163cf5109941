import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FrappeConfigurationError, FrappeNetworkError, FrappeOAuthClient } from '../../src';
import { AxiosEngine } from '../../src/transport/axios-engine';
import { proxyRoutes } from '../../src/transport/proxy';
import type {
  CancelSignal,
  TransportEngine,
  TransportRequest,
  TransportResponse,
} from '../../src/transport/transport';
import { UndiciEngine } from '../../src/transport/undici-engine';
import { authorizeAs, clientFor, startSite, TEST_TRANSPORT, USERS } from '../helpers/frappe-site';
import { streamBody } from '../helpers/hostile-server';
import { runNode } from '../helpers/run-node';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { clientHolding } from '../helpers/token-holder';

const ACCESS_TOKEN = 'undici-engine-test-access-token';
auditSecret(ACCESS_TOKEN);

afterAll(() => {
  expectNoSecretsLeaked();
});

// --- local servers ------------------------------------------------------------------------------

interface LocalServer {
  url: string;
  port: number;
  server: Server;
  /** Requests seen, as `METHOD url` (absolute-form when a proxy was sent one). */
  seen: string[];
  /** TCP connections accepted. */
  connections: Socket[];
}

const servers: Array<{ server: Server; sockets: Set<Socket> }> = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      ({ server, sockets }) =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** An http server on 127.0.0.1, port 0, answering as the test says; stopped after each test. */
async function startServer(
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  const connections: Socket[] = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    handle(request, response);
  });
  // Keep idle connections open long: a client that held them ref'd would keep Node alive.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    connections.push(socket);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, server, seen, connections };
}

/** The request's body as text. */
function bodyOf(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** A server that answers every request with what it received, as JSON. */
function echoServer(): Promise<LocalServer> {
  return startServer(async (request, response) => {
    const body = await bodyOf(request);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: String(body),
      }),
    );
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const { server, port } = await startServer(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// --- the engine under test ----------------------------------------------------------------------

const engines: TransportEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.close();
});

function undiciEngine(env: Record<string, string> = {}): UndiciEngine {
  const engine = new UndiciEngine('frappe-oauth-client-test', proxyRoutes(env));
  engines.push(engine);
  return engine;
}

type SendOptions = { signal?: CancelSignal; timeoutMs: number; maxResponseBytes: number };

function send(
  engine: TransportEngine,
  url: string,
  request: Partial<TransportRequest> = {},
  options: Partial<SendOptions> = {},
): Promise<TransportResponse> {
  const target = new URL(url);
  return engine.send(
    target,
    { url: target.pathname, ...request, method: request.method ?? 'GET' },
    { timeoutMs: 5000, maxResponseBytes: 1024 * 1024, ...options },
  );
}

/** Fails the test if `promise` has not settled within `ms` (a hang guard, not a speed goal). */
function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function json<T = Record<string, unknown>>(response: TransportResponse): T {
  return JSON.parse(response.data) as T;
}

// --- requests -----------------------------------------------------------------------------------

describe('UndiciEngine: requests and responses', () => {
  it('sends a GET with the default headers and returns lower-case headers (set-cookie kept apart)', async () => {
    const server = await startServer((request, response) => {
      response.setHeader('Content-Type', 'application/json');
      response.setHeader('X-Many', ['a', 'b']);
      response.setHeader('Set-Cookie', ['sid=1; HttpOnly', 'theme=dark']);
      response.end(JSON.stringify({ headers: request.headers, url: request.url }));
    });
    const response = await send(undiciEngine(), `${server.url}/api/method/ping?x=1`);
    expect(response.status).toBe(200);
    expect(response.statusText).toBe('OK');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-many']).toBe('a, b');
    expect(response.headers['set-cookie']).toEqual(['sid=1; HttpOnly', 'theme=dark']);
    expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
    const seen = json<{ headers: Record<string, string>; url: string }>(response);
    expect(seen.url).toBe('/api/method/ping?x=1');
    expect(seen.headers['user-agent']).toBe('frappe-oauth-client-test');
    expect(seen.headers.accept).toBe('application/json');
    expect(seen.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('never throws on a status: 404 and 500 come back as they are', async () => {
    const server = await startServer((request, response) => {
      const status = request.url === '/missing' ? 404 : 500;
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end(`<h1>${status}</h1>`);
    });
    const engine = undiciEngine();
    const missing = await send(engine, `${server.url}/missing`);
    expect([missing.status, missing.statusText, missing.data]).toEqual([404, 'Not Found', '<h1>404</h1>']);
    const broken = await send(engine, `${server.url}/broken`);
    expect([broken.status, broken.statusText]).toEqual([500, 'Internal Server Error']);
  });

  it('sends a JSON value as JSON, a string as is, and keeps a content type it is given', async () => {
    const server = await echoServer();
    const engine = undiciEngine();
    const post = async (request: Partial<TransportRequest>) =>
      json<{ method: string; headers: Record<string, string>; body: string }>(
        await send(engine, `${server.url}/api/resource/ToDo`, { method: 'POST', ...request }),
      );

    const object = await post({ data: { description: 'café', n: 1 } });
    expect(object.headers['content-type']).toBe('application/json');
    expect(object.body).toBe('{"description":"café","n":1}');

    const form = await post({
      data: 'grant_type=refresh_token&x=%20',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form.body).toBe('grant_type=refresh_token&x=%20');

    const vendor = await post({ data: { a: 1 }, headers: { 'content-type': 'application/vnd.api+json' } });
    expect(vendor.headers['content-type']).toBe('application/vnd.api+json');

    // as axios does: a POST body without a content type goes as a form
    const bare = await post({ data: 'a=1&b=2' });
    expect(bare.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(bare.body).toBe('a=1&b=2');

    const put = json<{ method: string; body: string }>(
      await send(engine, `${server.url}/api/resource/ToDo/1`, { method: 'PUT', data: [1, 2] }),
    );
    expect([put.method, put.body]).toEqual(['PUT', '[1,2]']);
  });

  it('uploads FormData as multipart (boundary of its own, a caller content type replaced)', async () => {
    let received: { fields: Record<string, string>; file?: { name: string; type: string; text: string } } = {
      fields: {},
    };
    const server = await startServer(async (request, response) => {
      const body = await bodyOf(request);
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': String(request.headers['content-type']) },
      }).formData();
      received = { fields: {} };
      for (const [name, value] of form as unknown as Iterable<[string, string | File]>) {
        if (typeof value === 'string') received.fields[name] = value;
        else received.file = { name: value.name, type: value.type, text: await value.text() };
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ contentType: request.headers['content-type'] }));
    });
    const form = new FormData();
    form.append('file', new Blob(['hello, frappe\n'], { type: 'text/plain' }), 'notes.txt');
    form.append('is_private', '1');
    const response = await send(undiciEngine(), `${server.url}/api/method/upload_file`, {
      method: 'POST',
      data: form,
      headers: { 'Content-Type': 'multipart/form-data' },
    });
    expect(json<{ contentType: string }>(response).contentType).toMatch(
      /^multipart\/form-data; boundary=\S+$/,
    );
    expect(received).toEqual({
      fields: { is_private: '1' },
      file: { name: 'notes.txt', type: 'text/plain', text: 'hello, frappe\n' },
    });
  });

  it('follows no redirect: a 302 comes back as is', async () => {
    const server = await startServer((request, response) => {
      if (request.url === '/start') {
        response.writeHead(302, { location: '/elsewhere' });
        response.end();
        return;
      }
      response.end('followed');
    });
    const response = await send(undiciEngine(), `${server.url}/start`);
    expect(response.status).toBe(302);
    expect(response.statusText).toBe('Found');
    expect(response.headers.location).toBe('/elsewhere');
    expect(server.seen).toEqual(['GET /start']);
  });

  it('decodes the body as UTF-8: invalid bytes become U+FFFD, a character split across chunks survives', async () => {
    const server = await startServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      if (request.url === '/invalid') {
        response.end(Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0x63]));
        return;
      }
      const bytes = Buffer.from('café ✓', 'utf8');
      response.write(bytes.subarray(0, 4)); // 'caf' and the first byte of 'é'
      setTimeout(() => response.end(bytes.subarray(4)), 20);
    });
    const engine = undiciEngine();
    expect((await send(engine, `${server.url}/invalid`)).data).toBe('a\uFFFDb\uFFFD(c');
    expect((await send(engine, `${server.url}/split`)).data).toBe('café ✓');
  });

  it('reuses keep-alive connections, and close() closes them', async () => {
    const server = await startServer((_request, response) => response.end('{}'));
    const engine = undiciEngine();
    for (let index = 0; index < 6; index++) expect((await send(engine, `${server.url}/x`)).status).toBe(200);
    // undici's pool may open a second connection for a request sent right as the first one
    // completes; after that they are reused.
    expect(server.connections.length).toBeLessThanOrEqual(2);
    engine.close();
    await expect
      .poll(() => server.connections.every((socket) => socket.destroyed), { timeout: 5000 })
      .toBe(true);
    // still usable afterwards (a new pool), as the axios engine is
    const before = server.connections.length;
    expect((await send(engine, `${server.url}/x`)).status).toBe(200);
    expect(server.connections.length).toBe(before + 1);
  });
});

// --- compression and bounds ---------------------------------------------------------------------

describe('UndiciEngine: compressed bodies and maxResponseBytes', () => {
  const text = JSON.stringify({ data: { name: 'Jane', note: 'ü'.repeat(2000) } });
  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
  ] as const)('decompresses %s (%o) and drops content-encoding', async (encoding, compress) => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      response.end(compress(Buffer.from(text)));
    });
    const response = await send(undiciEngine(), `${server.url}/x`);
    expect(response.data).toBe(text);
    expect(response.headers['content-encoding']).toBeUndefined();
  });

  it('leaves a body in an unknown coding as it came, header and all; a 204 or HEAD has no body to decode', async () => {
    const server = await startServer((request, response) => {
      if (request.url === '/empty') {
        response.writeHead(204, { 'content-encoding': 'gzip' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-encoding': request.url === '/head' ? 'gzip' : 'x-custom' });
      response.end('opaque');
    });
    const engine = undiciEngine();
    const odd = await send(engine, `${server.url}/odd`);
    expect([odd.data, odd.headers['content-encoding']]).toEqual(['opaque', 'x-custom']);
    const empty = await send(engine, `${server.url}/empty`);
    expect([empty.status, empty.data, empty.headers['content-encoding']]).toEqual([204, '', undefined]);
    const head = await send(engine, `${server.url}/head`, { method: 'HEAD' });
    expect([head.status, head.data, head.headers['content-encoding']]).toEqual([200, '', undefined]);
  });

  it('a gzip bomb counts its decompressed bytes: too_large past maxResponseBytes', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(bomb);
    });
    const error = await rejectionOf(
      settlesWithin(send(undiciEngine(), `${server.url}/api/resource/Customer`), 10_000),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('too_large');
    expect(error.message).toBe('GET /api/resource/Customer answered more than 1048576 bytes');
  });

  it('a 100 MB body stops at 1 MiB: too_large, and the server sees the connection closed', async () => {
    let written: number | undefined;
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      streamBody(response, 100 * 1024 * 1024, 64 * 1024, (count) => {
        written = count;
      });
    });
    const error = await rejectionOf(
      settlesWithin(send(undiciEngine(), `${server.url}/big`), 10_000),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('too_large');
    await expect.poll(() => written, { timeout: 5000 }).toBeDefined();
    expect(written).toBeLessThan(100 * 1024 * 1024);
    await expect.poll(() => server.connections[0]?.destroyed, { timeout: 5000 }).toBe(true);
  });

  it('a declared content-length past the bound fails before reading; a body at the bound is fine', async () => {
    const server = await startServer((request, response) => {
      const size = request.url === '/declared' ? 10 * 1024 * 1024 : 1024;
      response.writeHead(200, { 'content-length': String(size) });
      streamBody(response, size, 1024, () => undefined);
    });
    const engine = undiciEngine();
    const error = await rejectionOf(send(engine, `${server.url}/declared`), FrappeNetworkError);
    expect(error.reason).toBe('too_large');
    expect((await send(engine, `${server.url}/exact`, {}, { maxResponseBytes: 1024 })).data).toHaveLength(
      1024,
    );
  });
});

// --- failures -----------------------------------------------------------------------------------

describe('UndiciEngine: deadlines, aborts and failed connections', () => {
  it('timeoutMs bounds the whole request: a body trickling a byte every 200 ms times out', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data": ');
      const timer = setInterval(() => response.write(' '), 200);
      response.on('close', () => clearInterval(timer));
    });
    const error = await rejectionOf(
      settlesWithin(send(undiciEngine(), `${server.url}/slow`, {}, { timeoutMs: 1000 }), 8000),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('GET /slow timed out after 1000 ms');
  });

  it('a server that never answers times out too', async () => {
    const server = await startServer(() => undefined);
    const error = await rejectionOf(
      settlesWithin(send(undiciEngine(), `${server.url}/mute`, {}, { timeoutMs: 300 }), 8000),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('timeout');
  });

  it("the caller's signal aborts the request, during the body too", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200);
      response.write('{"partial": ');
    });
    const controller = new AbortController();
    const pending = send(undiciEngine(), `${server.url}/stalled`, {}, { signal: controller.signal });
    await expect.poll(() => server.seen.length).toBe(1);
    setTimeout(() => controller.abort(), 50);
    const error = await rejectionOf(settlesWithin(pending, 5000), FrappeNetworkError);
    expect(error.reason).toBe('aborted');
    expect(error.message).toBe('GET /stalled was aborted');
  });

  it('an abort whose reason is a FrappeNetworkError rethrows that very error', async () => {
    const server = await startServer(() => undefined);
    const controller = new AbortController();
    const reason = new FrappeNetworkError({
      message: 'the call timed out',
      reason: 'timeout',
      code: 'ETIMEDOUT',
    });
    const pending = send(undiciEngine(), `${server.url}/x`, {}, { signal: controller.signal });
    await expect.poll(() => server.seen.length).toBe(1);
    controller.abort(reason);
    expect(await rejectionOf(pending, FrappeNetworkError)).toBe(reason);
  });

  it('takes any cancel signal (a call scope is not an AbortSignal) and leaves no listener on it', async () => {
    const server = await startServer(() => undefined);
    const listeners = new Set<() => void>();
    const cancel = {
      aborted: false,
      reason: undefined as unknown,
      addEventListener: (_type: 'abort', listener: () => void) => listeners.add(listener),
      removeEventListener: (_type: 'abort', listener: () => void) => listeners.delete(listener),
    };
    const reason = new FrappeNetworkError({ message: 'GET /x was aborted', reason: 'aborted' });
    const pending = send(undiciEngine(), `${server.url}/x`, {}, { signal: cancel });
    await expect.poll(() => server.seen.length).toBe(1);
    expect(listeners.size).toBe(1);
    Object.assign(cancel, { aborted: true, reason });
    for (const listener of [...listeners]) listener();
    expect(await rejectionOf(pending, FrappeNetworkError)).toBe(reason);
    expect(listeners.size).toBe(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const server = await startServer((_request, response) => response.end('{}'));
    const error = await rejectionOf(
      send(undiciEngine(), `${server.url}/x`, {}, { signal: AbortSignal.abort() }),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('aborted');
    expect(server.seen).toEqual([]);
  });

  it('a refused connection is FrappeNetworkError connection, never an undici error with headers', async () => {
    const port = await closedPort();
    const error = await rejectionOf(
      send(undiciEngine(), `http://127.0.0.1:${port}/api/resource/ToDo`, {
        headers: { Authorization: `Bearer ${ACCESS_TOKEN}` },
      }),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('connection');
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe('GET /api/resource/ToDo failed without a complete response (ECONNREFUSED)');
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify({ ...error, json: error.toJSON() })).not.toContain(ACCESS_TOKEN);
  });

  it('a connection reset mid-body is a connection failure', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('{"cut');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const error = await rejectionOf(send(undiciEngine(), `${server.url}/cut`), FrappeNetworkError);
    expect(error.reason).toBe('connection');
  });
});

// --- proxies ------------------------------------------------------------------------------------

interface Proxy {
  url: string;
  /** `GET http://…` for forwarded requests, `CONNECT host:port` for tunnels. */
  seen: string[];
  /** Proxy-Authorization headers received. */
  auth: Array<string | undefined>;
  /** The bytes that went through tunnels towards the target. */
  tunnelled: Buffer[];
  connections: Socket[];
}

/**
 * A forward proxy on 127.0.0.1: absolute-form requests are forwarded, CONNECT is tunnelled (or
 * refused with `refuseConnect`); every target host is mapped to `origin`, a local server.
 */
async function startProxy(origin: LocalServer, { refuseConnect = false } = {}): Promise<Proxy> {
  const proxy: Proxy = { url: '', seen: [], auth: [], tunnelled: [], connections: [] };
  const local = await startServer((request, response) => {
    proxy.auth.push(request.headers['proxy-authorization']);
    const target = new URL(request.url ?? '/');
    const { 'proxy-authorization': _auth, 'proxy-connection': _connection, ...headers } = request.headers;
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: origin.port,
        method: request.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  proxy.seen = local.seen;
  proxy.connections = local.connections;
  local.server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    proxy.seen.push(`CONNECT ${request.url}`);
    proxy.auth.push(request.headers['proxy-authorization']);
    if (refuseConnect) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = netConnect(origin.port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.on('data', (chunk: Buffer) => proxy.tunnelled.push(chunk));
      client.pipe(upstream).pipe(client);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  proxy.url = local.url;
  return proxy;
}

describe('UndiciEngine: proxies', () => {
  it('forwards an http target through HTTP_PROXY with the proxy credentials, pooled, closed by close()', async () => {
    const origin = await echoServer();
    const proxy = await startProxy(origin);
    const proxyUrl = new URL(proxy.url);
    proxyUrl.username = 'squid';
    proxyUrl.password = 'p@ss';
    const engine = undiciEngine({ HTTP_PROXY: proxyUrl.href });
    for (let index = 0; index < 3; index++) {
      const response = await send(engine, 'http://erp.example.test/api/resource/ToDo?limit=1');
      expect(response.status).toBe(200);
      const seen = json<{ url: string; headers: Record<string, string> }>(response);
      expect(seen.url).toBe('/api/resource/ToDo?limit=1');
      expect(seen.headers.host).toBe('erp.example.test');
    }
    expect(proxy.seen).toEqual(Array(3).fill('GET http://erp.example.test/api/resource/ToDo?limit=1'));
    expect(proxy.auth).toEqual(Array(3).fill(`Basic ${Buffer.from('squid:p@ss').toString('base64')}`));
    expect(proxy.connections.length).toBeLessThanOrEqual(2);
    engine.close();
    await expect
      .poll(() => proxy.connections.every((socket) => socket.destroyed), { timeout: 5000 })
      .toBe(true);
  });

  it('reaches an https target only through a CONNECT tunnel: the proxy sees TLS, never the token', async () => {
    // The tunnel leads to a plain http server, so the TLS handshake fails — after the proxy saw it.
    const origin = await echoServer();
    const proxy = await startProxy(origin);
    const engine = undiciEngine({ HTTPS_PROXY: proxy.url });
    const error = await rejectionOf(
      send(engine, 'https://erp.example.test/api/resource/ToDo', {
        headers: { Authorization: `Bearer ${ACCESS_TOKEN}` },
      }),
      FrappeNetworkError,
    );
    expect(error.reason).not.toBe('too_large');
    expect(proxy.seen).toEqual(['CONNECT erp.example.test:443']);
    const bytes = Buffer.concat(proxy.tunnelled);
    expect(bytes[0]).toBe(0x16); // a TLS handshake record
    expect(bytes.toString('latin1')).not.toContain(ACCESS_TOKEN);
    expect(origin.seen).toEqual([]);
  });

  it('a proxy that refuses the tunnel is a connection failure, not an abort', async () => {
    const origin = await echoServer();
    const proxy = await startProxy(origin, { refuseConnect: true });
    const error = await rejectionOf(
      send(undiciEngine({ HTTPS_PROXY: proxy.url }), 'https://erp.example.test/api/resource/ToDo'),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('connection');
    expect(proxy.seen).toEqual(['CONNECT erp.example.test:443']);
  });

  it('loopback targets and NO_PROXY hosts go direct', async () => {
    const origin = await echoServer();
    const proxy = await startProxy(origin);
    const engine = undiciEngine({ HTTP_PROXY: proxy.url, NO_PROXY: '.example.test' });
    expect((await send(engine, `${origin.url}/direct`)).status).toBe(200);
    expect(origin.seen).toEqual(['GET /direct']);
    await rejectionOf(
      send(engine, 'http://erp.example.test/excluded', {}, { timeoutMs: 3000 }),
      FrappeNetworkError,
    );
    expect(proxy.seen).toEqual([]);
  });
});

// --- the same as the axios engine ---------------------------------------------------------------

describe('UndiciEngine and AxiosEngine', () => {
  it('send the same request and return the same response', async () => {
    const server = await startServer(async (request, response) => {
      const body = await bodyOf(request);
      const { 'accept-encoding': _encoding, ...headers } = request.headers;
      const answer = JSON.stringify({
        method: request.method,
        url: request.url,
        headers,
        body: String(body),
      });
      response.setHeader('Set-Cookie', ['a=1', 'b=2']);
      response.setHeader('X-Frappe-Site', ['one', 'two']);
      response.setHeader('Content-Type', 'application/json; charset=utf-8');
      if (request.url?.startsWith('/gzip')) {
        response.setHeader('Content-Encoding', 'gzip');
        response.end(gzipSync(answer));
        return;
      }
      response.end(answer);
    });
    const axios = new AxiosEngine('frappe-oauth-client-test', proxyRoutes({}));
    engines.push(axios);
    const undici = undiciEngine();
    const requests: Array<Partial<TransportRequest>> = [
      { method: 'GET' },
      { method: 'POST', data: { doc: { name: 'x' } } },
      { method: 'POST', data: 'a=1&b=2' },
      { method: 'POST' },
      { method: 'PUT', data: 'x', headers: { 'Content-Type': 'text/plain' } },
      { method: 'POST', data: new URLSearchParams({ token: 'abc' }) },
      { method: 'DELETE' },
      { method: 'GET', url: '/gzip' },
    ];
    for (const request of requests) {
      const path = request.url ?? '/api/x';
      const [fromAxios, fromUndici] = await Promise.all(
        [axios, undici].map((engine) => send(engine, `${server.url}${path}?q=1`, request)),
      );
      const comparable = (response: TransportResponse | undefined) => {
        const { date: _date, 'content-length': _length, ...headers } = response?.headers ?? {};
        const seen = JSON.parse(response?.data ?? '{}') as { headers: Record<string, unknown> };
        const { 'content-length': _sentLength, ...sent } = seen.headers;
        return { status: response?.status, headers, seen: { ...seen, headers: sent } };
      };
      expect(comparable(fromUndici), `${request.method} ${path}`).toEqual(comparable(fromAxios));
    }
  });
});

// --- the client on the undici transport ---------------------------------------------------------

describe("FrappeOAuthClient with transport: 'undici'", () => {
  function clientOf(baseUrl: string, options: Record<string, unknown> = {}): Promise<FrappeOAuthClient> {
    return clientHolding(
      baseUrl,
      { access_token: ACCESS_TOKEN },
      { scopes: ['openid', 'all'], transport: 'undici', ...options },
    );
  }

  it('takes only axios or undici', () => {
    const base = { baseUrl: 'http://127.0.0.1:9', clientId: 'shop' };
    for (const transport of ['fetch', 'UNDICI', '', 1, null]) {
      expect(() => new FrappeOAuthClient({ ...base, transport: transport as never })).toThrow(
        FrappeConfigurationError,
      );
    }
    for (const transport of ['axios', 'undici', undefined] as const) {
      expect(() => new FrappeOAuthClient({ ...base, transport })).not.toThrow();
    }
  });

  it('clientFor gives its clients the transport FRAPPE_TEST_TRANSPORT names, unless told otherwise', async () => {
    const site = await startSite('v15');
    const engineOf = (client: FrappeOAuthClient) =>
      (client as unknown as { context: { transport: { engine: unknown } } }).context.transport.engine;
    expect(engineOf(clientFor(site)) instanceof UndiciEngine).toBe(TEST_TRANSPORT === 'undici');
    expect(engineOf(clientFor(site, { transport: 'undici' }))).toBeInstanceOf(UndiciEngine);
    expect(engineOf(clientFor(site, { transport: 'axios' }))).toBeInstanceOf(AxiosEngine);
  });

  it('runs the authorization-code flow, REST calls and an upload against the emulator', async () => {
    for (const profile of ['v14', 'develop'] as const) {
      const site = await startSite(profile);
      const client = clientFor(site, { transport: 'undici' });
      const token = await authorizeAs(client, site, USERS.alice.email);
      expect(token.user).toBe(USERS.alice.email);
      const customers = await client.getList<{ name: string }>('Customer', { limit: 2 });
      expect(customers.length).toBeGreaterThan(0);
      const file = await client.uploadFile({ file: Buffer.from('über\n'), fileName: 'notes.txt' });
      expect(file.file_size).toBe(6);
      expect((await client.request<string>({ url: file.file_url })).data).toBe('über\n');
    }
  });

  it('a trickling server cannot hold a call past timeoutMs', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data": ');
      const timer = setInterval(() => response.write(' '), 200);
      response.on('close', () => clearInterval(timer));
    });
    const client = await clientOf(server.url, { timeoutMs: 1000 });
    const error = await rejectionOf(
      settlesWithin(client.getDoc('Customer', 'Jane'), 8000),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('timeout');
  });

  it('too_large is not retried', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      streamBody(response, 100 * 1024 * 1024, 64 * 1024, () => undefined);
    });
    const client = await clientOf(server.url, {
      retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 },
      maxResponseBytes: 1024 * 1024,
    });
    const error = await rejectionOf(client.getList('Customer'), FrappeNetworkError);
    expect(error.reason).toBe('too_large');
    expect(server.seen).toHaveLength(1);
  });

  it.each([
    ['after close()', '0'],
    ['without close()', '1'],
  ])('a script on the undici transport ends by itself %s', async (_label, noClose) => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=60' });
      response.end('{"message": "pong"}');
    });
    const script = join(process.cwd(), 'test/fixtures/undici-close.mts');
    const { code, stdout, killed } = await runNode(
      script,
      { SITE_URL: server.url, NO_CLOSE: noClose },
      15_000,
    );
    expect(killed).toBe(false);
    expect(stdout).toContain('done 200');
    expect(code).toBe(0);
  });

  it('loads undici only when the undici transport sends its first request', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"message": "pong"}');
    });
    const script = join(process.cwd(), 'test/fixtures/undici-lazy-load.mts');
    const { code, stdout, killed } = await runNode(script, { SITE_URL: server.url }, 15_000);
    expect(killed).toBe(false);
    expect(code).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
    expect(report).toMatchObject({ imported: 0, constructed: 0, afterAxiosRequest: 0 });
    expect(report.afterUndiciRequest).toBeGreaterThan(0);
  });
});
