/**
 * A shop with "Login with Frappe": each visitor signs in with their own ERP account, and the shop
 * acts on the ERP as that user — lists Items, creates a Sales Order — so Frappe's own permissions
 * apply, and a real permission error is shown as such (not as "please sign in again").
 *
 *   npx tsx examples/shop-login-with-frappe.mts       # offline: an emulator and the shop on :3000
 *
 * Written on node:http so that it runs with no other dependency; each route is what you would
 * write as an Express handler (`app.get('/login', …)`), with the session cookie standing for
 * express-session's `req.sessionID`. The authorization is bound to that session (`binding`), so a
 * callback URL opened in another browser (login CSRF) is refused. In your own project, import from
 * 'frappe-oauth-client' instead of the source path.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthorizationCallbackError,
  AuthorizationDeniedError,
  AuthorizationRequiredError,
  FrappeOAuthClient,
  FrappePermissionError,
  FrappeValidationError,
  type KeyvLike,
} from '../src/index.js';

export interface ShopOptions {
  /** The Frappe site and the shop's OAuth Client there (redirect URI `<shop>/frappe/callback`). */
  frappeUrl: string;
  clientId: string;
  clientSecret: string;
  /** Where tokens live: Redis or a file store in production (see the README). */
  store?: KeyvLike;
  port?: number;
}

/**
 * A browser session: a random id in an httpOnly cookie. `tokenKey` names the signed-in user's
 * token in the store (one per sign-in); `pendingKey` the one a started sign-in will get.
 */
interface Session {
  tokenKey?: string;
  pendingKey?: string;
  user?: string;
}

export interface Shop {
  url: string;
  redirectUri: string;
  server: Server;
  close(): Promise<void>;
}

const COOKIE = 'shop_session';

