import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  errorFromResponse,
  type FrappeError,
  FrappeOAuthError,
  FrappeServerError,
  FrappeValidationError,
} from '../../src/errors';
import { REDACTED, redactSecrets } from '../../src/redaction/redact';
import { MAX_RAW_TEXT_LENGTH } from '../../src/responses/limits';

const ACCESS_TOKEN = 'AccessTok3nAccessTok3nAccessTk';
const REFRESH_TOKEN = 'Refr3shTokenRefr3shTokenRefr3s';
/** Base64-like: `/` and `+` have escaped forms of their own. */
const CLIENT_SECRET = 'cl1ent/S3cr3t+x';
const SECRETS = [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET];

/** Frappe's double encoding of `_server_messages`. */
function serverMessages(...entries: Record<string, unknown>[]): string {
  return JSON.stringify(entries.map((entry) => JSON.stringify(entry)));
}

/** Every view of an error a log could take. */
function views(error: FrappeError): Record<string, string> {
  return {
    message: error.message,
    messages: JSON.stringify(error.messages),
    excType: String(error.excType),
    url: String(error.url),
    json: JSON.stringify(error),
    inspect: inspect(error, { depth: 10, showHidden: true }),
    stack: String(error.stack),
  };
}

/** `%XX` decoded byte by byte, so that a cut percent-encoded form shows what it holds. */
function percentDecoded(text: string): string {
  return text.replace(/%[0-9a-f]{2}/gi, (hex) => String.fromCharCode(Number.parseInt(hex.slice(1), 16)));
}

/** No secret, and no 8-character piece of one (a cut that left its start behind), even escaped. */
function expectNoSecret(error: FrappeError): void {
  const all = Object.entries(views(error));
  for (const [view, text] of [
    ...all,
    ...all.map(([view, text]) => [`${view} (%-decoded)`, percentDecoded(text)]),
  ]) {
    for (const secret of SECRETS) {
      for (let at = 0; at + 8 <= secret.length; at++) {
        expect(text, `${view} holds part of ${secret}`).not.toContain(secret.slice(at, at + 8));
      }
    }
  }
}

