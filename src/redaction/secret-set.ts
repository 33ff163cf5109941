import { decodeEncodedForms, MAX_SOURCE_PER_UNIT } from './encoded-forms';

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not redacted: replacing 1–3 characters would garble any text. */
const MIN_SECRET_LENGTH = 4;

interface Secret {
  readonly text: string;
  /** KMP failure function: `border[i]` is the longest proper border of `text[0..i]`. */
  readonly border: Int32Array;
  /** The smallest period: occurrences can overlap only this far apart. */
  readonly period: number;
}

/** Secrets to keep out of error text. */
export type SecretSource = Iterable<string> | SecretSet | undefined | null;

/**
 * The secrets (tokens, client secret, password, code) that must not appear in an error, and the
 * ways to take them out of text.
 *
 * A secret is found as it is and under the escapes a server may echo it in — percent-encoding, JSON
 * escapes, HTML character references, mixed within one occurrence (see `decodeEncodedForms`) — and
 * each occurrence is replaced whole by `[redacted]`, overlapping ones as one. Cutting text (`cut`,
 * `truncate`) never leaves the start of an occurrence behind: an occurrence that crosses the cut is
 * redacted before the text is cut. Work is linear in the text for each secret.
 *
 * The secrets are held in private fields, so neither `util.inspect` nor `JSON.stringify` shows them.
 */
export class SecretSet implements Iterable<string> {
  /** The empty set, for decoding without secrets. */
  static readonly NONE = new SecretSet();

  /**
   * `source` itself if it is a SecretSet, else a set of the strings it yields. A lone string is one
   * secret, not the characters it iterates as (which are too short to redact: none would be).
   */
  static from(source: SecretSource): SecretSet {
    if (source instanceof SecretSet) return source;
    if (typeof source === 'string') return new SecretSet([source]);
    return source ? new SecretSet(source) : SecretSet.NONE;
  }

  readonly #secrets: readonly Secret[];
  readonly #margin: number;

  constructor(secrets: Iterable<unknown> = []) {
    const unique = new Set<string>();
    for (const secret of secrets) {
      if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) unique.add(secret);
    }
    this.#secrets = [...unique].map(prepare);
    this.#margin = MAX_SOURCE_PER_UNIT * Math.max(0, ...[...unique].map((secret) => secret.length));
  }

  /** How many secrets the set holds. */
  get size(): number {
    return this.#secrets.length;
  }

  /** How far an occurrence of a secret, in any form, may reach past where it starts. */
  get margin(): number {
    return this.#margin;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const secret of this.#secrets) yield secret.text;
  }

  /** This set and `more` together. */
  with(more: Iterable<string>): SecretSet {
    return new SecretSet([...this, ...more]);
  }

  /** `text` with every occurrence of every secret replaced by `[redacted]`. */
  scrub(text: string): string {
    return replaceSpans(text, this.#spans(text), text.length);
  }

  /**
   * At most the first `max` characters of `text`, scrubbed, and whether anything was cut. Only
   * `max` characters and the margin behind them are read, so cutting is also a bound on work.
   */
  cut(text: string, max: number): { text: string; cut: boolean } {
    if (text.length <= max) return { text: this.scrub(text), cut: false };
    const window = text.slice(0, max + this.#margin);
    return { text: replaceSpans(window, this.#spans(window), max), cut: true };
  }

  /** `text` scrubbed and, if longer than `max` characters, cut to `max` with a final `…`. */
  truncate(text: string, max: number): string {
    const limit = Math.max(1, max);
    const kept = this.cut(text, limit);
    if (!kept.cut && kept.text.length <= limit) return kept.text;
    // `kept.text` holds no occurrence any more, so cutting it cannot expose part of one.
    return `${kept.text.slice(0, limit - 1)}…`;
  }

  /**
   * `text` whose end, if it is the start of a secret (4 characters or more), is replaced by
   * `[redacted]`: for text decoded from raw text that was cut, where the cut may have split a
   * secret that decoding then joined (`Acce<b></b>ssTo` cut after `ss`).
   */
  redactTrailingFragment(text: string): string {
    let keep = text.length;
    for (const secret of this.#secrets) {
      const fragment = prefixAtEnd(text, secret);
      if (fragment >= MIN_SECRET_LENGTH) keep = Math.min(keep, text.length - fragment);
    }
    return keep === text.length ? text : `${text.slice(0, keep)}${REDACTED}`;
  }

  /** Where secrets occur in `text`, as sorted, merged `[start, end)` pairs in one flat list. */
  #spans(text: string): number[] {
    if (this.#secrets.length === 0 || text.length < MIN_SECRET_LENGTH) return [];
    const found: [number, number][] = [];
    const decoded = decodeEncodedForms(text);
    for (const secret of this.#secrets) {
      const length = secret.text.length;
      forEachOccurrence(text, secret, (at) => found.push([at, at + length]));
      if (decoded) {
        forEachOccurrence(decoded.text, secret, (at) =>
          found.push([decoded.start[at], decoded.end[at + length - 1]]),
        );
      }
    }
    found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const merged: number[] = [];
    for (const [start, end] of found) {
      const last = merged.length - 1;
      if (merged.length > 0 && start < merged[last]) merged[last] = Math.max(merged[last], end);
      else merged.push(start, end);
    }
    return merged;
  }
}

function prepare(text: string): Secret {
  const border = new Int32Array(text.length);
  for (let i = 1, k = 0; i < text.length; i++) {
    while (k > 0 && text.charCodeAt(i) !== text.charCodeAt(k)) k = border[k - 1];
    if (text.charCodeAt(i) === text.charCodeAt(k)) k++;
    border[i] = k;
  }
  return { text, border, period: text.length - border[text.length - 1] };
}

/** Every occurrence, overlapping ones included: after a match, the next can start a period later. */
function forEachOccurrence(haystack: string, secret: Secret, report: (at: number) => void): void {
  for (
    let at = haystack.indexOf(secret.text);
    at !== -1;
    at = haystack.indexOf(secret.text, at + secret.period)
  ) {
    report(at);
  }
}

/** `text` up to `stop`, each span replaced by `[redacted]` (a span that crosses `stop` included). */
function replaceSpans(text: string, spans: readonly number[], stop: number): string {
  if (spans.length === 0) return stop >= text.length ? text : text.slice(0, stop);
  const parts: string[] = [];
  let position = 0;
  for (let i = 0; i < spans.length && spans[i] < stop; i += 2) {
    parts.push(text.slice(position, spans[i]), REDACTED);
    position = spans[i + 1];
  }
  if (position < stop) parts.push(text.slice(position, stop));
  return parts.join('');
}

/** The length of the longest end of `text` that is a proper start of the secret (KMP, linear). */
function prefixAtEnd(text: string, secret: Secret): number {
  const { text: pattern, border } = secret;
  let state = 0;
  for (let i = Math.max(0, text.length - (pattern.length - 1)); i < text.length; i++) {
    const code = text.charCodeAt(i);
    while (state > 0 && pattern.charCodeAt(state) !== code) state = border[state - 1];
    if (pattern.charCodeAt(state) === code) state++;
  }
  return state;
}
