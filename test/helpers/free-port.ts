import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1, for what must know its port before it listens:
 * a loopback redirect URI names its port exactly as registered at the emulator's client, and a
 * private Redis is started on a port chosen in advance.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
