import type { SecretSet } from '../redaction/secret-set';
import { htmlToText } from './html-to-text';
import { MAX_RAW_TEXT_LENGTH } from './limits';

/** Raw server text after {@link capServerText}: bounded, scrubbed, and whether it was cut. */
export interface CappedText {
  readonly text: string;
  readonly cut: boolean;
}

/**
 * Raw text from a server (a body, `_server_messages`, `exception`, `message`, an OAuth
 * `error_description`), cut to {@link MAX_RAW_TEXT_LENGTH} and scrubbed of `secrets` before anything
 * parses or decodes it: what it costs to decode is bounded whatever the server sent, and the
 * secrets' raw and escaped forms are gone before decoding can split or join them.
 */
export function capServerText(raw: string, secrets: SecretSet): CappedText {
  return secrets.cut(raw, MAX_RAW_TEXT_LENGTH);
}

/**
 * Capped server text as plain text to keep in an error: HTML stripped and entities unescaped, the
 * secrets scrubbed again (decoding may have formed them: `&#97;bc`, `ab<b></b>c`), the end redacted
 * if it is the start of a secret the cut split, and cut to `maxLength`.
 */
export function decodeServerText(capped: CappedText, secrets: SecretSet, maxLength: number): string {
  const text = secrets.scrub(htmlToText(capped.text));
  return secrets.truncate(capped.cut ? secrets.redactTrailingFragment(text) : text, maxLength);
}

/** {@link capServerText}, then {@link decodeServerText}. */
export function serverText(raw: string, secrets: SecretSet, maxLength: number): string {
  return decodeServerText(capServerText(raw, secrets), secrets, maxLength);
}
