import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { methodName, pathSegment } from '../../src/documents/names';
import { FrappeInputError } from '../../src/errors';
import { runs } from './arbitraries';

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const anyName = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: codeUnit, maxLength: 10 }),
  fc.string({
    unit: fc.constantFrom('.', '/', '\\', '%', '2', 'e', 'E', '?', '#', ' ', '\t', '\n', ';', '&', '+', 'a'),
    maxLength: 8,
  }),
  fc.constantFrom('', '.', '..', '...', '%2e', '%2E%2E', './', '/..', '\\..', '.\u0000', ' .', '..\t'),
);

/** Well-formed UTF-16: no lone surrogate. */
const isWellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('pathSegment', () => {
  it('encodes any well-formed name but "", "." and ".." to exactly one segment that decodes back', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        let segment: string;
        try {
          segment = pathSegment(name, 'name');
        } catch (error) {
          expect(error).toBeInstanceOf(FrappeInputError);
          expect(name === '' || name === '.' || name === '..' || !isWellFormed(name)).toBe(true);
          return;
        }
        expect(name !== '' && name !== '.' && name !== '..' && isWellFormed(name)).toBe(true);
        expect(segment).not.toMatch(/[/?#\\\s]/);
        expect(decodeURIComponent(segment)).toBe(name);
        const url = new URL(`http://x/a/${segment}`);
        const parts = url.pathname.split('/');
        expect(parts).toHaveLength(3);
        expect(parts[1]).toBe('a');
        expect(decodeURIComponent(parts[2])).toBe(name);
        expect(url.search).toBe('');
        expect(url.hash).toBe('');
      }),
      runs(1000),
    );
  });

  it('refuses anything but a string', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((value) => typeof value !== 'string'),
        (value) => {
          expect(() => pathSegment(value, 'name')).toThrow(FrappeInputError);
        },
      ),
      runs(100),
    );
  });
});

describe('methodName', () => {
  it('accepts a dotted identifier, refuses anything else as FrappeInputError', () => {
    fc.assert(
      fc.property(fc.oneof(anyName, fc.stringMatching(/^[a-z_]\w{0,8}(\.[a-z_]\w{0,8}){0,3}$/)), (name) => {
        let accepted: string | undefined;
        try {
          accepted = methodName(name, 'call');
        } catch (error) {
          expect(error).toBeInstanceOf(FrappeInputError);
        }
        if (accepted !== undefined) {
          expect(accepted).toBe(name);
          expect(new URL(`http://x/api/method/${accepted}`).pathname).toBe(`/api/method/${name}`);
        }
      }),
      runs(300),
    );
  });
});
