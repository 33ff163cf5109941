import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/responses/html-to-text';
import { MAX_MESSAGE_LENGTH, MAX_MESSAGES } from '../../src/responses/limits';
import { decodeServerMessages } from '../../src/responses/server-messages';
import { repeatTo } from '../helpers/time-growth';
import { hostileText, hostileUnit, runs } from './arbitraries';

/** `_server_messages` as Frappe sends it, and malformed in every way a server manages. */
const serverMessages: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc
    .array(
      fc.oneof(hostileText, fc.record({ message: hostileText, raise_exception: fc.constantFrom(0, 1) })),
      {
        maxLength: 80,
      },
    )
    .map((entries) => JSON.stringify(entries.map((entry) => JSON.stringify(entry)))),
  fc.array(hostileText, { maxLength: 80 }).map((entries) => JSON.stringify(entries)),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 80 }),
  fc.anything({ maxDepth: 3, withBigInt: true, withMap: true, withSparseArray: true }),
  // Long messages, past the per-message cap.
  fc
    .tuple(hostileUnit, fc.integer({ min: 1000, max: 6000 }))
    .map(([unit, size]) => JSON.stringify([JSON.stringify({ message: repeatTo(unit, size) })])),
);

describe('decodeServerMessages on any input', () => {
  it('gives at most 50 strings of at most 2,000 characters, and never throws', () => {
    fc.assert(
      fc.property(serverMessages, (raw) => {
        const messages = decodeServerMessages(raw);
        expect(Array.isArray(messages)).toBe(true);
        expect(messages.length).toBeLessThanOrEqual(MAX_MESSAGES);
        for (const message of messages) {
          expect(typeof message).toBe('string');
          expect(message.length).toBeGreaterThan(0);
          expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
        }
      }),
      runs(300),
    );
  });

  it('keeps a plain message as it is, entry for entry', () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .,]{0,60}[A-Za-z0-9.]$/);
    fc.assert(
      fc.property(fc.array(plain, { maxLength: 60 }), (texts) => {
        const raw = JSON.stringify(texts.map((message) => JSON.stringify({ message })));
        const expected = texts.map((text) => text.replace(/\s+/g, ' ')).slice(0, MAX_MESSAGES);
        expect(decodeServerMessages(raw)).toEqual(expected);
      }),
      runs(100),
    );
  });
});

describe('htmlToText on any string', () => {
  it('gives one trimmed line no longer than its input, and never throws', () => {
    fc.assert(
      fc.property(hostileText, (html) => {
        const text = htmlToText(html);
        expect(typeof text).toBe('string');
        expect(text.length).toBeLessThanOrEqual(html.length);
        expect(text).toBe(text.trim());
        expect(text).not.toMatch(/\s\s/);
        expect(text).not.toMatch(/[\n\r\t]/);
      }),
      runs(500),
    );
  });

  it('leaves text without markup or entities as it is, but for whitespace', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (raw) => {
        const text = raw.replace(/[<&]/g, '');
        expect(htmlToText(text)).toBe(text.replace(/\s+/g, ' ').trim());
      }),
      runs(200),
    );
  });

  it('removes a complete tag', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('b', 'i', 'span', 'a href="x"', 'p', 'div class="y"'),
        fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
        (tag, word) => {
          const name = tag.split(' ')[0];
          expect(htmlToText(`<${tag}>${word}</${name}>`)).toBe(word);
        },
      ),
      runs(50),
    );
  });
});

/** How many times larger the large input is than the small one. */
const FACTOR = 8;
/** Quadratic work on 8× the input takes 64× the time, linear work 8×; this bound sits well between. */
const MAX_GROWTH = 24;
/** The small input; the large one is 8×: 64,000 characters, under the 256 KiB raw-text cap. */
const SIZE = 8000;
const ROUNDS = 5;

/**
 * How much longer `run` takes on an input 8 times larger, best of several alternated rounds (a GC
 * pause or a busy core in one round does not count). Only the ratio is asserted, no absolute time.
 * The small input's time is that of 8 runs divided by 8, so that timer resolution does not count.
 */
function timeGrowth(unit: string, run: (input: string) => unknown): number {
  const small = repeatTo(unit, SIZE);
  const large = repeatTo(unit, SIZE * FACTOR);
  run(small);
  run(large);
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    let started = performance.now();
    for (let i = 0; i < FACTOR; i++) run(small);
    bestSmall = Math.min(bestSmall, (performance.now() - started) / FACTOR);
    started = performance.now();
    run(large);
    bestLarge = Math.min(bestLarge, performance.now() - started);
  }
  return bestLarge / Math.max(bestSmall, 0.01);
}

describe('decoding time grows linearly with the input, whatever its repeated unit', () => {
  const decoders: [string, (input: string) => unknown][] = [
    ['htmlToText', htmlToText],
    ['decodeServerMessages (a plain string)', (input) => decodeServerMessages(input)],
    [
      'decodeServerMessages (an entry)',
      (input) => decodeServerMessages(JSON.stringify([JSON.stringify({ message: input })])),
    ],
    ['decodeServerMessages (a list message)', (input) => decodeServerMessages([{ message: [input, input] }])],
  ];

  it.each(decoders)('%s: 8× the input takes well under 64× the time', { timeout: 60_000 }, (_name, run) => {
    fc.assert(
      fc.property(hostileUnit, (unit) => {
        const growth = timeGrowth(unit, run);
        expect(growth, `unit ${JSON.stringify(unit)}`).toBeLessThan(MAX_GROWTH);
      }),
      runs(12),
    );
  });
});
