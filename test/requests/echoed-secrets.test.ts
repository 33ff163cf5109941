import { inspect } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  AuthorizationRequiredError,
  FrappeError,
  FrappeOAuthClient,
  FrappeValidationError,
  type TokenEvent,
} from '../../src';
import { startHostileServer } from '../helpers/hostile-server';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

const ACCESS = 'echoed-access-token-0123456789';
const REFRESH = 'echoed-refresh-token-9876543210';
const CLIENT_SECRET = 'echoed-client-secret-abcdef';
auditSecret(ACCESS, REFRESH, CLIENT_SECRET);

const clients: FrappeOAuthClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(() => {
  expectNoSecretsLeaked();
});

/** Every rendering of an error a user could log. */
function renderings(error: unknown): string {
  const parts = [inspect(error, { depth: 10 }), JSON.stringify(error)];
  if (error instanceof FrappeError) {
    parts.push(error.message, String(error.stack), String(error.excType), error.messages.join('\n'));
    parts.push(inspect(error.cause, { depth: 10 }));
  }
  return parts.join('\n');
}

async function clientWithToken(baseUrl: string, expiresAt: number): Promise<FrappeOAuthClient> {
  const client = new FrappeOAuthClient({
    baseUrl,
    clientId: 'shop',
    clientSecret: CLIENT_SECRET,
    retry: { retries: 0 },
    refreshRetry: { retries: 0 },
  });
  clients.push(client);
  await client.setToken({
    access_token: ACCESS,
    refresh_token: REFRESH,
    token_type: 'Bearer',
    expires_at: expiresAt,
    scope: 'all',
  });
  return client;
}

describe('secrets a broken server echoes never reach an error', () => {
  it('a 417 quoting the refresh token and the client secret, with the access token as exc_type', async () => {
    const server = await startHostileServer((_request, response) => {
      response.writeHead(417, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          exc_type: ACCESS,
          _server_messages: JSON.stringify([
            JSON.stringify({ message: `Refresh token ${REFRESH} is invalid`, raise_exception: 1 }),
            JSON.stringify({ message: `client secret was <b>${CLIENT_SECRET}</b>` }),
          ]),
        }),
      );
    });
    // The REST call carries only the access token; the client still holds the other two secrets.
    const client = await clientWithToken(server.url, 4102444800);
    const error = await rejectionOf(client.getDoc('Customer', 'Jane'), FrappeValidationError);
    const text = renderings(error);
    for (const secret of [ACCESS, REFRESH, CLIENT_SECRET]) expect(text).not.toContain(secret);
    expect(error.messages.join(' ')).toContain('[redacted]');
    expect(error.messages.join(' ')).toContain('is invalid'); // the rest of the text is kept
    expect(error.excType).toBeUndefined();
  });

  it('a token endpoint refusal whose error_description quotes the access token', async () => {
    const server = await startHostileServer((request, response) => {
      if (request.url?.includes('get_token')) {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            error: 'invalid_grant',
            error_description: `token ${ACCESS} was revoked (${REFRESH})`,
          }),
        );
        return;
      }
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ exc_type: 'AuthenticationError' }));
    });
    const client = await clientWithToken(server.url, Math.floor(Date.now() / 1000) - 10);
    const events: TokenEvent[] = [];
    client.on('token', (event) => events.push(event));
    const error = await rejectionOf(client.getAccessToken(), AuthorizationRequiredError);
    const text = renderings(error) + JSON.stringify(events);
    for (const secret of [ACCESS, REFRESH, CLIENT_SECRET]) expect(text).not.toContain(secret);
    expect(events.some((event) => event.type === 'refresh_failed')).toBe(true);
  });
});

describe('a token answer out of range', () => {
  it('clamps expires_in to a day and says so in the log', async () => {
    const server = await startHostileServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          access_token: ACCESS,
          token_type: 'bearer',
          expires_in: 1e12,
          refresh_token: REFRESH,
          scope: 'all',
        }),
      );
    });
    const warnings: string[] = [];
    const client = new FrappeOAuthClient({
      baseUrl: server.url,
      clientId: 'shop',
      clientSecret: CLIENT_SECRET,
      logger: { warn: (line) => warnings.push(line) },
    });
    clients.push(client);
    const token = await client.loginWithPassword('alice@example.com', 'alice-pass');
    expect(token.expires_in).toBe(86_400);
    expect(warnings.some((line) => line.includes('expires_in') && line.includes('out of range'))).toBe(true);
    expect(warnings.join('\n')).not.toContain(ACCESS);
  });
});
