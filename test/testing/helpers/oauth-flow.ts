import { createHash } from 'node:crypto';
import type { FrappeEmulator } from '../../../src/testing/index';

/** The token endpoint's success body. */
export interface TokenJson {
  access_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
  refresh_token: string;
  id_token?: string;
}

export interface ObtainTokensOptions {
  user: string;
  password: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  /** Space-separated; default: the client's scopes. */
  scope?: string;
  /** Sends an S256 challenge for this verifier and the verifier to the token endpoint. */
  codeVerifier?: string;
  state?: string;
  nonce?: string;
}

export const OAUTH = '/api/method/frappe.integrations.oauth2';

/** base64url(SHA-256(verifier)), the PKCE S256 challenge. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Frappe-style query: `%20` for spaces, as an SDK should build authorize URLs. */
export function query(params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** `POST` a form body without following redirects. */
export function postForm(
  url: string,
  fields: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) body.set(key, value);
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

/** `POST /api/method/login` and return the `sid=…` cookie. */
export async function login(site: FrappeEmulator, user: string, password: string): Promise<string> {
  const response = await postForm(`${site.url}/api/method/login`, { usr: user, pwd: password });
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  const sid = response.headers
    .getSetCookie()
    .find((cookie) => cookie.startsWith('sid='))
    ?.split(';')[0];
  if (!sid) throw new Error('login set no sid cookie');
  return sid;
}

/**
 * Walks authorize → (approve | consent page → Allow) → redirect_uri with a session cookie and
 * returns the final Location (the client's callback URL).
 */
export async function authorizeToCallback(
  site: FrappeEmulator,
  cookie: string,
  params: Record<string, string | undefined>,
): Promise<URL> {
  let response = await fetch(`${site.url}${OAUTH}.authorize?${query(params)}`, {
    redirect: 'manual',
    headers: { cookie },
  });
  for (let hop = 0; hop < 5; hop++) {
    if (response.status === 200 && (response.headers.get('content-type') ?? '').includes('text/html')) {
      response = await clickAllow(site, cookie, await response.text());
      continue;
    }
    const location = response.headers.get('location');
    if (response.status !== 302 || !location) {
      throw new Error(`authorize flow stopped at ${response.status}: ${await response.text()}`);
    }
    const next = new URL(location, site.url);
    if (next.origin !== site.url) return next;
    response = await fetch(next, { redirect: 'manual', headers: { cookie } });
  }
  throw new Error('authorize flow did not reach the redirect URI');
}

/** Follows the consent page's Allow: a link (≤v15) or a POST form with the CSRF token (develop). */
async function clickAllow(site: FrappeEmulator, cookie: string, html: string): Promise<Response> {
  const link =
    /<a[^>]*id="allow"[^>]*href="([^"]+)"/.exec(html) ?? /<a[^>]*href="([^"]+)"[^>]*id="allow"/.exec(html);
  if (link?.[1])
    return fetch(new URL(unescapeHtml(link[1]), site.url), { redirect: 'manual', headers: { cookie } });
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !csrf) throw new Error('consent page has no Allow');
  return postForm(new URL(unescapeHtml(action), site.url).href, { csrf_token: csrf }, { cookie });
}

function unescapeHtml(html: string): string {
  return html.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");
}

/** Exchanges a code at the token endpoint (client_secret_post). */
export function exchangeCode(
  site: FrappeEmulator,
  fields: {
    code: string;
    clientId: string;
    clientSecret?: string;
    redirectUri: string;
    codeVerifier?: string;
  },
): Promise<Response> {
  return postForm(`${site.url}${OAUTH}.get_token`, {
    grant_type: 'authorization_code',
    code: fields.code,
    client_id: fields.clientId,
    client_secret: fields.clientSecret,
    redirect_uri: fields.redirectUri,
    code_verifier: fields.codeVerifier,
  });
}

/** Log in, authorize (S256 PKCE when a verifier is given) and exchange the code; returns the token JSON. */
export async function obtainTokens(site: FrappeEmulator, options: ObtainTokensOptions): Promise<TokenJson> {
  const cookie = await login(site, options.user, options.password);
  const callback = await authorizeToCallback(site, cookie, {
    client_id: options.clientId,
    response_type: 'code',
    redirect_uri: options.redirectUri,
    scope: options.scope,
    state: options.state ?? 'st',
    nonce: options.nonce,
    code_challenge: options.codeVerifier ? s256Challenge(options.codeVerifier) : undefined,
    code_challenge_method: options.codeVerifier ? 'S256' : undefined,
  });
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  const response = await exchangeCode(site, {
    code,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    codeVerifier: options.codeVerifier,
  });
  if (response.status !== 200)
    throw new Error(`get_token failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as TokenJson;
}
