import { describe, expect, it } from 'vitest';
import { errorFromResponse, FrappeValidationError } from '../../src/errors';
import { MAX_RAW_TEXT_LENGTH } from '../../src/responses/limits';
import { readResponseBody } from '../../src/responses/response-body';

/** A JSON error body whose message holds bytes that are not UTF-8: a lone continuation, a cut sequence. */
function invalidUtf8Body(): Buffer {
  return Buffer.concat([
    Buffer.from(
      '{"exc_type": "ValidationError", "_server_messages": "[\\"{\\\\\\"message\\\\\\": \\\\\\"Qty ',
    ),
    Buffer.from([0x80, 0xff, 0xc3]),
    Buffer.from(' bad\\\\\\", \\\\\\"raise_exception\\\\\\": 1}\\"]"}'),
  ]);
}

describe('bodies as bytes', () => {
  it('decodes invalid UTF-8 with U+FFFD and keeps the rest', () => {
    const error = errorFromResponse({ status: 417, body: invalidUtf8Body() });
    expect(error).toBeInstanceOf(FrappeValidationError);
    expect(error.messages).toEqual(['Qty \uFFFD\uFFFD\uFFFD bad']);
  });

  it.each([
    ['a Uint8Array', (bytes: Buffer) => new Uint8Array(bytes)],
    ['an ArrayBuffer', (bytes: Buffer) => new Uint8Array(bytes).buffer],
    [
      'a DataView on part of a buffer',
      (bytes: Buffer) => {
        const padded = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
        return new DataView(padded.buffer, padded.byteOffset + 2, bytes.length);
      },
    ],
  ])('reads %s the same way', (_label, wrap) => {
    expect(errorFromResponse({ status: 417, body: wrap(invalidUtf8Body()) }).messages).toEqual([
      'Qty \uFFFD\uFFFD\uFFFD bad',
    ]);
  });

  it('never throws on bytes that cannot be read', () => {
    const detached = new ArrayBuffer(16);
    structuredClone(detached, { transfer: [detached] });
    expect(() => errorFromResponse({ status: 500, body: detached })).not.toThrow();
    expect(
      errorFromResponse({ status: 500, body: new Uint8Array([0xff, 0xfe, 0x00, 0xd8]) }).message,
    ).toContain('500');
    const text = errorFromResponse({
      status: 500,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from([0x6f, 0x6b, 0x20, 0xed, 0xa0, 0x80, 0xf0, 0x9f]),
    });
    expect(text.message).toBe('Frappe answered 500 Internal Server Error: ok \uFFFD\uFFFD\uFFFD\uFFFD');
  });

  it('decodes only the bytes the cap can use, cutting a character in two without harm', () => {
    const body = Buffer.concat([Buffer.from('é'.repeat(MAX_RAW_TEXT_LENGTH)), Buffer.from('tail')]);
    const read = readResponseBody(body, 'text/plain');
    expect(read.kind).toBe('text');
    expect(read.kind === 'text' && read.text.length).toBe(MAX_RAW_TEXT_LENGTH);
    expect(read.kind === 'text' && read.cut).toBe(true);
  });

  it('never throws on a parsed body whose getters throw', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    const error = errorFromResponse({ status: 500, body: hostile });
    expect(error.message).toBe('Frappe answered 500 Internal Server Error (unreadable body)');
  });
});