export async function startShop(options: ShopOptions): Promise<Shop> {
  const sessions = new Map<string, Session>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${url}/frappe/callback`;
  const frappe = new FrappeOAuthClient({
    baseUrl: options.frappeUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri,
    store: options.store,
  });
  // One stored token per signed-in shop user.
  const asUser = (session: Session) => frappe.withTokenKey(session.tokenKey as string);

  const routes: Record<
    string,
    (req: IncomingMessage, res: ServerResponse, sid: string, session: Session) => Promise<void>
  > = {
    'GET /': async (_req, res, _sid, session) => {
      if (!session.tokenKey) return html(res, 200, '<a href="/login">Login with Frappe</a>');
      html(res, 200, `Signed in as ${escapeHtml(session.user ?? '')}. <a href="/items">Items</a>`);
    },
    // app.get('/login', …): start the authorization, bound to this browser's session.
    'GET /login': async (_req, res, sid, session) => {
      session.pendingKey = `shop-user:${newSessionId()}`;
      const authorizeUrl = await frappe
        .withTokenKey(session.pendingKey)
        .getAuthorizationUrl({ binding: sid });
      res.writeHead(302, { location: authorizeUrl }).end();
    },
    // app.get('/frappe/callback', …): only the session that started the sign-in may finish it.
    'GET /frappe/callback': async (req, res, sid, session) => {
      // The token is stored under the key that started the authorization (session.pendingKey).
      await frappe.handleCallback(`${url}${req.url}`, { binding: sid });
      const tokenKey = session.pendingKey as string;
      const profile = await frappe.withTokenKey(tokenKey).getProfile();
      // A new session id for the signed-in browser (as express-session's regenerate()).
      sessions.delete(sid);
      const fresh = newSessionId();
      sessions.set(fresh, { tokenKey, user: profile.email });
      res.writeHead(302, { location: '/', 'set-cookie': sessionCookie(fresh) }).end();
    },
    // app.get('/items', …): the ERP's Items, as the signed-in user sees them.
    'GET /items': async (_req, res, _sid, session) => {
      const items = await asUser(session).getList('Item', {
        fields: ['item_code', 'item_name', 'standard_rate'],
        limit: 50,
      });
      json(res, 200, items);
    },
    // app.post('/orders', …): a Sales Order created as the signed-in ERP user.
    'POST /orders': async (req, res, _sid, session) => {
      const body = JSON.parse((await readBody(req)) || '{}') as {
        customer?: string;
        items?: Array<{ item_code: string; qty: number; rate?: number }>;
      };
      const order = await asUser(session).insertDoc<{ name: string }>('Sales Order', {
        customer: body.customer,
        delivery_date: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
        items: body.items ?? [],
      });
      json(res, 201, { name: order.name });
    },
    'POST /logout': async (_req, res, sid, session) => {
      if (session.tokenKey) await asUser(session).logout();
      sessions.delete(sid);
      res.writeHead(302, { location: '/', 'set-cookie': `${COOKIE}=; Path=/; Max-Age=0` }).end();
    },
  };

  server.on('request', (req, res) => {
    let sid = cookieOf(req, COOKIE);
    if (!sid || !sessions.has(sid)) {
      sid = newSessionId();
      sessions.set(sid, {});
      res.setHeader('set-cookie', sessionCookie(sid));
    }
    const session = sessions.get(sid) as Session;
    const route = routes[`${req.method} ${new URL(req.url ?? '/', url).pathname}`];
    if (!route) return html(res, 404, 'Not found');
    const needsUser = !['GET /', 'GET /login', 'GET /frappe/callback'].includes(
      `${req.method} ${new URL(req.url ?? '/', url).pathname}`,
    );
    if (needsUser && !session.tokenKey) return json(res, 401, { error: 'sign in first', login: '/login' });
    route(req, res, sid, session).catch((error: unknown) => showError(res, error));
  });

  return {
    url,
    redirectUri,
    server,
    close: async () => {
      await frappe.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The error middleware: what each SDK error means to a shopper. */
function showError(res: ServerResponse, error: unknown): void {
  const [status, body] = describe(error);
  json(res, status, body);
}

function describe(error: unknown): [number, Record<string, string>] {
  // The user is signed in and the token is fine: their ERP role may not do this.
  if (error instanceof FrappePermissionError) {
    return [403, { error: 'permission', message: `Frappe refused: ${error.message}` }];
  }
  if (error instanceof AuthorizationRequiredError) return [401, { error: 'sign in again', login: '/login' }];
  if (error instanceof AuthorizationDeniedError) return [403, { error: 'you denied access at Frappe' }];
  // A forged, reused or expired callback, or one opened in another browser (login CSRF).
  if (error instanceof AuthorizationCallbackError) {
    return [400, { error: 'this sign-in link is not valid here', login: '/login' }];
  }
  if (error instanceof FrappeValidationError) return [422, { error: 'invalid', message: error.message }];
  return [502, { error: 'the ERP is not answering right now' }];
}

function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

function sessionCookie(sid: string): string {
  // SameSite=Lax, not Strict: the callback is a top-level redirect from the Frappe site.
  return `${COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax`;
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk) => {
      text += String(chunk);
    });
    req.once('end', () => resolve(text));
    req.once('error', reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function html(res: ServerResponse, status: number, body: string): void {
  res
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
    .end(`<!doctype html><body>${body}</body>`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

// Run directly: an emulator and the shop, for a browser.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  const { FrappeEmulator } = await import('../src/testing/index.js');
  const site = await FrappeEmulator.start({
    profile: 'v15',
    users: [{ email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] }],
  });
  const shop = await startShop({
    frappeUrl: site.url,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    port: 3000,
  });
  site.addClient({ clientId: 'shop', clientSecret: 'shop-secret', redirectUris: [shop.redirectUri] });
  console.log(
    `shop at ${shop.url} (Frappe emulator at ${site.url}; sign in as alice@example.com / alice-pass, or Administrator / admin)`,
  );
  const stop = () => void shop.close().then(() => site.stop().then(() => process.exit(0)));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
