/**
 * Python's URL encoders, reproduced byte for byte because Frappe's redirects are compared with a
 * real Frappe's: `encode_params` uses `urllib.parse.quote` (spaces as `%20`, deliberately, since
 * oauthlib cannot read `+`), while oauthlib's `add_params_to_uri` uses `urlencode` (`quote_plus`).
 */

/** The characters `urllib.parse.quote(s, safe='')` leaves alone. */
const UNRESERVED = /[A-Za-z0-9_.~-]/;

function quoteWith(text: string, spaceAsPlus: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(char)) out += char;
    else if (spaceAsPlus && char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `urllib.parse.quote(text, safe='')`. */
export function pythonQuote(text: string): string {
  return quoteWith(text, false);
}

/** `urllib.parse.quote_plus(text)`. */
export function pythonQuotePlus(text: string): string {
  return quoteWith(text, true);
}

/** Frappe's `encode_params`: `urlencode(params, quote_via=quote)`. */
export function encodeParams(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([key, value]) => `${pythonQuote(key)}=${pythonQuote(value)}`).join('&');
}

/** `urllib.parse.urlencode(pairs)` (quote_plus). */
function urlencode(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([key, value]) => `${pythonQuotePlus(key)}=${pythonQuotePlus(value)}`).join('&');
}

/** `urllib.parse.parse_qsl(query, keep_blank_values=True)`. */
function parseQsl(query: string): Array<[string, string]> {
  if (query === '') return [];
  return [...new URLSearchParams(query)];
}

/**
 * oauthlib's `add_params_to_uri`: the URI's existing query (or fragment) is parsed and re-encoded
 * together with the new parameters, which is how Frappe builds `redirect_uri?code=…&state=…`.
 */
export function addParamsToUri(
  uri: string,
  params: ReadonlyArray<readonly [string, string]>,
  fragment = false,
): string {
  const hashAt = uri.indexOf('#');
  const beforeHash = hashAt < 0 ? uri : uri.slice(0, hashAt);
  let hash = hashAt < 0 ? '' : uri.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt);
  let query = queryAt < 0 ? '' : beforeHash.slice(queryAt + 1);
  if (fragment) hash = urlencode([...parseQsl(hash), ...params]);
  else query = urlencode([...parseQsl(query), ...params]);
  return `${base}${query ? `?${query}` : ''}${hash ? `#${hash}` : ''}`;
}
