/**
 * A fixed-response HTTP server in its own process, so the clients measured against it have the
 * bench process (and a core) to themselves: every request gets the same Customer document as
 * `GET /api/resource/Customer/<name>` would, with keep-alive. It counts the requests it serves and
 * answers 401 to any without the expected bearer header, so every contender is known to send it.
 *
 * `startFixedServer()` forks it and returns its URL, its request count and a stop function.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const FIXED_TOKEN = 'bench-fixed-access-token';

const CUSTOMER = {
  name: 'Generated Customer 000001',
  owner: 'Administrator',
  creation: '2025-01-01 12:00:00.000000',
  modified: '2025-01-01 12:00:00.000000',
  modified_by: 'Administrator',
  docstatus: 0,
  idx: 0,
  customer_name: 'Generated Customer 000001',
  customer_type: 'Company',
  customer_group: 'Individual',
  territory: 'India',
  email_id: 'customer1@example.com',
  mobile_no: null,
  default_currency: null,
  credit_limit: 1000,
  disabled: 0,
  doctype: 'Customer',
};

type Message = { type: 'count' } | { type: 'reset' };

export interface FixedServer {
  url: string;
  /** Requests served since the last reset (asked of the server process). */
  count(): Promise<{ requests: number; unauthorized: number }>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

if (process.argv[2] === '--fixed-server') serve();

function serve(): void {
  const body = Buffer.from(JSON.stringify({ data: CUSTOMER }));
  const denied = Buffer.from(JSON.stringify({ exc_type: 'AuthenticationError' }));
  const expected = `Bearer ${FIXED_TOKEN}`;
  let requests = 0;
  let unauthorized = 0;
  const server = createServer({ keepAlive: true, keepAliveTimeout: 120_000 }, (request, response) => {
    requests += 1;
    request.resume();
    const ok = request.headers.authorization === expected;
    if (!ok) unauthorized += 1;
    response.writeHead(ok ? 200 : 401, {
      'Content-Type': 'application/json',
      'Content-Length': ok ? body.length : denied.length,
    });
    response.end(ok ? body : denied);
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    process.send?.({ port: address.port });
  });
  process.on('message', (message: Message) => {
    if (message.type === 'reset') {
      requests = 0;
      unauthorized = 0;
    }
    process.send?.({ requests, unauthorized });
  });
  process.on('disconnect', () => process.exit(0));
}

export async function startFixedServer(): Promise<FixedServer> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--fixed-server'], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the fixed server exited with ${code}`)));
  });
  const ask = (message: Message) =>
    new Promise<{ requests: number; unauthorized: number }>((resolve) => {
      child.once('message', (answer) => resolve(answer as { requests: number; unauthorized: number }));
      child.send(message);
    });
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => ask({ type: 'count' }),
    reset: async () => {
      await ask({ type: 'reset' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
