import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorFromResponse, FrappeError, type FrappeOAuthError } from '../../src/errors';
import { MAX_RAW_TEXT_LENGTH } from '../../src/responses/limits';

const MB = 1024 * 1024;

function serverMessages(...entries: Record<string, unknown>[]): string {
  return JSON.stringify(entries.map((entry) => JSON.stringify(entry)));
}

/** Tags that decode to nothing: text after this many characters is only seen if nothing was cut. */
const PAST_THE_CAP = '<b></b>'.repeat(Math.ceil(MAX_RAW_TEXT_LENGTH / 7) + 10);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('server text is cut before it is parsed or decoded', () => {
  it('JSON.parse never sees more than the cap, for a string body or a parsed one', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const huge = serverMessages({ message: 'x'.repeat(MB), raise_exception: 1 });
    errorFromResponse({
      status: 417,
      body: JSON.stringify({ exc_type: 'ValidationError', _server_messages: huge }),
    });
    errorFromResponse({ status: 417, body: Buffer.from(JSON.stringify({ _server_messages: huge })) });
    errorFromResponse({ status: 417, body: { exc_type: 'ValidationError', _server_messages: huge } });
    errorFromResponse({
      status: 417,
      body: { _server_messages: ['x'.repeat(MB), `{"message": "${'y'.repeat(MB)}"}`] },
    });
    expect(parse).toHaveBeenCalled();
    for (const [text] of parse.mock.calls)
      expect(String(text).length).toBeLessThanOrEqual(MAX_RAW_TEXT_LENGTH);
  });

  it('a body longer than the cap reads as truncated JSON', () => {
    const body = JSON.stringify({
      exc_type: 'ValidationError',
      _server_messages: serverMessages({ message: 'x'.repeat(MB) }),
    });
    const error = errorFromResponse({ status: 417, body });
    expect(error.excType).toBe('ValidationError');
    expect(error.message).toBe('Frappe answered 417 ValidationError (truncated or invalid JSON body)');
    expect(error.messages).toEqual([]);
  });

  it.each([
    [
      'a _server_messages entry',
      (text: string) => ({ _server_messages: [JSON.stringify({ message: text })] }),
    ],
    ['a plain _server_messages string', (text: string) => ({ _server_messages: text })],
    ['a v2 errors[] message', (text: string) => ({ errors: [{ type: 'ValidationError', message: text }] })],
    ['a v2 messages[] entry', (text: string) => ({ messages: [{ message: text }] })],
    ['a list message', (text: string) => ({ _server_messages: [{ message: [text] }] })],
    ['_error_message', (text: string) => ({ _error_message: text })],
    ['the exception line', (text: string) => ({ exception: `frappe.exceptions.ValidationError: ${text}` })],
    ['message', (text: string) => ({ message: text })],
  ])('%s is cut before its HTML is decoded', (_label, body) => {
    const beyond = errorFromResponse({ status: 417, body: body(`${PAST_THE_CAP}BEYOND`) });
    expect(beyond.message).not.toContain('BEYOND');
    expect(beyond.messages.join(' ')).not.toContain('BEYOND');
    const within = errorFromResponse({ status: 417, body: body(`${PAST_THE_CAP.slice(0, 7000)}WITHIN`) });
    expect(`${within.message} ${within.messages.join(' ')}`).toContain('WITHIN');
  });

  it('an OAuth error_description is cut before it is decoded', () => {
    const beyond = errorFromResponse({
      status: 400,
      body: { error: 'invalid_grant', error_description: `${PAST_THE_CAP}BEYOND` },
    }) as FrappeOAuthError;
    // What is left is the cut's end (`<` of a tag cut in two), never what lay beyond.
    expect(beyond.errorDescription ?? '').not.toContain('BEYOND');
    expect((beyond.errorDescription ?? '').length).toBeLessThan(10);
    expect(beyond.message).not.toContain('BEYOND');
  });
});

describe('what an error keeps is bounded', () => {
  function many<T>(count: number, item: (i: number) => T): T[] {
    return Array.from({ length: count }, (_, i) => item(i));
  }
  const long = (i: number) => `${i} ${'m'.repeat(5000)}`;

  function expectBounded(error: FrappeError): void {
    expect(error.messages.length).toBeLessThanOrEqual(50);
    for (const text of error.messages) expect(text.length).toBeLessThanOrEqual(2000);
    // `Frappe answered 417 <label>: ` then at most 300 characters of server text.
    expect(error.message.slice(error.message.indexOf(': ') + 2).length).toBeLessThanOrEqual(300);
  }

  it.each([
    ['_server_messages', { _server_messages: serverMessages(...many(80, (i) => ({ message: long(i) }))) }],
    ['v2 errors[]', { errors: many(80, (i) => ({ type: 'ValidationError', message: long(i) })) }],
    ['v2 messages[]', { messages: many(80, (i) => ({ message: long(i) })) }],
    [
      'all sources together',
      {
        exc_type: 'ValidationError',
        _server_messages: serverMessages(...many(50, (i) => ({ message: long(i) }))),
        errors: many(50, (i) => ({ type: 'ValidationError', message: long(i) })),
        messages: many(50, (i) => ({ message: long(i) })),
        _error_message: long(999),
      },
    ],
    [
      'a list message of many parts',
      { _server_messages: [{ message: many(500, long), raise_exception: 1 }] },
    ],
    [
      'an OAuth body with messages',
      { error: 'invalid_request', error_description: long(1), _server_messages: many(80, long) },
    ],
  ])('%s: at most 50 messages of 2,000 characters, 300 in the message', (_label, body) => {
    expectBounded(errorFromResponse({ status: 417, body }));
  });

  it('keeps the first messages in order, and skips entries without text without reading forever', () => {
    const entries = [...many(10_000, () => ({ title: 'no message' })), { message: 'late' }];
    expect(errorFromResponse({ status: 417, body: { _server_messages: entries } }).messages).toEqual([]);
    const error = errorFromResponse({
      status: 417,
      body: { messages: many(80, (i) => ({ message: `m${i}` })) },
    });
    expect(error.messages).toEqual(many(50, (i) => `m${i}`));
  });

  it('bounds an OAuth error’s description, URI and code', () => {
    const error = errorFromResponse({
      status: 400,
      body: {
        error: `e${'x'.repeat(5000)}`,
        error_description: 'd'.repeat(5000),
        error_uri: `https://x/${'u'.repeat(5000)}`,
      },
    }) as FrappeOAuthError;
    expect(error.errorDescription?.length).toBeLessThanOrEqual(2000);
    expect(error.errorUri?.length).toBeLessThanOrEqual(2000);
    expect(error.error.length).toBeLessThanOrEqual(200);
    expect(error.message.length).toBeLessThan(600);
  });

  it('holds for an error built directly, cutting without leaving part of a secret', () => {
    const secret = 'Sup3rS3cretT0kenSup3rS3cretT0k';
    for (const pad of [1975, 1985, 1995, 1999]) {
      const error = new FrappeError({
        messages: [...many(60, () => 'x'), `${'p'.repeat(pad)}${secret}`],
        redact: [secret],
      });
      expect(error.messages).toHaveLength(50);
      const last = new FrappeError({
        messages: [`${'p'.repeat(pad)}${encodeURIComponent(secret)}tail`],
        redact: [secret],
      });
      expect(last.messages[0].length).toBeLessThanOrEqual(2000);
      expect(last.messages[0]).not.toContain(secret.slice(0, 8));
    }
  });
});
