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
  const unsafe = UNSAFE_METHODS.has(req.method);
  // develop: a login session's write without a token passes only on same-origin evidence.
  const sameOriginRule = unsafe && profile.csrfTokenAtLogin && session?.origin === 'login';
  const csrfApplies = (unsafe && session?.csrfToken !== undefined) || sameOriginRule;
  const deferCsrf = csrfApplies && authorization !== undefined && profile.csrfDeferralForCredentials;
  if (csrfApplies && !deferCsrf) {
    if (sameOriginRule && sentCsrfToken(req) === undefined) {
      if (!hasSameOriginEvidence(site, req)) throw frappeThrow('CSRFTokenError', 'Invalid Request');
    } else {
      checkCsrf(req, session);
    }
  }

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
    if (row && site.tokens.isUsable(row, site.clock.nowMs()) && (user?.enabled ?? row.user !== GUEST)) {
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

function sentCsrfToken(req: EmulatorRequest): string | undefined {
  return req.header('x-frappe-csrf-token') ?? req.form.csrf_token;
}

/** `Sec-Fetch-Site: same-origin`, or an `Origin` / `Referer` on the request's own origin. */
function hasSameOriginEvidence(site: Site, req: EmulatorRequest): boolean {
  if (req.header('sec-fetch-site')?.toLowerCase() === 'same-origin') return true;
  const host = req.header('host');
  const own = host ? `http://${host}` : site.url;
  for (const value of [req.header('origin'), req.header('referer')]) {
    if (!value) continue;
    try {
      if (new URL(value).origin === own) return true;
    } catch {
      // not a URL: no evidence
    }
  }
  return false;
}

function checkCsrf(req: EmulatorRequest, session: SessionRow | undefined): void {
  const sent = sentCsrfToken(req);
  if (!session?.csrfToken || sent !== session.csrfToken) {
    throw frappeThrow('CSRFTokenError', 'Invalid Request');
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