describe('errorFromResponse scrubs the redact secrets from every field', () => {
  it('a 417 whose _server_messages quote the refresh token and client secret, exc_type the access token', () => {
    const error = errorFromResponse({
      status: 417,
      method: 'POST',
      url: '/api/method/frappe.integrations.oauth2.get_token',
      body: {
        exc_type: ACCESS_TOKEN,
        _server_messages: serverMessages(
          { message: `refresh token <b>${REFRESH_TOKEN}</b> was rejected`, raise_exception: 1 },
          { message: `client secret ${CLIENT_SECRET} is wrong` },
        ),
      },
      redact: SECRETS,
    });
    expect(error).toBeInstanceOf(FrappeValidationError);
    expect(error.excType).toBeUndefined();
    expect(error.messages).toEqual([
      `refresh token ${REDACTED} was rejected`,
      `client secret ${REDACTED} is wrong`,
    ]);
    expect(error.message).toBe(
      `POST /api/method/frappe.integrations.oauth2.get_token → 417 Expectation Failed: refresh token ${REDACTED} was rejected`,
    );
    expectNoSecret(error);
  });

  it.each([
    ['a dotted class ending in the token', `frappe.exceptions.${ACCESS_TOKEN}`],
    ['a class name holding the token', `My${ACCESS_TOKEN}Error`],
    ['the percent-encoded client secret', encodeURIComponent(CLIENT_SECRET)],
  ])('drops an exc_type that is %s', (_label, excType) => {
    const error = errorFromResponse({ status: 417, body: { exc_type: excType }, redact: SECRETS });
    expect(error.excType).toBeUndefined();
    expectNoSecret(error);
  });

  it('keeps an exc_type that holds no secret', () => {
    const error = errorFromResponse({ status: 417, body: { exc_type: 'MandatoryError' }, redact: SECRETS });
    expect(error.excType).toBe('MandatoryError');
  });

  it('an OAuth refusal whose error_description, error_uri and error quote the access token', () => {
    const error = errorFromResponse({
      status: 400,
      body: {
        error: `invalid_grant ${ACCESS_TOKEN}`,
        error_description: `access token ${ACCESS_TOKEN} is expired`,
        error_uri: `https://erp.example.com/docs/${ACCESS_TOKEN}`,
      },
      redact: SECRETS,
    }) as FrappeOAuthError;
    expect(error).toBeInstanceOf(FrappeOAuthError);
    expect(error.error).toBe(`invalid_grant ${REDACTED}`);
    expect(error.errorDescription).toBe(`access token ${REDACTED} is expired`);
    expect(error.errorUri).toBe(`https://erp.example.com/docs/${REDACTED}`);
    expect(error.message).toBe(
      `Frappe answered 400 invalid_grant ${REDACTED}: access token ${REDACTED} is expired`,
    );
    expectNoSecret(error);
  });

  it('an HTML 502 page and a plain-text 502 quoting a token', () => {
    const page = errorFromResponse({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: `<html><body><pre>Authorization: Bearer ${ACCESS_TOKEN}</pre></body></html>`,
      redact: SECRETS,
    });
    expect(page).toBeInstanceOf(FrappeServerError);
    expect(page.message).toBe('Frappe answered 502 Bad Gateway (HTML error page)');
    expectNoSecret(page);

    const text = errorFromResponse({
      status: 502,
      headers: { 'content-type': 'text/plain' },
      body: `upstream said: Bearer ${ACCESS_TOKEN} refused`,
      redact: SECRETS,
    });
    expect(text.message).toBe(`Frappe answered 502 Bad Gateway: upstream said: Bearer ${REDACTED} refused`);
    expectNoSecret(text);
  });

  it('a v2 errors[] body quoting a token, with the token as the type', () => {
    const error = errorFromResponse({
      status: 417,
      body: {
        errors: [
          { type: ACCESS_TOKEN, message: `token ${ACCESS_TOKEN} cannot be used` },
          { type: 'ValidationError', message: `refresh ${REFRESH_TOKEN}` },
        ],
        messages: [{ message: `secret ${CLIENT_SECRET}` }],
      },
      redact: SECRETS,
    });
    expect(error.excType).toBeUndefined();
    expect(error.messages).toEqual([
      `token ${REDACTED} cannot be used`,
      `refresh ${REDACTED}`,
      `secret ${REDACTED}`,
    ]);
    expectNoSecret(error);
  });

  it('the `exception` line, `message`, `_error_message` and the URL', () => {
    const error = errorFromResponse({
      status: 403,
      url: `https://erp.example.com/api/method/x/${encodeURIComponent(CLIENT_SECRET)}?token=${ACCESS_TOKEN}`,
      body: {
        exception: `frappe.exceptions.PermissionError: token ${ACCESS_TOKEN}`,
        _error_message: `not for ${REFRESH_TOKEN}`,
        message: `secret ${CLIENT_SECRET}`,
      },
      redact: SECRETS,
    });
    expect(error.excType).toBe('PermissionError');
    expect(error.url).toBe(`https://erp.example.com/api/method/x/${REDACTED}`);
    expect(error.messages).toEqual([`not for ${REDACTED}`]);
    expectNoSecret(error);
    const fallback = errorFromResponse({
      status: 500,
      body: { exception: `ValueError: secret ${CLIENT_SECRET}: bad` },
      redact: SECRETS,
    });
    expect(fallback.message).toBe(`Frappe answered 500 Internal Server Error: secret ${REDACTED}: bad`);
  });

  it('does not split a secret that holds a colon at the exception line’s colon', () => {
    const secret = 'abcd:efghijklmnop';
    const error = errorFromResponse({
      status: 500,
      body: { exception: `${secret} rejected` },
      redact: [secret],
    });
    expect(error.message).not.toContain('efghijklmnop');
  });

  it('a secret that reads as a JSON key does not break decoding of the rest', () => {
    const error = errorFromResponse({
      status: 417,
      body: { _server_messages: serverMessages({ message: `a ${ACCESS_TOKEN} b` }) },
      redact: [...SECRETS, 'raise_exception'],
    });
    expect(error.messages).toEqual([`a ${REDACTED} b`]);
  });
});

