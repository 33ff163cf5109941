import { createHash } from 'node:crypto';

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not redacted: replacing 1–3 characters would garble any text. */
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every occurrence of each secret (of length ≥ 4) in `text` with `[redacted]`, also in
 * its percent-encoded form. Longer secrets are replaced first, so a secret that contains another
 * one is removed whole. Non-string entries are ignored.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    variants.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) variants.add(encoded);
  }
  let result = text;
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    result = result.split(variant).join(REDACTED);
  }
  return result;
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

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** V8's JSON.parse messages quote the start of the input, which may be a token. */
const JSON_INPUT_SNIPPET = /"[\s\S]*"(?:\.\.\.)?(?=\s+is not valid JSON)/;

/**
 * Text made safe to keep in an error: URLs lose their query, fragment and userinfo, the input
 * snippet that V8 puts in JSON.parse errors is dropped, and the given secrets are redacted.
 */
export function scrubText(text: string, secrets: Iterable<string> = []): string {
  const withoutUrls = text.replace(URL_IN_TEXT, (match) => sanitizeUrl(match));
  const withoutSnippet = withoutUrls.replace(JSON_INPUT_SNIPPET, '<input>');
  return redactSecrets(withoutSnippet, secrets);
}
