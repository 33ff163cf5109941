/**
 * A shop on Express with "Login with Frappe": each visitor signs in with their own ERP account,
 * and the shop acts on the ERP as that user — lists Items, creates a Sales Order — so Frappe's own
 * permissions apply, and a real permission error is shown as such (not as "please sign in again").
 *
 *   npx tsx examples/shop-login-with-frappe.mts       # offline: an emulator and the shop on :3000
 *
 * The session is a random id in an httpOnly cookie (what express-session's `req.sessionID` gives
 * you). The authorization is bound to it (`binding`), so a callback URL opened in another browser
 * (login CSRF) is refused. In your own project, import from 'frappe-oauth-client' instead of the
 * source path.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
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
 * A browser session. `tokenKey` names the signed-in user's token in the store (one per sign-in);
 * `pendingKey` the one a started sign-in will get.
 */
interface Session {
  id: string;
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
  const app = express();
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(listening));
  });
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
  const sessionOf = (res: Response) => res.locals.session as Session;

  // The session middleware: every browser gets one.
  app.use((req, res, next) => {
    let session = sessions.get(cookieOf(req.headers.cookie, COOKIE) ?? '');
    if (!session) {
      session = { id: newSessionId() };
      sessions.set(session.id, session);
      res.setHeader('set-cookie', sessionCookie(session.id));
    }
    res.locals.session = session;
    next();
  });

  const signedIn = (_req: Request, res: Response, next: NextFunction) => {
    if (!sessionOf(res).tokenKey) {
      res.status(401).json({ error: 'sign in first', login: '/login' });
      return;
    }
    next();
  };

  app.get('/', (_req, res) => {
    const session = sessionOf(res);
    if (!session.tokenKey) return html(res, 200, '<a href="/login">Login with Frappe</a>');
    html(res, 200, `Signed in as ${escapeHtml(session.user ?? '')}. <a href="/items">Items</a>`);
  });

  // Start the authorization, bound to this browser's session.
  app.get('/login', async (_req, res) => {
    const session = sessionOf(res);
    session.pendingKey = `shop-user:${newSessionId()}`;
    const authorizeUrl = await frappe
      .withTokenKey(session.pendingKey)
      .getAuthorizationUrl({ binding: session.id });
    res.redirect(302, authorizeUrl);
  });

  // Only the session that started the sign-in may finish it.
  app.get('/frappe/callback', async (req, res) => {
    const session = sessionOf(res);
    // The token is stored under the key that started the authorization (session.pendingKey).
    await frappe.handleCallback(`${url}${req.originalUrl}`, { binding: session.id });
    const tokenKey = session.pendingKey as string;
    const profile = await frappe.withTokenKey(tokenKey).getProfile();
    // A new session id for the signed-in browser (as express-session's regenerate()).
    sessions.delete(session.id);
    const fresh: Session = { id: newSessionId(), tokenKey, user: profile.email };
    sessions.set(fresh.id, fresh);
    res.setHeader('set-cookie', sessionCookie(fresh.id));
    res.redirect(302, '/');
  });

  // The ERP's Items, as the signed-in user sees them.
  app.get('/items', signedIn, async (_req, res) => {
    const items = await asUser(sessionOf(res)).getList('Item', {
      fields: ['item_code', 'item_name', 'standard_rate'],
      limit: 50,
    });
    res.json(items);
  });

  // A Sales Order created as the signed-in ERP user.
  app.post('/orders', signedIn, express.json(), async (req, res) => {
    const body = (req.body ?? {}) as {
      customer?: string;
      items?: Array<{ item_code: string; qty: number; rate?: number }>;
    };
    const order = await asUser(sessionOf(res)).insertDoc<{ name: string }>('Sales Order', {
      customer: body.customer,
      delivery_date: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
      items: body.items ?? [],
    });
    res.status(201).json({ name: order.name });
  });

  app.post('/logout', async (_req, res) => {
    const session = sessionOf(res);
    if (session.tokenKey) await asUser(session).logout();
    sessions.delete(session.id);
    res.setHeader('set-cookie', `${COOKIE}=; Path=/; Max-Age=0`);
    res.redirect(302, '/');
  });

  app.use((_req: Request, res: Response) => html(res, 404, 'Not found'));
  // Express 5 hands a rejected async handler to the error middleware.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => showError(res, error));

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
function showError(res: Response, error: unknown): void {
  const [status, body] = describe(error);
  res.status(status).json(body);
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

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function html(res: Response, status: number, body: string): void {
  res.status(status).type('html').send(`<!doctype html><body>${body}</body>`);
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