describe('secrets in escaped and split forms', () => {
  const percentLower = encodeURIComponent(CLIENT_SECRET).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  const jsonEscaped = [...ACCESS_TOKEN]
    .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('');
  const mixed = `cl1ent\\/S3&#99;r%33t&#x2B;x`;
  const entities = [...REFRESH_TOKEN].map((c) => `&#${c.charCodeAt(0)};`).join('');

  it.each([
    ['percent-encoded, lower-case hex', percentLower],
    ['JSON \\u escapes', jsonEscaped],
    ['\\/ and mixed percent, JSON and HTML escapes', mixed],
    ['HTML decimal references', entities],
    ['split by inline tags', `Access<b>Tok3n</b>Access<i></i>Tok3nAccessTk`],
    ['split by a comment', `Refr3shToken<!-- -->Refr3shTokenRefr3s`],
    ['partly entity-encoded', `&#65;ccessTok3nAccessTok3nAccessTk`],
  ])('%s, in a message and in a plain-text body', (_label, form) => {
    const message = errorFromResponse({
      status: 417,
      body: { _server_messages: serverMessages({ message: `x ${form} y`, raise_exception: 1 }) },
      redact: SECRETS,
    });
    expect(message.messages).toEqual([`x ${REDACTED} y`]);
    expectNoSecret(message);
    const text = errorFromResponse({
      status: 500,
      headers: { 'content-type': 'text/plain' },
      body: `x ${form} y`,
      redact: SECRETS,
    });
    expectNoSecret(text);
    expect(text.message).toContain(REDACTED);
  });

  it('redactSecrets takes the escaped forms too, and leaves other escapes alone', () => {
    expect(redactSecrets(`a=${percentLower}&b=%41&c=&amp;`, SECRETS)).toBe(`a=${REDACTED}&b=%41&c=&amp;`);
    expect(redactSecrets(`"${jsonEscaped}"`, SECRETS)).toBe(`"${REDACTED}"`);
  });
});

describe('cutting never leaves the start of a secret behind', () => {
  it('at the 300-character detail', () => {
    for (let pad = 280; pad < 300; pad++) {
      const error = errorFromResponse({
        status: 417,
        body: { _server_messages: serverMessages({ message: `${'x'.repeat(pad)}${ACCESS_TOKEN} tail` }) },
        redact: SECRETS,
      });
      expectNoSecret(error);
    }
  });

  it('at the 2,000-character message, also in an escaped form', () => {
    for (const pad of [1980, 1990, 1995, 1999]) {
      for (const form of [ACCESS_TOKEN, encodeURIComponent(CLIENT_SECRET)]) {
        const error = errorFromResponse({
          status: 417,
          body: { _server_messages: serverMessages({ message: `${'x'.repeat(pad)}${form} tail` }) },
          redact: SECRETS,
        });
        expect(error.messages[0].length).toBeLessThanOrEqual(2000);
        expectNoSecret(error);
      }
    }
  });

  it('at the raw cap, in an escaped form', () => {
    // Whitespace collapses: the text around the cut ends up in the message.
    const spaces = ' '.repeat(MAX_RAW_TEXT_LENGTH);
    const form = encodeURIComponent(CLIENT_SECRET).replace('c', '%63').replace('t', '%74');
    for (let offset = 1; offset < form.length; offset += 2) {
      const error = errorFromResponse({
        status: 500,
        headers: { 'content-type': 'text/plain' },
        body: `${spaces.slice(0, MAX_RAW_TEXT_LENGTH - offset)}${form} and more`,
        redact: SECRETS,
      });
      expectNoSecret(error);
    }
  });

  it('at the raw cap, where decoding joins what the cut split', () => {
    // Tags vanish in decoding: the text around the cut ends up at the start of the message.
    const tags = '<b></b>'.repeat(Math.ceil(MAX_RAW_TEXT_LENGTH / 7));
    for (const offset of [-20, -12, -5]) {
      const filler = tags.slice(0, MAX_RAW_TEXT_LENGTH + offset);
      for (const form of [ACCESS_TOKEN, `Access<b></b>Tok3nAccessTok3nAccessTk`]) {
        const error = errorFromResponse({
          status: 417,
          body: { _server_messages: `${filler}${form} and more` },
          redact: SECRETS,
        });
        expectNoSecret(error);
      }
    }
  });
});

describe('the redact option', () => {
  it('takes a lone string as one secret rather than as its characters', () => {
    const error = errorFromResponse({
      status: 417,
      body: { _server_messages: serverMessages({ message: `a ${ACCESS_TOKEN} b` }) },
      redact: ACCESS_TOKEN,
    });
    expect(error.messages).toEqual([`a ${REDACTED} b`]);
  });
});
