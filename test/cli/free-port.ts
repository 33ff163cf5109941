import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1: a loopback redirect URI must name its port
 * exactly as registered, so the test registers this one at the emulator's client.
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
