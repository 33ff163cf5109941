import { describe, expect, it } from 'vitest';
import { PythonFloat, pythonFloatRepr, pythonJsonDumps } from '../../../src/testing/webhooks/python-json';

describe('pythonJsonDumps', () => {
  it('writes what json.dumps writes: separators, ints, floats, escapes', () => {
    // Expected strings as CPython 3.11 prints them for the same values.
    expect(
      pythonJsonDumps({ a: 1, b: new PythonFloat(1250), c: 'Zürich 😀', d: null, e: [true, false] }),
    ).toBe('{"a": 1, "b": 1250.0, "c": "Z\\u00fcrich \\ud83d\\ude00", "d": null, "e": [true, false]}');
    expect(pythonJsonDumps({ t: 'tab\there "q" \\ \u0001 \u007f' })).toBe(
      '{"t": "tab\\there \\"q\\" \\\\ \\u0001 \\u007f"}',
    );
    expect(pythonJsonDumps([], {})).toBe('[]');
    expect(pythonJsonDumps({})).toBe('{}');
  });

  it('as frappe.as_json: indent 1, sorted keys, "," and ": "', () => {
    expect(pythonJsonDumps({ b: [1, { z: 1, a: 2 }], a: 'x' }, { indent: 1, sortKeys: true })).toBe(
      '{\n "a": "x",\n "b": [\n  1,\n  {\n   "a": 2,\n   "z": 1\n  }\n ]\n}',
    );
  });

  it('ensure_ascii off keeps non-ASCII text', () => {
    expect(pythonJsonDumps('Zürich', { ensureAscii: false })).toBe('"Zürich"');
  });

  it('float repr: fixed between 1e-4 and 1e16, exponent form outside', () => {
    const cases: Array<[number, string]> = [
      [3, '3.0'],
      [0.1, '0.1'],
      [1.5, '1.5'],
      [-2.25, '-2.25'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [1e15, '1000000000000000.0'],
      [1e16, '1e+16'],
      [1.2345e20, '1.2345e+20'],
      [0, '0.0'],
      [-0, '-0.0'],
      [123456.789, '123456.789'],
    ];
    for (const [value, text] of cases) expect(pythonFloatRepr(value), String(value)).toBe(text);
  });
});
