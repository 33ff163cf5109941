/**
 * A text with its escapes decoded, and for each decoded UTF-16 unit the span of the text it came
 * from, so that a secret found in the decoded text can be removed from the text itself.
 */
export interface DecodedForms {
  readonly text: string;
  /** `start[k]`/`end[k]`: where decoded unit `k` starts and ends in the original text. */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/**
 * The most characters one decoded UTF-16 unit may come from (`&#0065535;`, `&#x00FFFF;`): an
 * occurrence of an m-unit secret, in any form, spans at most `MAX_SOURCE_PER_UNIT × m` characters.
 */
export const MAX_SOURCE_PER_UNIT = 10;

/** The characters that may start an escape; a text without any has nothing to decode. */
const ESCAPE_START = /[%\\&]/;

const NAMED: Readonly<Record<string, number>> = { amp: 0x26, lt: 0x3c, gt: 0x3e, quot: 0x22, apos: 0x27 };

/**
 * Decodes, in one pass, the escapes under which a server may echo a secret: percent-encoding
 * (`%2F`, `%c3%a9`, any case), JSON and JavaScript escapes (`\/`, `\"`, `\\`, `\u0041`) and HTML
 * character references (`&#97;`, `&#x61;`, `&amp;`). Forms may be mixed within one secret. Each
 * escape is decoded once, left to right; anything that is not a complete escape stays as it is.
 * `undefined` when the text holds no escape.
 */
export function decodeEncodedForms(text: string): DecodedForms | undefined {
  if (!ESCAPE_START.test(text)) return undefined;
  // Never more units than characters: an escape is longer than what it decodes to.
  const units = new Uint16Array(text.length);
  const start = new Int32Array(text.length);
  const end = new Int32Array(text.length);
  let count = 0;
  let i = 0;
  const push = (unit: number, to: number) => {
    units[count] = unit;
    start[count] = i;
    end[count] = to;
    count++;
  };
  const emit = (codePoint: number, length: number) => {
    const to = i + length;
    if (codePoint > 0xffff) {
      push(0xd800 + ((codePoint - 0x10000) >> 10), to);
      push(0xdc00 + ((codePoint - 0x10000) & 0x3ff), to);
    } else {
      push(codePoint, to);
    }
    i = to;
  };
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const sequence =
      code === 0x25
        ? percentEscape(text, i)
        : code === 0x5c
          ? backslashEscape(text, i)
          : code === 0x26
            ? entity(text, i)
            : undefined;
    if (sequence) emit(sequence.codePoint, sequence.length);
    else emit(code, 1);
  }
  // String.fromCharCode in slices: one call with every unit would overflow the stack.
  let decoded = '';
  for (let from = 0; from < count; from += 8192) {
    decoded += String.fromCharCode(...units.subarray(from, Math.min(count, from + 8192)));
  }
  return { text: decoded, start, end };
}

interface Escape {
  codePoint: number;
  length: number;
}

function hexValue(text: string, from: number, digits: number): number {
  let value = 0;
  for (let i = from; i < from + digits; i++) {
    const digit = hexDigit(text.charCodeAt(i));
    if (digit === -1) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** `%XX`, or a well-formed UTF-8 sequence of them. */
function percentEscape(text: string, at: number): Escape | undefined {
  const lead = hexValue(text, at + 1, 2);
  if (lead === -1) return undefined;
  if (lead < 0x80) return { codePoint: lead, length: 3 };
  const extra =
    lead >= 0xc2 && lead <= 0xdf
      ? 1
      : lead >= 0xe0 && lead <= 0xef
        ? 2
        : lead >= 0xf0 && lead <= 0xf4
          ? 3
          : 0;
  if (extra === 0) return undefined;
  let codePoint = lead & (0x3f >> extra);
  for (let k = 1; k <= extra; k++) {
    const position = at + 3 * k;
    if (text.charCodeAt(position) !== 0x25) return undefined;
    const byte = hexValue(text, position + 1, 2);
    if (byte < 0x80 || byte > 0xbf) return undefined;
    codePoint = (codePoint << 6) | (byte & 0x3f);
  }
  const smallest = extra === 1 ? 0x80 : extra === 2 ? 0x800 : 0x10000;
  if (codePoint < smallest || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
    return undefined;
  }
  return { codePoint, length: 3 * (extra + 1) };
}

/** `\uXXXX` (each half of a surrogate pair on its own) and `\/`, `\"`, `\'`, `\\`. */
function backslashEscape(text: string, at: number): Escape | undefined {
  const next = text.charCodeAt(at + 1);
  if (next === 0x75) {
    const unit = hexValue(text, at + 2, 4);
    return unit === -1 ? undefined : { codePoint: unit, length: 6 };
  }
  return next === 0x2f || next === 0x22 || next === 0x27 || next === 0x5c
    ? { codePoint: next, length: 2 }
    : undefined;
}

/** `&#NNN;` (up to 7 digits), `&#xHHHHHH;` (up to 6), and the named references of HTML escaping. */
function entity(text: string, at: number): Escape | undefined {
  if (text.charCodeAt(at + 1) === 0x23) {
    const hex = (text.charCodeAt(at + 2) | 0x20) === 0x78;
    const first = at + (hex ? 3 : 2);
    let value = 0;
    let i = first;
    for (; i < first + (hex ? 6 : 7); i++) {
      const code = text.charCodeAt(i);
      const digit = hex ? hexDigit(code) : code >= 0x30 && code <= 0x39 ? code - 0x30 : -1;
      if (digit === -1) break;
      value = value * (hex ? 16 : 10) + digit;
    }
    if (i === first || text.charCodeAt(i) !== 0x3b || value < 1 || value > 0x10ffff) return undefined;
    return { codePoint: value, length: i + 1 - at };
  }
  // Named references are short: look no further than the longest, so a run of `&` stays linear.
  let semicolon = at + 1;
  while (semicolon <= at + 5 && text.charCodeAt(semicolon) !== 0x3b) semicolon++;
  if (semicolon > at + 5) return undefined;
  const name = text.slice(at + 1, semicolon).toLowerCase();
  return Object.hasOwn(NAMED, name) ? { codePoint: NAMED[name], length: semicolon + 1 - at } : undefined;
}
