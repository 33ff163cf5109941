import fc from 'fast-check';

/**
 * Shared settings and generators of the property tests. Every `fc.assert` passes a fixed seed, so
 * a run is reproducible and a failure prints the same counterexample on every machine.
 */
export const SEED = 0x5eed_f4a7;

/** fc.assert parameters: the fixed seed and a modest number of runs (the folder runs in seconds). */
export function runs(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns };
}

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Pieces that markup, entity, JSON and percent decoders all treat specially. */
const FRAGMENTS = [
  '<p',
  '<p>',
  '</p>',
  '<b>',
  '</b',
  '<br/>',
  '<a href="x">',
  '<!--',
  '-->',
  '<script>',
  '</script >',
  '<style',
  '&amp;',
  '&#39;',
  '&#x27;',
  '&#1114111;',
  '&lt;',
  '&nbsp;',
  '&',
  '&#',
  ';',
  '"',
  "'",
  '\\',
  '\\"',
  '\\u00',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  ' ',
  '\n',
  '\t',
  '%',
  '%2F',
  '%E2%82',
  'x',
  'Customer',
  'é',
  '\u{1F600}',
  '\uD800',
  '\uDFFF',
  '\0',
  '[redacted]',
];

/** Text a broken or hostile server could send: random code units, random code points, markup soup. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), { maxLength: 25 })
    .map((parts) => parts.join('')),
);

/** Pieces that the decoders treat specially, repeated: the raw material of pathological inputs. */
export const hostileUnit: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'grapheme-ascii', maxLength: 3 })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join(''))
  .filter((unit) => unit.length > 0);

/** A Python class name as Frappe sends it, sometimes dotted. */
export const className: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'ValidationError',
    'frappe.exceptions.ValidationError',
    'DoesNotExistError',
    'PermissionError',
    'TimestampMismatchError',
    'DuplicateEntryError',
    'RateLimitExceededError',
    'AuthenticationError',
    'CSRFTokenError',
  ),
  fc.stringMatching(/^[A-Za-z_]\w{0,20}(\.[A-Za-z_]\w{0,10}){0,2}$/),
);

/** A secret as a token, a client secret or a password looks: long, from its own alphabet. */
const secretText = fc
  .string({
    unit: fc.constantFrom(...'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789/+=-_'),
    minLength: 12,
    maxLength: 40,
  })
  .map((text) => `Zq${text}`);

export const secrets: fc.Arbitrary<string[]> = fc.uniqueArray(secretText, { minLength: 1, maxLength: 3 });

/** One way a server may echo a secret: as it is, percent-, JSON- or HTML-escaped. */
export function secretForm(secret: string, form: number): string {
  const units = [...secret];
  switch (form % 5) {
    case 1:
      return units.map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
    case 2:
      return units.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    case 3:
      return units.map((c) => `&#${c.charCodeAt(0)};`).join('');
    case 4:
      return encodeURIComponent(secret);
    default:
      return secret;
  }
}

/**
 * Text with the given secrets embedded (raw and escaped) between pieces of hostile text. The
 * result is a function of the secrets, so that the secrets of one run can be drawn first.
 */
export function textWithSecrets(list: readonly string[]): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(hostileText, fc.tuple(fc.nat(list.length - 1), fc.nat(4))), { maxLength: 6 })
    .map((parts) =>
      parts.map((part) => (typeof part === 'string' ? part : secretForm(list[part[0]], part[1]))).join(''),
    );
}
