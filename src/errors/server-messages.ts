/** At most this many messages are kept, each cut to this many characters. */
const MAX_MESSAGES = 50;
const MAX_MESSAGE_LENGTH = 2000;

/** One decoded `_server_messages` entry. */
export interface ServerMessageEntry {
  /** The message as plain text. */
  text: string;
  /** Whether Frappe marked it as the message of the raised exception (`raise_exception`). */
  raiseException: boolean;
}

/**
 * Frappe's `_server_messages` as plain text (frappe-reference.md §8.2): a JSON string of an array
 * of JSON strings, each an object whose `message` may hold HTML. Decodes twice, takes `.message`,
 * strips tags and unescapes entities. Tolerates every malformation — an already decoded array,
 * entries that are objects or plain strings, invalid JSON — and never throws.
 */
export function decodeServerMessages(raw: unknown): string[] {
  return decodeServerMessageEntries(raw).map((entry) => entry.text);
}

/** Like {@link decodeServerMessages}, keeping which entry belongs to the raised exception. */
export function decodeServerMessageEntries(raw: unknown): ServerMessageEntry[] {
  const entries: ServerMessageEntry[] = [];
  for (const item of outerEntries(raw)) {
    const entry = decodeEntry(item);
    if (entry?.text) entries.push(entry);
    if (entries.length >= MAX_MESSAGES) break;
  }
  return entries;
}

function outerEntries(raw: unknown): unknown[] {
  let value = raw;
  // Decode at most twice: a body that went through one JSON encoding too many still works.
  for (let i = 0; i < 2 && typeof value === 'string'; i++) {
    const parsed = tryParseJson(value);
    if (parsed === undefined) break;
    value = parsed;
  }
  if (Array.isArray(value)) return value;
  // Unparseable: a plain message is kept, a broken JSON fragment is dropped.
  if (typeof value === 'string') return value.trim() && !/^\s*[[{]/.test(value) ? [value] : [];
  if (typeof value === 'object' && value !== null) return [value];
  return [];
}

function decodeEntry(item: unknown): ServerMessageEntry | undefined {
  let value = item;
  if (typeof value === 'string') {
    const parsed = tryParseJson(value);
    // A string that is not JSON is itself the message.
    if (parsed !== undefined && (typeof parsed === 'object' || typeof parsed === 'string')) value = parsed;
  }
  if (typeof value === 'string') return { text: toPlainText(value), raiseException: false };
  if (typeof value === 'number' || typeof value === 'boolean') {
    return { text: String(value), raiseException: false };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const text = messageText(record.message);
  if (text === undefined) return undefined;
  const flag = record.raise_exception;
  return { text, raiseException: flag === 1 || flag === true || flag === '1' };
}

/** `message` is normally a string; `msgprint(as_list=True)` gives a list. */
function messageText(message: unknown): string | undefined {
  if (typeof message === 'string') return toPlainText(message);
  if (typeof message === 'number' || typeof message === 'boolean') return String(message);
  if (Array.isArray(message)) {
    const parts = message.filter((part) => typeof part === 'string' || typeof part === 'number');
    return parts.length > 0 ? toPlainText(parts.join('; ')) : undefined;
  }
  return undefined;
}

function toPlainText(html: string): string {
  const text = htmlToText(html);
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

/** Tags whose boundaries separate words (`<summary>A</summary>B` reads "A B"). */
const BLOCK_TAG =
  /<\/?(?:br|p|div|summary|details|li|ul|ol|tr|td|th|table|thead|tbody|h[1-6]|hr|pre|blockquote|section|article|header|footer|dd|dt|dl)\b[^>]*>/gi;

/**
 * HTML to one line of plain text: drops scripts, styles and comments, turns block boundaries into
 * spaces, removes other tags, unescapes entities (`&amp;`, `&lt;`, `&#39;`, `&#x27;`, `&nbsp;` …)
 * once, and collapses whitespace.
 */
export function htmlToText(html: string): string {
  return unescapeEntities(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(BLOCK_TAG, ' ')
      .replace(/<\/?[a-z][a-z0-9-]*(?:\s[^>]*)?\/?>/gi, ''),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function unescapeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (match, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? match;
  });
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
