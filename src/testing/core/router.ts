import type { Site } from '../site';
import { GUEST } from '../state/users';
import { type AuthContext, authenticate } from './auth';
import { errorEnvelope, htmlErrorPage, wantsJson } from './envelope';
import {
  bareRaise,
  FrappeException,
  frappeThrow,
  notWhitelistedForGuest,
  OAuthJsonError,
} from './exceptions';
import type { HandlerContext } from './registry';
import type { EmulatorRequest } from './request';
import { EmulatorResponse } from './response';

const METHOD_PREFIXES = ['/api/method/', '/api/v1/method/'];
const RESOURCE_PREFIXES = ['/api/resource/', '/api/v1/resource/'];

/**
 * Frappe's `application()`: authenticate, route, and turn exceptions into the profile's error
 * envelope. Every response gets the session (or Guest) cookies, as Frappe's CookieManager does.
 */
export async function dispatch(site: Site, req: EmulatorRequest): Promise<EmulatorResponse> {
  const path = trimTrailingSlash(req.path);
  const methodPath = stripPrefix(path, METHOD_PREFIXES);
  const method = methodPath !== undefined ? site.methods.get(decodePath(methodPath)) : undefined;

  let auth: AuthContext | undefined;
  let response: EmulatorResponse;
  try {
    if (site.profile.rejectInvalidJsonBody && req.jsonInvalid) {
      throw frappeThrow('DataError', 'Invalid request body');
    }
    auth = authenticate(site, req, {
      basicIsClientAuthentication: method?.basicIsClientAuthentication?.(site) ?? false,
    });
    const context: HandlerContext = { site, req, auth, args: req.formDict };
    response = await route(site, context, path, methodPath);
  } catch (error) {
    response = errorResponse(site, req, error, auth?.user ?? GUEST);
  }
  decorate(site, req, response, auth);
  return response;
}

async function route(
  site: Site,
  context: HandlerContext,
  path: string,
  methodPath: string | undefined,
): Promise<EmulatorResponse> {
  if (methodPath !== undefined) return callMethod(site, context, decodePath(methodPath));

  const resourcePath = stripPrefix(path, RESOURCE_PREFIXES);
  if (resourcePath !== undefined && site.resourceHandler) {
    const slash = resourcePath.indexOf('/');
    const doctype = decodePath(slash < 0 ? resourcePath : resourcePath.slice(0, slash));
    const name = slash < 0 ? undefined : decodePath(resourcePath.slice(slash + 1));
    const result = await site.resourceHandler(context, doctype, name || undefined);
    return result instanceof EmulatorResponse ? result : EmulatorResponse.json(200, { data: result });
  }

  // REST API v2 (rest/v2), where the profile has it; elsewhere `/api/v2/…` is an unknown route.
  const v2Path = stripPrefix(path, ['/api/v2/']);
  if (v2Path !== undefined && site.apiV2) return site.apiV2.handle(context, v2Path);

  if (path.startsWith('/api/') || path === '/api') throw bareRaise('DoesNotExistError');

  const page = site.pages.get(path);
  if (page) return page(context);
  throw new FrappeException('PageDoesNotExistError', { message: 'Page not found', thrown: true });
}

async function callMethod(site: Site, context: HandlerContext, name: string): Promise<EmulatorResponse> {
  const method = site.methods.get(name);
  if (!method) {
    throw frappeThrow(
      'ValidationError',
      `Failed to get method for command ${name} with No module named '${name.split('.').slice(0, -1).join('.')}'`,
    );
  }
  if (method.methods && !method.methods.includes(context.req.method)) {
    throw frappeThrow('PermissionError', 'Not permitted');
  }
  if (!method.allowGuest && context.auth.user === GUEST) throw notWhitelistedForGuest(name);
  const result = await method.handler(context);
  if (result instanceof EmulatorResponse) return result;
  return EmulatorResponse.json(200, result === undefined ? {} : { message: result });
}

function errorResponse(site: Site, req: EmulatorRequest, error: unknown, user: string): EmulatorResponse {
  if (error instanceof OAuthJsonError) {
    return EmulatorResponse.json(error.statusCode, {
      description: error.description,
      status_code: error.statusCode,
      error: error.error,
    });
  }
  const exception =
    error instanceof FrappeException
      ? error
      : new FrappeException('InternalServerError', { status: 500, thrown: false });
  if (!(error instanceof FrappeException)) {
    // An emulator bug: answer like Frappe's 500 but keep the cause visible to whoever debugs it.
    process.emitWarning(
      `FrappeEmulator handler failed: ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
  const response = wantsJson(req.path, req.header('accept'), req.header('x-requested-with'))
    ? EmulatorResponse.json(
        exception.status,
        site.apiV2 && req.path.startsWith('/api/v2/')
          ? site.apiV2.errorBody(exception, user)
          : errorEnvelope(site.profile, exception, user),
      )
    : htmlErrorPage(exception);
  if (exception.excType === 'AuthenticationError') response.cookies.push(...expiredCookies());
  return response;
}

function decorate(
  site: Site,
  req: EmulatorRequest,
  response: EmulatorResponse,
  auth: AuthContext | undefined,
): void {
  const date = new Date(site.clock.nowMs()).toUTCString();
  response.headers.date = date;
  if (site.profile.cacheControlNoStore && response.headers['cache-control'] === undefined) {
    response.headers['cache-control'] = 'no-store,no-cache,must-revalidate,max-age=0';
  }
  if (site.profile.wwwAuthenticate && (response.status === 401 || response.status === 403)) {
    // `set_authenticate_headers` points at the metadata on the request's own origin.
    const host = req.header('host');
    const origin = host ? `http://${host}` : site.url;
    response.headers['www-authenticate'] =
      `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource"`;
  }
  if (response.cookies.length === 0 && req.path.startsWith('/api/')) {
    const session = auth?.session;
    response.cookies.push(...sessionCookies(session?.sid ?? 'Guest', session?.user ?? GUEST));
  }
}

/** Frappe's CookieManager cookies for a session (Guest on bearer-token requests, quirk 4). */
export function sessionCookies(sid: string, user: string): string[] {
  const isGuest = user === GUEST;
  const flags = 'Path=/; SameSite=Lax';
  return [
    `sid=${sid}; HttpOnly; ${flags}`,
    `system_user=${isGuest ? 'no' : 'yes'}; ${flags}`,
    `full_name=${encodeURIComponent(isGuest ? 'Guest' : user)}; ${flags}`,
    `user_id=${encodeURIComponent(user)}; ${flags}`,
    `user_image=; ${flags}`,
  ];
}

/** The expired cookies `handle_exception` sends on AuthenticationError (`clear_cookies`). */
export function expiredCookies(): string[] {
  const expired = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; SameSite=Lax';
  return ['sid', 'system_user', 'full_name', 'user_id', 'user_image'].map((name) => `${name}=; ${expired}`);
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function stripPrefix(path: string, prefixes: readonly string[]): string | undefined {
  for (const prefix of prefixes) if (path.startsWith(prefix)) return path.slice(prefix.length);
  return undefined;
}

function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
