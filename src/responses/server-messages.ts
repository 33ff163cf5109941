import { SecretSet } from '../redaction/secret-set';
import { MAX_ENTRIES_READ, MAX_MESSAGE_LENGTH, MAX_MESSAGES, MAX_RAW_TEXT_LENGTH } from './limits';
import { type CappedText, capServerText, decodeServerText } from './server-text';

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
 * entries that are objects or plain strings, invalid JSON — and never throws. At most 50 messages of
 * at most 2,000 characters; raw strings are cut before they are parsed.
 */
export function decodeServerMessages(raw: unknown): string[] {
  return decodeServerMessageEntries(raw).map((entry) => entry.text);
}

/**
 * Like {@link decodeServerMessages}, keeping which entry belongs to the raised exception, and
 * scrubbing `secrets` from the raw strings and again from the decoded text.
 */
export function decodeServerMessageEntries(
  raw: unknown,
  secrets: SecretSet = SecretSet.NONE,
): ServerMessageEntry[] {
  const entries: ServerMessageEntry[] = [];
  const { items, cut } = outerEntries(raw, secrets);
  for (let i = 0; i < items.length && i < MAX_ENTRIES_READ && entries.length < MAX_MESSAGES; i++) {
    const entry = decodeEntry(items[i], secrets, cut);
    if (entry?.text) entries.push(entry);
  }
  return entries;
}

function outerEntries(raw: unknown, secrets: SecretSet): { items: readonly unknown[]; cut: boolean } {
  if (Array.isArray(raw)) return { items: raw, cut: false };
  if (typeof raw !== 'string') {
    return { items: typeof raw === 'object' && raw !== null ? [raw] : [], cut: false };
  }
  const capped = capServerText(raw, secrets);
  let value: unknown = capped.text;
  // Decode at most twice: a body that went through one JSON encoding too many still works.
  for (let i = 0; i < 2 && typeof value === 'string'; i++) {
    const parsed = tryParseJson(value);
    if (parsed === undefined) break;
    value = parsed;
  }
  if (Array.isArray(value)) return { items: value, cut: false };
  // Unparseable: a plain message is kept, a broken JSON fragment (a cut one too) is dropped.
  if (typeof value === 'string') {
    return { items: value.trim() && !/^\s*[[{]/.test(value) ? [value] : [], cut: capped.cut };
  }
  if (typeof value === 'object' && value !== null) return { items: [value], cut: false };
  return { items: [], cut: false };
}

function decodeEntry(item: unknown, secrets: SecretSet, outerCut: boolean): ServerMessageEntry | undefined {
  let value = item;
  let capped: CappedText | undefined;
  if (typeof value === 'string') {
    capped = capServerText(value, secrets);
    const parsed = tryParseJson(capped.text);
    // A string that is not JSON is itself the message.
    if (parsed !== undefined && (typeof parsed === 'object' || typeof parsed === 'string')) {
      value = parsed;
      capped = undefined;
    }
  }
  if (typeof value === 'string') {
    const text = capped ? { text: capped.text, cut: capped.cut || outerCut } : capServerText(value, secrets);
    return { text: decodeServerText(text, secrets, MAX_MESSAGE_LENGTH), raiseException: false };
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return { text: String(value), raiseException: false };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const text = messageText(record.message, secrets);
  if (text === undefined) return undefined;
  const flag = record.raise_exception;
  return { text, raiseException: flag === 1 || flag === true || flag === '1' };
}

/** `message` is normally a string; `msgprint(as_list=True)` gives a list. */
function messageText(message: unknown, secrets: SecretSet): string | undefined {
  if (typeof message === 'string') {
    return decodeServerText(capServerText(message, secrets), secrets, MAX_MESSAGE_LENGTH);
  }
  if (typeof message === 'number' || typeof message === 'boolean') return String(message);
  if (!Array.isArray(message)) return undefined;
  const parts: string[] = [];
  let length = 0;
  let cut = false;
  for (let i = 0; i < message.length && i < MAX_ENTRIES_READ && length <= MAX_RAW_TEXT_LENGTH; i++) {
    const part = message[i];
    if (typeof part !== 'string' && typeof part !== 'number') continue;
    const capped = capServerText(String(part), secrets);
    parts.push(capped.text);
    length += capped.text.length + 2;
    // A part that was cut must end the text, where a fragment it leaves is looked for.
    if (capped.cut) {
      cut = true;
      break;
    }
  }
  if (parts.length === 0) return undefined;
  const joined = capServerText(parts.join('; '), secrets);
  return decodeServerText({ text: joined.text, cut: cut || joined.cut }, secrets, MAX_MESSAGE_LENGTH);
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
