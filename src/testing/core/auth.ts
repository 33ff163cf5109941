import type { Site } from '../site';
import type { SessionRow } from '../state/sessions';
import type { BearerTokenRow } from '../state/tokens';
import { GUEST } from '../state/users';
import { bareRaise, FrappeException, frappeThrow } from './exceptions';
import type { EmulatorRequest } from './request';

/** Who a request runs as, and how that was decided. */
export interface AuthContext {
  user: string;
  via: 'guest' | 'session' | 'bearer' | 'api-key';
  session: SessionRow | undefined;
  token: BearerTokenRow | undefined;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

export interface AuthOptions {
  /**
   * develop passes Basic credentials through general auth only on the token and revocation
   * paths, where they authenticate the OAuth client rather than an API key (§2.3).
   */
  basicIsClientAuthentication: boolean;
}

/**
 * Frappe's request authentication (§4): resume the cookie session, check CSRF, then validate the
 * `Authorization` header. What a failed header does is the profile's main difference: v13/early
 * v14 continue as Guest, v15+ answer 401.
 */
export function authenticate(site: Site, req: EmulatorRequest, options: AuthOptions): AuthContext {
  const profile = site.profile;
  const session = site.sessions.get(req.cookies.sid);
  const context: AuthContext = {
    user: session?.user ?? GUEST,
    via: session ? 'session' : 'guest',
    session,
    token: undefined,
  };

  const authorization = req.header('authorization');
  const deferCsrf = csrfDecision(site, req, session, authorization) === 'defer';

  if (authorization === undefined) return context;
  const parts = authorization.split(' ');
  if (parts.length !== 2) {
    // A header that is not exactly two words is ignored by every validator; v16+ call it
    // unsupported authorization.
    if (profile.malformedAuthorizationIsError) throw bareRaise('AuthenticationError');
    return context;
  }
  const [scheme = '', credential = ''] = parts;
  const schemeLower = scheme.toLowerCase();
  if (schemeLower === 'bearer') {
    const row = site.tokens.byAccessToken(credential);
    const user = row ? site.users.get(row.user) : undefined;
    // A token whose owner is disabled or gone authenticates nobody.
    if (row && site.tokens.isUsable(row, site.clock.nowMs()) && user?.enabled === true) {
      context.user = row.user;
      context.via = 'bearer';
      context.token = row;
    }
  } else if (schemeLower === 'basic' || schemeLower === 'token') {
    if (schemeLower === 'basic' && options.basicIsClientAuthentication) return context;
    const pair = schemeLower === 'basic' ? decodeBasic(credential) : credential;
    const colon = pair.indexOf(':');
    const key = colon >= 0 ? pair.slice(0, colon) : pair;
    const secret = colon >= 0 ? pair.slice(colon + 1) : '';
    const user = site.users.findByApiKey(key);
    if (!user || user.apiSecret !== secret || !user.enabled) throw bareRaise('AuthenticationError');
    context.user = user.email;
    context.via = 'api-key';
  }

  // Deferred CSRF passes only when the header itself authenticated the session's user; a header
  // that authenticated nobody leaves `context.user` at the session user, which must not count.
  if (deferCsrf && session && (context.via === 'session' || context.user !== session.user)) {
    throw frappeThrow('CSRFTokenError', 'Invalid Request');
  }
  if (context.user === GUEST && profile.invalidAuthorization === 'authentication-error') {
    throw bareRaise('AuthenticationError');
  }
  return context;
}

/**
 * Frappe's `validate_csrf_token` for an unsafe request on a cookie session: a session holding a
 * token needs that token; develop also refuses a token-less session's request without positive
 * same-origin evidence. A supported credential in `Authorization` defers the refusal (v16+) to
 * after authentication. Throws CSRFTokenError, or says whether the decision was deferred.
 */
function csrfDecision(
  site: Site,
  req: EmulatorRequest,
  session: SessionRow | undefined,
  authorization: string | undefined,
): 'pass' | 'defer' {
  const profile = site.profile;
  if (!session || !UNSAFE_METHODS.has(req.method)) return 'pass';
  if (session.csrfToken !== undefined) {
    if (sentCsrfToken(req) === session.csrfToken) return 'pass';
  } else if (!profile.csrfTokenAtLogin || session.csrfExempt || hasSameOriginEvidence(site, req)) {
    return 'pass';
  }
  if (
    authorization !== undefined &&
    profile.csrfDeferralForCredentials &&
    isSupportedCredential(authorization)
  ) {
    return 'defer';
  }
  throw frappeThrow('CSRFTokenError', 'Invalid Request');
}

/** `token`, `Basic` or `Bearer` (any case) and one credential: what defers a CSRF refusal. */
function isSupportedCredential(authorization: string): boolean {
  const parts = authorization.split(' ');
  return parts.length === 2 && ['bearer', 'basic', 'token'].includes((parts[0] ?? '').toLowerCase());
}

function sentCsrfToken(req: EmulatorRequest): string | undefined {
  return req.header('x-frappe-csrf-token') ?? req.form.csrf_token;
}

/**
 * develop's positive same-site evidence for a token-less session: `Sec-Fetch-Site` of
 * `same-origin` or `none` (a `cross-site` / `same-site` one refuses whatever else is sent), else
 * an `Origin`, else a `Referer`, on the site's own scheme, host and port (`X-Forwarded-Proto`
 * sets the scheme; an opaque `null` origin is foreign).
 */
function hasSameOriginEvidence(site: Site, req: EmulatorRequest): boolean {
  const fetchSite = req.header('sec-fetch-site')?.toLowerCase();
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return false;
  const host = req.header('host') ?? new URL(site.url).host;
  const scheme = req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() || 'http';
  const own = originKey(`${scheme}://${host}`);
  if (own === undefined) return false;
  const origin = req.header('origin');
  if (origin !== undefined) return origin !== 'null' && originKey(origin) === own;
  if (fetchSite === 'same-origin' || fetchSite === 'none') return true;
  const referer = req.header('referer');
  return referer !== undefined && originKey(referer) === own;
}

/** scheme://host:port with the default port made explicit, or undefined for a non-URL. */
function originKey(value: string): string | undefined {
  try {
    const url = new URL(value);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return `${url.protocol}//${url.hostname.toLowerCase()}:${port}`;
  } catch {
    return undefined;
  }
}

function decodeBasic(credential: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(credential)) {
    throw new FrappeException('InvalidAuthorizationToken', {
      message: 'Invalid Authorization Token',
      thrown: true,
    });
  }
  return Buffer.from(credential, 'base64').toString('utf8');
}
