import { describe, expect, it } from 'vitest';
import { errorFromResponse, FrappeError } from '../../src/errors';
import { redactSecrets } from '../../src/redaction/redact';
import { htmlToText } from '../../src/responses/html-to-text';
import { decodeServerMessages } from '../../src/responses/server-messages';
import { growthPerCharacter, repeatTo } from '../helpers/time-growth';

/** Linear work grows ~1×, quadratic ~16× (see growthPerCharacter). */
const LINEAR_BOUND = 4;
/** The large input is 16 × this: 200 KB, under the 256 KiB cap on raw text. */
const BASE_SIZE = 12_500;
/** A quadratic regression takes minutes on these inputs; the test then fails on its timeout. */
const TIMEOUT = 60_000;

const SECRETS = ['AccessTok3nAccessTok3nAccessTk', 'cl1ent/S3cr3t+x'];

/** Inputs that made the former regexes backtrack, or that would a naive scanner. */
const PATHOLOGICAL: [string, (size: number) => string][] = [
  ['<p repeated', (size) => repeatTo('<p', size)],
  ['<a  repeated (tag with attributes, never closed)', (size) => repeatTo('<a ', size)],
  ['<!-- repeated (comment never closed)', (size) => repeatTo('<!--', size)],
  ['<script repeated (element never closed)', (size) => repeatTo('<script', size)],
  ['<style> repeated, one closer at the end', (size) => `${repeatTo('<style>', size - 8)}</style>`],
  ['</script  repeated (closer without >)', (size) => `<script>${repeatTo('</script ', size)}`],
  ['&# repeated', (size) => repeatTo('&#', size)],
  ['& followed by letters, no ;', (size) => repeatTo('&abcdefghij', size)],
  ['<br repeated (block tag never closed)', (size) => repeatTo('<br', size)],
  ['nested quotes in an unterminated tag', (size) => `<div title="${repeatTo(`'"<b x='"`, size)}`],
  ['<p and > interleaved oddly', (size) => repeatTo('<p <b <!-- > -', size)],
];

describe('decoding server text is linear in its size', () => {
  it.each(PATHOLOGICAL)('htmlToText: %s', { timeout: TIMEOUT }, (_label, make) => {
    expect(growthPerCharacter(make, htmlToText, BASE_SIZE)).toBeLessThan(LINEAR_BOUND);
  });

  it.each(PATHOLOGICAL)(
    '_server_messages through errorFromResponse: %s',
    { timeout: TIMEOUT },
    (_label, make) => {
      const respond = (message: string) =>
        errorFromResponse({
          status: 417,
          body: {
            exc_type: 'ValidationError',
            _server_messages: JSON.stringify([JSON.stringify({ message, raise_exception: 1 })]),
            exception: `frappe.exceptions.ValidationError: ${message}`,
          },
          redact: SECRETS,
        });
      expect(growthPerCharacter(make, respond, BASE_SIZE)).toBeLessThan(LINEAR_BOUND);
    },
  );

  it.each(PATHOLOGICAL)(
    'an HTML or text body and an OAuth description: %s',
    { timeout: TIMEOUT },
    (_label, make) => {
      const respond = (text: string) => {
        errorFromResponse({
          status: 502,
          headers: { 'content-type': 'text/plain' },
          body: text,
          redact: SECRETS,
        });
        errorFromResponse({
          status: 400,
          body: { error: 'invalid_grant', error_description: text },
          redact: SECRETS,
        });
      };
      expect(growthPerCharacter(make, respond, BASE_SIZE)).toBeLessThan(LINEAR_BOUND);
    },
  );

  it('reads such input as before: a < that starts no complete tag is text', () => {
    expect(htmlToText('<p<p<p')).toBe('<p<p<p');
    expect(htmlToText('a <!-- never closed')).toBe('a <!-- never closed');
    expect(htmlToText('<script>x')).toBe('x');
    expect(htmlToText('<b title="a>b">c')).toBe('b">c');
    expect(htmlToText('<SCRIPT type="x">alert(1)</Script >after')).toBe('after');
    expect(decodeServerMessages([{ message: '&#&#38;&amp' }])).toEqual(['&#&&amp']);
  });
});

describe('scrubbing text is linear in its size', () => {
  const TEXTS: [string, (size: number) => string][] = [
    ['a secret’s start repeated', (size) => repeatTo(SECRETS[0].slice(0, 20), size)],
    ['percent escapes repeated', (size) => repeatTo('%41%4', size)],
    ['JSON escapes repeated', (size) => repeatTo('\\u004\\', size)],
    ['character references repeated', (size) => repeatTo('&#00&#x4&am', size)],
    ['scheme-like runs (a.a.a.…)', (size) => repeatTo('a.', size)],
    ['quotes before "is not valid JSON"', (size) => `${repeatTo('" ', size)} is not valid JSON`],
  ];

  it.each(TEXTS)('redactSecrets: %s', { timeout: TIMEOUT }, (_label, make) => {
    expect(growthPerCharacter(make, (text) => redactSecrets(text, SECRETS), BASE_SIZE)).toBeLessThan(
      LINEAR_BOUND,
    );
  });

  it.each(TEXTS)('an error’s message and messages: %s', { timeout: TIMEOUT }, (_label, make) => {
    const build = (text: string) => new FrappeError({ message: text, messages: [text], redact: SECRETS });
    expect(growthPerCharacter(make, build, BASE_SIZE)).toBeLessThan(LINEAR_BOUND);
  });
});
