import { createHash } from 'node:crypto';
import { SecretSet, type SecretSource } from './secret-set';

export { REDACTED } from './secret-set';

/**
 * Replaces every occurrence of each secret (of length ≥ 4) in `text` with `[redacted]`, also in
 * its percent-encoded, JSON-escaped and HTML-escaped forms. A secret that contains another, or
 * overlaps it, is removed whole. Non-string entries are ignored.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  return SecretSet.from(secrets).scrub(text);
}

/**
 * A short, stable, non-reversible label for a secret (the first 8 hex characters of its SHA-256),
 * for logs and events that must tell tokens apart without carrying them.
 */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8);
}

/**
 * A URL without what may carry credentials: the query (authorization codes, tokens), the fragment
 * (implicit-flow tokens) and the userinfo. Absolute URLs become origin + path; relative ones lose
 * everything from the first `?` or `#`. Anything that is not a string or URL gives `''`.
 */
export function sanitizeUrl(url: string | URL | undefined | null): string {
  if (url instanceof URL) return originAndPath(url);
  if (typeof url !== 'string') return '';
  const text = url.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    try {
      return originAndPath(new URL(text));
    } catch {
      // Not parseable as an absolute URL: fall through to the plain cut below.
    }
  }
  const cut = text.search(/[?#]/);
  const withoutQuery = cut === -1 ? text : text.slice(0, cut);
  // A scheme-relative or unparseable value may still carry `user:pass@`.
  return withoutQuery.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)[^/@]*@/i, '$1');
}

function originAndPath(url: URL): string {
  const origin = url.origin !== 'null' ? url.origin : `${url.protocol}${url.host ? `//${url.host}` : ''}`;
  return `${origin}${url.pathname}`;
}

/**
 * A URL in running text. The scheme is bounded (real ones are a few letters) so that each start
 * position costs a fixed amount: an unbounded `[a-z0-9+.-]*` would rescan `a.a.a.a…` from every
 * letter, quadratic in the text.
 */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>`]+/gi;

/** The end of the input snippet V8 quotes in JSON.parse errors: `"xRefr3shTo"... is not valid JSON`. */
const JSON_SNIPPET_END = /"(?:\.\.\.)?(?=\s+is not valid JSON)/g;

/**
 * Text made safe to keep in an error: URLs lose their query, fragment and userinfo, the input
 * snippet that V8 puts in JSON.parse errors is dropped, and the given secrets are redacted.
 * Linear in the length of the text.
 */
export function scrubText(text: string, secrets: SecretSource = SecretSet.NONE): string {
  const withoutUrls = text.replace(URL_IN_TEXT, (match) => sanitizeUrl(match));
  return SecretSet.from(secrets).scrub(withoutJsonSnippet(withoutUrls));
}

/**
 * {@link scrubText} of at most `max` characters of `text`, ending in `…` when cut. The cut comes
 * first, so the work is bounded by `max` whatever the length of `text`, and never leaves part of a
 * secret behind.
 */
export function scrubAndTruncate(text: string, secrets: SecretSource, max: number): string {
  const set = SecretSet.from(secrets);
  const head = set.cut(text, max);
  const clean = scrubText(head.text, set);
  return head.cut || clean.length > max ? `${clean.slice(0, Math.max(0, max - 1))}…` : clean;
}

/** From the first `"` to the end of the last snippet, as the greedy `"[\s\S]*"` would take it. */
function withoutJsonSnippet(text: string): string {
  let end = -1;
  let lastQuote = -1;
  for (const match of text.matchAll(JSON_SNIPPET_END)) {
    lastQuote = match.index;
    end = match.index + match[0].length;
  }
  const start = text.indexOf('"');
  if (end === -1 || start === -1 || start >= lastQuote) return text;
  return `${text.slice(0, start)}<input>${text.slice(end)}`;
}
