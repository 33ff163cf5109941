import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorFromResponse, FrappeError } from '../../src/errors';
import { MAX_DETAIL_LENGTH, MAX_ERROR_CODE_LENGTH } from '../../src/errors/limits';
import { MAX_MESSAGE_LENGTH, MAX_MESSAGES } from '../../src/responses/limits';
import { describeRequest } from '../../src/responses/request-label';
import { className, hostileText, runs, secrets, textWithSecrets } from './arbitraries';

/** The parts a Frappe error body is made of; every one optional, any one of the wrong type. */
function frappeBody(text: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  const entry = fc.oneof(
    fc.record({ message: text, raise_exception: fc.constantFrom(0, 1, true, '1', undefined) }),
    fc.record({ message: fc.array(fc.oneof(text, fc.integer()), { maxLength: 4 }) }),
    text,
    fc.anything({ maxDepth: 2 }),
  );
  const serverMessages = fc.oneof(
    // Frappe's own: a JSON string of an array of JSON strings.
    fc.array(entry, { maxLength: 8 }).map((entries) => JSON.stringify(entries.map((e) => JSON.stringify(e)))),
    // Encoded once too often, once too few, cut short, or not JSON at all.
    fc.array(entry, { maxLength: 4 }).map((entries) => JSON.stringify(JSON.stringify(entries))),
    fc.array(entry, { maxLength: 4 }),
    fc.tuple(fc.array(entry, { maxLength: 4 }), fc.nat()).map(([entries, cut]) => {
      const json = JSON.stringify(entries.map((e) => JSON.stringify(e)));
      return json.slice(0, cut % (json.length + 1));
    }),
    text,
    fc.anything({ maxDepth: 2 }),
  );
  return fc.record(
    {
      exc_type: fc.oneof(className, text, fc.anything({ maxDepth: 1 })),
      exc: fc.oneof(text, fc.constant('["Traceback (most recent call last):\\n ..."]')),
      exception: fc.oneof(
        fc.tuple(className, text).map(([cls, rest]) => `${cls}: ${rest}`),
        text,
        fc.anything({ maxDepth: 1 }),
      ),
      _server_messages: serverMessages,
      _error_message: fc.oneof(text, fc.anything({ maxDepth: 1 })),
      message: fc.oneof(text, fc.anything({ maxDepth: 2 })),
      messages: fc.oneof(fc.array(entry, { maxLength: 6 }), fc.anything({ maxDepth: 1 })),
      errors: fc.oneof(
        fc.array(fc.record({ type: fc.oneof(className, text), message: text }, { requiredKeys: [] }), {
          maxLength: 4,
        }),
        fc.anything({ maxDepth: 1 }),
      ),
      error: fc.oneof(fc.constantFrom('invalid_grant', 'invalid_client', 'access_denied'), text),
      error_description: text,
      description: text,
      error_uri: text,
      status_code: fc.integer({ min: 100, max: 599 }),
    },
    { requiredKeys: [] },
  );
}

/** A body as an HTTP client may hand it over: parsed JSON, text, HTML, bytes, anything. */
function responseBody(text: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const object = frappeBody(text);
  const encoder = new TextEncoder();
  return fc.oneof(
    object,
    object.map((body) => JSON.stringify(body)),
    // JSON encoded twice, as some proxies send it.
    object.map((body) => JSON.stringify(JSON.stringify(body))),
    fc.tuple(object, fc.nat()).map(([body, cut]) => {
      const json = JSON.stringify(body);
      return json.slice(0, cut % (json.length + 1));
    }),
    text.map((t) => `<!DOCTYPE html><html><head><title>${t}</title></head><body><h1>${t}</h1></body></html>`),
    text,
    fc
      .tuple(
        fc.oneof(
          object.map((body) => JSON.stringify(body)),
          text,
        ),
        fc.constantFrom('buffer', 'uint8', 'arraybuffer', 'dataview'),
      )
      .map(([t, shape]) => {
        const bytes = encoder.encode(t);
        if (shape === 'buffer') return Buffer.from(bytes);
        if (shape === 'arraybuffer') return bytes.buffer;
        if (shape === 'dataview') return new DataView(bytes.buffer);
        return bytes;
      }),
    fc.uint8Array({ maxLength: 64 }),
    fc.anything({ maxDepth: 3, withBigInt: true, withMap: true, withSet: true, withTypedArray: true }),
    fc.constantFrom(undefined, null, '', '   ', 0, true),
  );
}

const contentType = fc.option(
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/html; charset=utf-8',
      'text/plain',
      'application/octet-stream',
    ),
    fc.string({ maxLength: 20 }),
  ),
  { nil: undefined },
);
const retryAfter = fc.option(
  fc.oneof(
    fc.integer({ min: -10, max: 100_000 }).map(String),
    fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
    fc.string({ maxLength: 12 }),
  ),
  { nil: undefined },
);

