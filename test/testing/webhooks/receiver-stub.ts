import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a webhook receiver got. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw header names in the order they came. */
  rawHeaderNames: string[];
  body: Buffer;
}

/**
 * A receiver on 127.0.0.1 that records every request and answers with the next status of
 * `statuses` (the last one repeats); `'hang'` never answers.
 */
export async function startReceiver(statuses: Array<number | 'hang'> = [200]) {
  const received: Received[] = [];
  let index = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        rawHeaderNames: request.rawHeaders.filter((_, i) => i % 2 === 0),
        body: Buffer.concat(chunks),
      });
      const status = statuses[Math.min(index, statuses.length - 1)] ?? 200;
      index += 1;
      if (status === 'hang') return;
      response.statusCode = status;
      response.end(status < 400 ? 'ok' : 'failed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
