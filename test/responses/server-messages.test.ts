import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/responses/html-to-text';
import { decodeServerMessages } from '../../src/responses/server-messages';

describe('decodeServerMessages', () => {
  it('decodes the double encoding from frappe-reference.md §8.2', () => {
    const raw =
      '["{\\"message\\": \\"Task TASK-0001 not found\\", \\"title\\": \\"Message\\", \\"indicator\\": \\"red\\", \\"raise_exception\\": 1}"]';
    expect(decodeServerMessages(raw)).toEqual(['Task TASK-0001 not found']);
  });

  it('decodes several entries, strips HTML and unescapes entities', () => {
    const raw = JSON.stringify([
      JSON.stringify({ message: 'Row <b>1</b>: Qty &gt; 0 &amp; rate &lt; 10<br>please fix' }),
      JSON.stringify({ message: 'It&#39;s &quot;done&quot; &#x2713;' }),
    ]);
    expect(decodeServerMessages(raw)).toEqual(['Row 1: Qty > 0 & rate < 10 please fix', 'It\'s "done" ✓']);
  });

  it('takes an array that is already decoded once, or fully', () => {
    expect(decodeServerMessages([JSON.stringify({ message: 'a' })])).toEqual(['a']);
    expect(decodeServerMessages([{ message: 'b' }])).toEqual(['b']);
  });

  it('keeps an entry that is a plain string', () => {
    expect(decodeServerMessages(JSON.stringify(['not json at all']))).toEqual(['not json at all']);
  });

  it('joins a list message (msgprint as_list)', () => {
    expect(decodeServerMessages(JSON.stringify([JSON.stringify({ message: ['one', 'two'] })]))).toEqual([
      'one; two',
    ]);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['an empty string', ''],
    ['an empty array', '[]'],
    ['entries without message', JSON.stringify([JSON.stringify({ title: 'x' }), JSON.stringify(null), '{}'])],
  ])('gives [] for %s', (_label, raw) => {
    expect(decodeServerMessages(raw)).toEqual([]);
  });

  it('never throws on truncated or odd input', () => {
    expect(decodeServerMessages('["{\\"message\\": \\"cut')).toEqual([]);
    expect(decodeServerMessages('a plain, unencoded message')).toEqual(['a plain, unencoded message']);
    expect(decodeServerMessages({ message: 'object instead of string' })).toEqual([
      'object instead of string',
    ]);
    expect(decodeServerMessages([['nested'], 3, true, { message: { deep: 1 } }])).toEqual(['3', 'true']);
  });

  it('does not unescape twice', () => {
    expect(decodeServerMessages([{ message: '&amp;lt;b&amp;gt;' }])).toEqual(['&lt;b&gt;']);
  });
});

describe('htmlToText', () => {
  it('separates block elements and removes inline tags, scripts and comments', () => {
    expect(
      htmlToText('<details><summary>A.</summary>B <i>c</i></details><script>alert(1)</script><!-- x -->'),
    ).toBe('A. B c');
  });

  it('keeps a lone < that is not a tag', () => {
    expect(htmlToText('1 < 2 and 3 > 2')).toBe('1 < 2 and 3 > 2');
  });

  it('leaves unknown entities and out-of-range code points alone', () => {
    expect(htmlToText('&bogus; &#99999999;')).toBe('&bogus; &#99999999;');
  });
});
