import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A server on 127.0.0.1 (port 0) that answers as a test tells it to; stopped after each test. */
export interface HostileServer {
  url: string;
  /** Requests seen: method and path. */
  requests: Array<{ method: string; path: string }>;
  /** Bytes the handlers managed to write before the client went away, per request. */
  bytesWritten: number[];
  stop(): Promise<void>;
}

const running: Server[] = [];

afterEach(async () => {
  await Promise.all(
    running.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

export async function startHostileServer(
  handle: (request: IncomingMessage, response: ServerResponse, server: HostileServer) => void,
): Promise<HostileServer> {
  const state: HostileServer = {
    url: '',
    requests: [],
    bytesWritten: [],
    stop: async () => undefined,
  };
  const server = createServer((request, response) => {
    state.requests.push({ method: request.method ?? 'GET', path: (request.url ?? '/').split('?')[0] ?? '/' });
    handle(request, response, state);
  });
  running.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Writes `total` bytes of a JSON-looking body in chunks, counting what got out; stops when the client leaves. */
export function streamBody(
  response: ServerResponse,
  total: number,
  chunkSize: number,
  count: (n: number) => void,
): void {
  const chunk = Buffer.alloc(chunkSize, 0x20);
  let written = 0;
  let closed = false;
  response.on('close', () => {
    closed = true;
    count(written);
  });
  const pump = () => {
    while (!closed && written < total) {
      written += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!closed) response.end();
  };
  pump();
}
