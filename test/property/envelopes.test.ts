import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  documentOf,
  jsonBody,
  listOf,
  messageOf,
  optionalDataOf,
  requiredValueOf,
} from '../../src/documents/envelopes';
import { FrappeError } from '../../src/errors';
import type { TransportResponse } from '../../src/transport/transport';
import { className, hostileText, runs, secrets, textWithSecrets } from './arbitraries';

type Parser = (response: TransportResponse) => unknown;

const PARSERS: [string, Parser][] = [
  ['jsonBody', (r) => jsonBody(r, 'getDoc')],
  ['jsonBody(data)', (r) => jsonBody(r, 'getDoc', 'data')],
  ['jsonBody(message)', (r) => jsonBody(r, 'call', 'message')],
  ['optionalDataOf', (r) => optionalDataOf(r, 'runDocMethod')],
  ['messageOf', (r) => messageOf(r, 'call')],
  ['requiredValueOf(data)', (r) => requiredValueOf(r, 'getValue', 'data')],
  ['requiredValueOf(message)', (r) => requiredValueOf(r, 'getValue', 'message')],
  ['documentOf', (r) => documentOf(r, 'getDoc')],
  ['documentOf(message)', (r) => documentOf(r, 'setValue', 'message')],
  ['listOf', (r) => listOf(r, 'getList')],
  ['listOf(message)', (r) => listOf(r, 'insertMany', 'message')],
];

/** A 2xx body: a Frappe envelope, an exception with a rewritten status, or anything else. */
function envelopeData(text: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text);
  const envelope = fc.record(
    {
      data: value,
      message: value,
      exc_type: fc.oneof(className, text),
      exc: text,
      exception: text,
      _server_messages: text,
    },
    { requiredKeys: [] },
  );
  const json = fc.oneof(
    envelope.map((e) => JSON.stringify(e)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
  );
  return fc.oneof(
    json,
    fc.tuple(json, fc.nat()).map(([j, cut]) => j.slice(0, cut % (j.length + 1))),
    text,
    fc.constantFrom('', ' ', 'null', '[]', '{}', '"{}"', '{"data":null}', '{"message":null}'),
    // Not a string at all: the type says string, an engine bug or a test double may not.
    fc.anything({ maxDepth: 2, withBigInt: true }),
    fc.constantFrom(undefined, Symbol('x'), () => '{}'),
  );
}

const transportResponse = (data: fc.Arbitrary<unknown>): fc.Arbitrary<TransportResponse> =>
  fc.record({
    status: fc.oneof(fc.constantFrom(200, 201, 202, 204), fc.integer(), fc.double()),
    statusText: fc.string({ maxLength: 10 }),
    headers: fc.constant({ 'content-type': 'application/json' }),
    data: data as fc.Arbitrary<string>,
  });

/** Runs `parse`, returning what it gave; only a FrappeError may be thrown. */
function valueOrFrappeError(
  parse: Parser,
  response: TransportResponse,
): { value?: unknown; error?: FrappeError } {
  try {
    return { value: parse(response) };
  } catch (error) {
    expect(error).toBeInstanceOf(FrappeError);
    return { error: error as FrappeError };
  }
}

describe('document envelopes on arbitrary 2xx bodies', () => {
  it.each(PARSERS)('%s returns a value or throws a FrappeError, nothing else', (name, parse) => {
    fc.assert(
      fc.property(transportResponse(envelopeData(hostileText)), (response) => {
        const { value, error } = valueOrFrappeError(parse, response);
        if (error) {
          expect(error.status).toBe(Number.isInteger(response.status) ? response.status : undefined);
          return;
        }
        if (name.startsWith('documentOf')) {
          expect(value !== null && typeof value === 'object' && !Array.isArray(value)).toBe(true);
        }
        if (name.startsWith('listOf')) expect(Array.isArray(value)).toBe(true);
        if (name.startsWith('requiredValueOf')) expect(value).not.toBeUndefined();
      }),
      runs(150),
    );
  });

  it('gives back the value under the promised key exactly', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.constantFrom('data', 'message' as const),
        (value, key) => {
          const response = {
            status: 200,
            statusText: 'OK',
            headers: {},
            data: JSON.stringify({ [key]: value }),
          };
          expect(requiredValueOf(response, 'call', key)).toEqual(JSON.parse(JSON.stringify(value)));
        },
      ),
      runs(150),
    );
  });

  it('never quotes the body: secrets in it stay out of the error', () => {
    fc.assert(
      fc.property(
        secrets.chain((list) =>
          fc.tuple(fc.constant(list), transportResponse(envelopeData(textWithSecrets(list)))),
        ),
        ([list, response]) => {
          for (const [, parse] of PARSERS) {
            const { error } = valueOrFrappeError(parse, response);
            if (!error) continue;
            const json = JSON.stringify(error);
            for (const secret of list) {
              expect(error.message).not.toContain(secret);
              expect(json).not.toContain(secret);
              expect(error.excType ?? '').not.toContain(secret);
            }
          }
        },
      ),
      runs(150),
    );
  });
});
