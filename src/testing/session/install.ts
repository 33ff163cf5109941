import { errorEnvelope } from '../core/envelope';
import { FrappeException } from '../core/exceptions';
import type { HandlerContext } from '../core/registry';
import { EmulatorResponse, escapeHtml } from '../core/response';
import { expiredCookies, sessionCookies } from '../core/router';
import type { Site } from '../site';
import { GUEST } from '../state/users';
import { loginPage } from './login-page';

/** Installs cookie sessions: login, logout, get_logged_user, ping and the /login page. */
export function installSession(site: Site): void {
  site.methods.register('login', { allowGuest: true, handler: apiLogin });
  site.methods.register('logout', {
    allowGuest: true,
    handler: ({ site: current, auth }) => {
      if (auth.session) current.sessions.delete(auth.session.sid);
      const response = EmulatorResponse.json(200, {});
      response.cookies.push(...sessionCookies('Guest', GUEST));
      return response;
    },
  });
  site.methods.register('frappe.auth.get_logged_user', { handler: ({ auth }) => auth.user });
  site.methods.register('ping', { allowGuest: true, handler: () => 'pong' });
  site.pages.register('/login', formLogin);
  const desk = site.profile.deskPath;
  site.pages.register(desk, ({ site: current, auth }) => {
    if (auth.user === GUEST)
      return EmulatorResponse.redirect(`/login?redirect-to=${encodeURIComponent(desk)}`);
    // The desk boots with the session's CSRF token, which is how a browser (or a test) gets it.
    const csrf = auth.session ? current.sessions.csrfTokenFor(auth.session) : '';
    return EmulatorResponse.html(
      200,
      `<!doctype html><title>Desk</title><script>frappe.csrf_token = "${csrf}";</script><h1>Logged in as ${escapeHtml(auth.user)}</h1>`,
    );
  });
  // v16 moved the desk to /desk; old /app links still land there.
  if (desk !== '/app') site.pages.register('/app', () => EmulatorResponse.redirect(desk, 301));
}

function checkCredentials(site: Site, login: unknown, password: unknown): string | undefined {
  if (typeof login !== 'string' || typeof password !== 'string') return undefined;
  const user = site.users.findForLogin(login);
  return user?.enabled && user.password === password ? user.email : undefined;
}

/** `POST /api/method/login` (usr, pwd): a `sid` cookie and `{"message": "Logged In", …}`. */
function apiLogin({ site, args }: HandlerContext): EmulatorResponse {
  const email = checkCredentials(site, args.usr, args.pwd);
  if (!email) {
    // LoginManager.fail: the message goes into the response and AuthenticationError is raised.
    const exception = new FrappeException('AuthenticationError', { thrown: false });
    const failed = EmulatorResponse.json(401, {
      message: 'Invalid login credentials',
      ...errorEnvelope(site.profile, exception, GUEST),
    });
    // handle_exception clears the cookies on AuthenticationError.
    failed.cookies.push(...expiredCookies());
    return failed;
  }
  const session = site.sessions.create(email, { withCsrfToken: site.profile.csrfTokenAtLogin });
  const user = site.users.get(email);
  const fullName = [user?.firstName, user?.lastName].filter(Boolean).join(' ');
  const body: Record<string, unknown> = {
    message: 'Logged In',
    home_page: site.profile.deskPath,
    full_name: fullName,
  };
  // develop returns the token it minted, so an API client can make writes on the session.
  if (session.csrfToken !== undefined) body.csrf_token = session.csrfToken;
  const response = EmulatorResponse.json(200, body);
  response.cookies.push(...sessionCookies(session.sid, email));
  return response;
}

/** `GET /login` shows the form; `POST /login` logs in and follows `redirect-to` (same site only). */
function formLogin({ site, req, args }: HandlerContext): EmulatorResponse {
  const redirectTo = safeRedirect(site, String(args['redirect-to'] ?? site.profile.deskPath));
  if (req.method !== 'POST') return EmulatorResponse.html(200, loginPage(redirectTo));
  const email = checkCredentials(site, args.usr, args.pwd);
  if (!email) return EmulatorResponse.html(401, loginPage(redirectTo, 'Invalid login credentials'));
  const session = site.sessions.create(email, { withCsrfToken: site.profile.csrfTokenAtLogin });
  const response = EmulatorResponse.redirect(redirectTo, 302);
  response.cookies.push(...sessionCookies(session.sid, email));
  return response;
}

/**
 * Only this site: `/login?redirect-to=` carries the absolute authorize URL (Frappe puts
 * `request.url` there), but must be no open redirect.
 */
function safeRedirect(site: Site, target: string): string {
  if (target.startsWith('/') && !target.startsWith('//')) return target;
  try {
    const url = new URL(target);
    if (url.origin === new URL(site.url).origin) return target;
  } catch {
    // not a URL
  }
  return site.profile.deskPath;
}
