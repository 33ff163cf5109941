/** Tags whose boundaries separate words (`<summary>A</summary>B` reads "A B"). */
const BLOCK_TAGS = new Set([
  'br',
  'p',
  'div',
  'summary',
  'details',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'table',
  'thead',
  'tbody',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'pre',
  'blockquote',
  'section',
  'article',
  'header',
  'footer',
  'dd',
  'dt',
  'dl',
]);
const LONGEST_BLOCK_TAG = 10;

/** Elements whose content is not text: dropped with it. */
const RAW_TEXT_TAGS = ['script', 'style'];

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * Character references. Every quantifier is bounded, so a match attempt costs a fixed amount and
 * the replacement is linear in the text (`&#&#&#…` or `&aaaa…` included).
 */
const ENTITY = /&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{1,8});/gi;

const SPACE = /\s/;

/**
 * HTML to one line of plain text: drops scripts, styles and comments, turns block boundaries into
 * spaces, removes other tags, unescapes entities (`&amp;`, `&lt;`, `&#39;`, `&#x27;`, `&nbsp;` …)
 * once, and collapses whitespace. A `<` that does not start a complete tag is text.
 *
 * Server text is untrusted, so this is one left-to-right scan rather than regexes that backtrack
 * (`<p<p<p…` makes such tag patterns quadratic): each search for a closing delimiter either
 * consumes what it scanned or, failing, is remembered, and no character is looked at more than a
 * fixed number of times. The time is linear in the length of `html`, whatever its shape.
 */
export function htmlToText(html: string): string {
  return stripMarkup(html).replace(ENTITY, unescapeEntity).replace(/\s+/g, ' ').trim();
}

interface Markup {
  /** Where the markup ends (exclusive). */
  end: number;
  /** What it stands for in the text. */
  replacement: string;
}

/** The scan's state: the input, its ASCII-lowercased copy, and delimiters known to be absent. */
interface Scan {
  readonly html: string;
  /** Same length as `html`, so positions agree. */
  readonly lower: string;
  /** Delimiters a search found nowhere after some position; every later search starts later. */
  readonly absent: Set<string>;
}

function stripMarkup(html: string): string {
  const scan: Scan = { html, lower: lowerAscii(html), absent: new Set() };
  const parts: string[] = [];
  let copied = 0;
  let at = html.indexOf('<');
  while (at !== -1) {
    const markup = markupAt(scan, at);
    if (markup) {
      parts.push(html.slice(copied, at), markup.replacement);
      copied = markup.end;
      at = html.indexOf('<', markup.end);
    } else {
      at = html.indexOf('<', at + 1);
    }
  }
  parts.push(html.slice(copied));
  return parts.join('');
}

/** The comment, script/style element or tag that starts at `at` (a `<`), if complete. */
function markupAt(scan: Scan, at: number): Markup | undefined {
  if (scan.lower.startsWith('<!--', at)) {
    const close = find(scan, '-->', at + 4);
    // An unterminated comment is text, like any `<` that starts no complete markup.
    if (close !== -1) return { end: close + 3, replacement: '' };
    return undefined;
  }
  for (const name of RAW_TEXT_TAGS) {
    const afterName = at + 1 + name.length;
    if (scan.lower.startsWith(name, at + 1) && !isWordChar(scan.html.charCodeAt(afterName))) {
      const end = rawTextEnd(scan, name, afterName);
      if (end !== -1) return { end, replacement: ' ' };
      // Never closed: the opening tag alone is removed like any other.
      break;
    }
  }
  return tagAt(scan, at);
}

/** The end of `</name\s*>` at or after `from`, or -1. */
function rawTextEnd(scan: Scan, name: string, from: number): number {
  const closer = `</${name}`;
  for (let search = from; ; ) {
    const open = find(scan, closer, search);
    if (open === -1) return -1;
    let k = open + closer.length;
    while (k < scan.html.length && SPACE.test(scan.html[k])) k++;
    if (scan.html.charCodeAt(k) === 0x3e) return k + 1;
    search = open + 1;
  }
}

/**
 * A tag: `<`, an optional `/`, then either a block tag's name (the whole word) and anything up to
 * the first `>`, or a name (`[a-z][a-z0-9-]*`) followed by `>`, `/>`, or whitespace and anything
 * up to the first `>`.
 */
function tagAt(scan: Scan, at: number): Markup | undefined {
  const { html, lower } = scan;
  let nameStart = at + 1;
  if (html.charCodeAt(nameStart) === 0x2f) nameStart++;
  let wordEnd = nameStart;
  while (isWordChar(html.charCodeAt(wordEnd))) wordEnd++;
  if (wordEnd - nameStart <= LONGEST_BLOCK_TAG && BLOCK_TAGS.has(lower.slice(nameStart, wordEnd))) {
    const close = find(scan, '>', wordEnd);
    return close === -1 ? undefined : { end: close + 1, replacement: ' ' };
  }
  if (!isAsciiLetter(html.charCodeAt(nameStart))) return undefined;
  let nameEnd = nameStart + 1;
  while (isNameChar(html.charCodeAt(nameEnd))) nameEnd++;
  const next = html.charCodeAt(nameEnd);
  if (next === 0x3e) return { end: nameEnd + 1, replacement: '' };
  if (next === 0x2f && html.charCodeAt(nameEnd + 1) === 0x3e) return { end: nameEnd + 2, replacement: '' };
  if (nameEnd < html.length && SPACE.test(html[nameEnd])) {
    const close = find(scan, '>', nameEnd + 1);
    return close === -1 ? undefined : { end: close + 1, replacement: '' };
  }
  return undefined;
}

/**
 * `lower.indexOf(needle, from)`, remembering a miss: the scan only moves forward, so a needle
 * absent after one position is absent after every later one and is not searched for again.
 */
function find(scan: Scan, needle: string, from: number): number {
  if (scan.absent.has(needle)) return -1;
  const found = scan.lower.indexOf(needle, from);
  if (found === -1) scan.absent.add(needle);
  return found;
}

function unescapeEntity(match: string, body: string): string {
  if (body[0] === '#') {
    const code =
      body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  }
  const name = body.toLowerCase();
  return Object.hasOwn(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name] : match;
}

/** Lowercases A–Z only, so that the copy has the same length and positions as the original. */
function lowerAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** `\w`: what a `\b` after a tag name looks at. */
function isWordChar(code: number): boolean {
  return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isNameChar(code: number): boolean {
  return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d;
}
