import { FrappeException } from '../core/exceptions';
import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import { GUEST } from '../state/users';
import {
  authorizationParams,
  completeAuthorization,
  validateAuthorizationRequest,
} from './authorization-request';
import { consentPage } from './consent-page';
import { encodeParams } from './url-encoding';

export const APPROVE_PATH = '/api/method/frappe.integrations.oauth2.approve';

/**
 * `authorize`: Guests go to `/login?redirect-to=<this very URL>`; a logged-in user gets either the
 * redirect (consent skipped) or the "Confirm Access" page. Validation errors propagate as
 * `OAuthJsonError`, which the router renders in Frappe's `{description, status_code, error}` shape.
 */
export function authorize(context: HandlerContext): EmulatorResponse {
  const { site, auth, req } = context;
  if (site.profile.authorizeFormPost && req.method === 'POST' && !isFormBody(req)) {
    // develop hands oauthlib form bodies only.
    throw new FrappeException('UnsupportedMediaType', { thrown: false });
  }
  const params = authorizationParams(context.args);
  const successUrl = `${APPROVE_PATH}?${encodeParams(params)}`;
  const redirectParam = context.args.redirect_uri;
  const failureUrl = `${typeof redirectParam === 'string' ? redirectParam : ''}?error=access_denied`;

  if (auth.user === GUEST) {
    return EmulatorResponse.redirect(`/login?${encodeParams([['redirect-to', requestUrl(context)]])}`);
  }

  const request = validateAuthorizationRequest(site, auth.user, params);
  if (request.client.skipAuthorization) {
    // ≤v15 send the browser through approve (two hops); develop issues the code right here.
    const location = site.profile.authorizeRedirectsViaApprove
      ? successUrl
      : completeAuthorization(site, auth.user, request);
    return EmulatorResponse.redirect(location);
  }

  // ≤v15 render the page without a CSRF token; develop's Allow POSTs the session's token.
  const csrfToken =
    site.profile.approvePostOnly && auth.session ? site.sessions.csrfTokenFor(auth.session) : undefined;
  return consentPage({
    appName: request.client.appName,
    scopes: request.scopes,
    successUrl,
    failureUrl,
    csrfToken,
  });
}

/** `approve`: validate again, create the code (or implicit token) and redirect to the client. */
export function approve(context: HandlerContext): EmulatorResponse {
  const { site, auth } = context;
  const request = validateAuthorizationRequest(site, auth.user, authorizationParams(context.args));
  return EmulatorResponse.redirect(completeAuthorization(site, auth.user, request));
}

/**
 * The URL the Guest comes back to after login: werkzeug's `request.url` (scheme, Host header,
 * path, raw query); develop also folds a POSTed form into its query so nothing is lost.
 */
function requestUrl({ site, req }: HandlerContext): string {
  const host = req.header('host');
  const origin = host ? `http://${host}` : site.url;
  if (!site.profile.authorizeFormPost || req.method !== 'POST' || Object.keys(req.form).length === 0) {
    return `${origin}${req.url.pathname}${req.url.search}`;
  }
  const merged = new Map<string, string>(req.query);
  for (const [key, value] of Object.entries(req.form)) merged.set(key, value);
  merged.delete('cmd');
  return `${origin}${req.url.pathname}?${encodeParams([...merged])}`;
}

/** An empty body or `application/x-www-form-urlencoded`. */
function isFormBody(req: HandlerContext['req']): boolean {
  if (req.rawBody.length === 0) return true;
  return req.contentType.startsWith('application/x-www-form-urlencoded');
}