const headers: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.record(
    { 'content-type': contentType, 'retry-after': retryAfter, 'Content-Type': contentType },
    { requiredKeys: [] },
  ),
  fc.tuple(contentType, retryAfter).map(([type, retry]) => {
    const result = new Headers();
    if (type !== undefined && !/[\0\r\n]/.test(type)) result.set('content-type', type.trim());
    if (retry !== undefined && !/[\0\r\n]/.test(retry)) result.set('retry-after', retry.trim());
    return result;
  }),
  // A header source that throws when read.
  fc.constant(
    Object.defineProperty({}, 'content-type', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    }),
  ),
  fc.constant({
    get() {
      throw new Error('boom');
    },
  }),
  fc.anything({ maxDepth: 1 }),
);

const status = fc.oneof(
  fc.integer({ min: 100, max: 599 }),
  fc.constantFrom(400, 401, 403, 404, 409, 417, 429, 500, 502, 503),
  fc.integer(),
  fc.double(),
);

const method = fc.option(fc.constantFrom('GET', 'post', 'PUT', 'DELETE', ''), { nil: undefined });
const url = fc.option(
  fc.constantFrom(
    'https://erp.example.com/api/resource/Customer/X?access_token=zzz',
    'https://erp.example.com/api/method/frappe.auth.get_logged_user',
    '/api/resource/Sales%20Invoice',
    'not a url',
  ),
  { nil: undefined },
);

/** The secret-free bounds every error from errorFromResponse keeps to. */
function expectBounded(error: FrappeError, requestPrefix: string): void {
  expect(error).toBeInstanceOf(FrappeError);
  expect(error.messages.length).toBeLessThanOrEqual(MAX_MESSAGES);
  for (const message of error.messages) {
    expect(typeof message).toBe('string');
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  }
  // prefix + status + label (a class name ≤ 200 or an OAuth code ≤ 200) + detail + a short note.
  const bound = requestPrefix.length + 12 + MAX_ERROR_CODE_LENGTH + 2 + MAX_DETAIL_LENGTH + 48;
  expect(error.message.length).toBeLessThanOrEqual(bound);
  if (error.excType !== undefined) expect(error.excType.length).toBeLessThanOrEqual(200);
  expect(() => JSON.stringify(error)).not.toThrow();
}

describe('errorFromResponse on arbitrary responses', () => {
  it('always returns a bounded FrappeError and never throws', () => {
    fc.assert(
      fc.property(
        status,
        headers,
        responseBody(hostileText),
        method,
        url,
        (statusValue, headerValue, body, methodValue, urlValue) => {
          const error = errorFromResponse({
            status: statusValue,
            headers: headerValue as never,
            body,
            method: methodValue,
            url: urlValue,
            now: 1_700_000_000_000,
          });
          expectBounded(error, describeRequest(methodValue, urlValue));
        },
      ),
      runs(400),
    );
  });

  it('keeps the redact secrets out of message, messages, excType and JSON', () => {
    fc.assert(
      fc.property(
        secrets.chain((list) =>
          fc.tuple(fc.constant(list), responseBody(textWithSecrets(list)), status, contentType),
        ),
        ([list, body, statusValue, type]) => {
          const error = errorFromResponse({
            status: statusValue,
            headers: type === undefined ? undefined : { 'content-type': type },
            body,
            method: 'POST',
            url: 'https://erp.example.com/api/method/login',
            redact: list,
          });
          expectBounded(error, describeRequest('POST', 'https://erp.example.com/api/method/login'));
          const json = JSON.stringify(error);
          const fields = [error.message, ...error.messages, error.excType ?? '', json, String(error)];
          for (const secret of list) {
            for (const field of fields) {
              expect(field).not.toContain(secret);
              expect(field).not.toContain(encodeURIComponent(secret));
            }
          }
        },
      ),
      runs(400),
    );
  });

  it('takes a well-formed Frappe error apart: status kept, a class name kept as excType', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(400, 403, 404, 409, 417, 500),
        className,
        fc.array(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }), { maxLength: 5 }),
        (statusValue, cls, texts) => {
          const error = errorFromResponse({
            status: statusValue,
            body: {
              exc_type: cls,
              _server_messages: JSON.stringify(texts.map((message) => JSON.stringify({ message }))),
            },
          });
          expect(error.status).toBe(statusValue);
          expect(error.excType).toBe(cls.slice(cls.lastIndexOf('.') + 1));
          // Every message with text once markup is removed is kept, in order.
          expect(error.messages.length).toBeLessThanOrEqual(texts.length);
        },
      ),
      runs(150),
    );
  });
});
