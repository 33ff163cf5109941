import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthorizationRequiredError,
  errorFromNetworkFailure,
  errorFromResponse,
  type FrappeError,
  FrappeOAuthError,
  TokenStoreError,
} from '../../src/errors';

const ACCESS_TOKEN = 'AccessTok3nAccessTok3nAccessTk';
const REFRESH_TOKEN = 'Refr3shTokenRefr3shTokenRefr3s';
const CLIENT_SECRET = 'cl1entS3cr3t';
const PASSWORD = 'hunter2-Passw0rd';
const CODE = 'AuthC0deAuthC0deAuthC0deAuthC0';
const SECRETS = [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, PASSWORD, CODE];

/** An axios-like error: request config with headers and a form body, a response, a socket. */
function leakyHttpError(): Error {
  const error = new Error(`Request to http://127.0.0.1:8000/callback?code=${CODE} failed`);
  return Object.assign(error, {
    name: 'AxiosError',
    code: 'ERR_BAD_RESPONSE',
    config: {
      headers: { Authorization: `Bearer ${ACCESS_TOKEN}` },
      data: `grant_type=refresh_token&refresh_token=${REFRESH_TOKEN}&client_secret=${CLIENT_SECRET}`,
    },
    request: { _header: `POST /token HTTP/1.1\r\nAuthorization: Bearer ${ACCESS_TOKEN}` },
    response: { data: { access_token: ACCESS_TOKEN } },
    cause: Object.assign(new Error(`password ${PASSWORD} rejected`), { token: REFRESH_TOKEN }),
  });
}

/** What the suite checks for every error: all four views are clean. */
function views(error: FrappeError): Record<string, string> {
  const keys = Object.keys(error);
  return {
    message: error.message,
    keys: JSON.stringify(keys.map((key) => [key, (error as unknown as Record<string, unknown>)[key]])),
    inspect: inspect(error, { depth: 10, showHidden: false }),
    inspectHidden: inspect(error, { depth: 10, showHidden: true }),
    json: JSON.stringify(error),
    stack: String(error.stack),
    causeStack: String((error.cause as Error | undefined)?.stack),
  };
}

function expectNoSecrets(error: FrappeError): void {
  for (const [view, text] of Object.entries(views(error))) {
    for (const secret of SECRETS) {
      expect(text, `${view} of ${error.name} contains a secret`).not.toContain(secret);
    }
  }
}

describe('secret safety', () => {
  it('the fixture leaks when inspected raw (the test can fail)', () => {
    const raw = inspect(leakyHttpError(), { depth: 10 });
    expect(raw).toContain(ACCESS_TOKEN);
    expect(raw).toContain(PASSWORD);
  });

  it('errors built with a leaky cause carry no secret', () => {
    const errors: FrappeError[] = [
      new AuthorizationRequiredError({ cause: leakyHttpError(), redact: SECRETS }),
      new TokenStoreError({ cause: leakyHttpError(), redact: SECRETS }),
      new FrappeOAuthError({ error: 'invalid_grant', cause: leakyHttpError(), redact: SECRETS }),
      new AuthorizationRequiredError({
        cause: new TokenStoreError({ cause: leakyHttpError(), redact: SECRETS }),
      }),
      errorFromResponse({
        status: 400,
        method: 'POST',
        url: `https://erp.example.com/api/method/frappe.integrations.oauth2.get_token?code=${CODE}`,
        headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
        body: { error: 'invalid_grant', error_description: `refresh token ${REFRESH_TOKEN} is unknown` },
        cause: leakyHttpError(),
        redact: SECRETS,
      }),
      errorFromNetworkFailure(leakyHttpError(), {
        method: 'POST',
        url: `http://127.0.0.1:8765/callback?code=${CODE}&state=s`,
        redact: SECRETS,
      }),
    ];
    for (const error of errors) expectNoSecrets(error);
  });

  it('drops what it cannot redact without being told: headers, bodies, queries, JSON snippets', () => {
    let parseError: unknown;
    try {
      JSON.parse(`x${REFRESH_TOKEN}`);
    } catch (error) {
      parseError = error;
    }
    // V8 quotes the first characters of the input: a token prefix.
    const fragment = REFRESH_TOKEN.slice(0, 9);
    expect(String((parseError as Error).message)).toContain(fragment);
    const errors: FrappeError[] = [
      new TokenStoreError({ reason: 'unreadable', cause: parseError }),
      errorFromResponse({
        status: 502,
        url: `http://127.0.0.1:8765/callback?code=${CODE}`,
        headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'text/html' },
        body: `<html><body>echo ${ACCESS_TOKEN}</body></html>`,
        cause: Object.assign(new Error('Request failed with status code 502'), {
          config: { headers: { Authorization: `Bearer ${ACCESS_TOKEN}` }, data: `password=${PASSWORD}` },
        }),
      }),
      errorFromResponse({
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: `{"access_token": "${ACCESS_TOKEN}", "refresh_tok`,
      }),
      new AuthorizationRequiredError({ message: `open http://127.0.0.1:1/cb?code=${CODE}` }),
      new AuthorizationRequiredError({ cause: `thrown string with ${PASSWORD}` }),
    ];
    for (const error of errors) expectNoSecrets(error);
    expect(JSON.stringify(views(errors[0]))).not.toContain(fragment);
  });

  it('keeps useful, safe facts in the cause', () => {
    const error = new TokenStoreError({ cause: leakyHttpError(), redact: SECRETS });
    const cause = error.cause as Error & { code?: string };
    expect(cause.name).toBe('AxiosError');
    expect(cause.code).toBe('ERR_BAD_RESPONSE');
    expect(cause.message).toBe('Request to http://127.0.0.1:8000/callback failed');
    expect((cause.cause as Error).message).toBe('password [redacted] rejected');
    expect(inspect(error)).toContain('[cause]');
  });

  it('redacts secrets the server echoes in messages', () => {
    const error = errorFromResponse({
      status: 417,
      body: {
        exc_type: 'ValidationError',
        _server_messages: JSON.stringify([
          JSON.stringify({ message: `bad password ${PASSWORD}`, raise_exception: 1 }),
        ]),
      },
      redact: SECRETS,
    });
    expect(error.messages).toEqual(['bad password [redacted]']);
    expectNoSecrets(error);
  });
});
