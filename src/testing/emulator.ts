import type { EmulatorFault, FaultOptions } from './core/faults';
import { EmulatorHttpServer } from './core/http-server';
import { type SiteRateLimitControl, siteRateLimiter } from './core/rate-limiter';
import { deleteUnusedDynamicClients } from './oauth/dynamic-client-cleanup';
import { installOAuth } from './oauth/install';
import { type EmulatorProfileName, isProfileName, PROFILE_NAMES, PROFILES } from './profiles';
import {
  serverDeleteDocument,
  serverGetDocument,
  serverInsertDocument,
  serverUpdateDocument,
} from './rest/controls';
import { generateDocuments } from './rest/generator';
import { installRest } from './rest/install';
import { installSession } from './session/install';
import { type RequestLogEntry, Site } from './site';
import type { EmulatorClientOptions } from './state/clients';
import type { EmulatorUserOptions } from './state/users';
import { type WebhookControl, webhookRegistry } from './webhooks/webhook-registry';

export interface FrappeEmulatorOptions {
  /** Which Frappe release to behave like; default `'v15'`. */
  profile?: EmulatorProfileName;
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The id_token `iss` and discovery issuer (Social Login Key base URL); default the site URL. */
  issuer?: string;
  /** `expires_in` of issued access tokens; default 3600, as on every Frappe release. */
  tokenLifetimeSeconds?: number;
  users?: EmulatorUserOptions[];
  clients?: EmulatorClientOptions[];
  /** Seed the ERPNext-like sample documents (Customers, Items, Sales Orders); default true. */
  seed?: boolean;
  /**
   * `developer_mode` in site config; default false. register_client then accepts `http://`
   * redirect URIs (otherwise only https).
   */
  developerMode?: boolean;
  /**
   * Whether register_client's rate limit (one call per 10 minutes per address, 417
   * RateLimitExceededError) applies; default true. See also `resetRateLimits()`.
   */
  registrationRateLimit?: boolean;
}

/** An OAuth client as `getClient` shows it: its settings, and whether register_client made it. */
export type EmulatorClientInfo = Required<Omit<EmulatorClientOptions, 'clientSecret'>> & {
  clientSecret?: string;
  /** `is_dynamic_client`. */
  dynamic: boolean;
};

/** An issued token pair as the emulator holds it (a test control; never reachable over HTTP). */
export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  clientId: string;
  user: string;
  scopes: string[];
  status: 'Active' | 'Revoked';
  /** Server-clock epoch seconds at which the access token expires. */
  expiresAt: number;
}

/**
 * An in-process Frappe site on 127.0.0.1 for tests: Frappe's OAuth2 provider, sessions and REST
 * API v1 as `frappe-reference.md` describes them, per version profile, with test controls for
 * time, tokens and faults.
 *
 * ```ts
 * const site = await FrappeEmulator.start({ profile: 'v15', clients: [...], users: [...] });
 * // ... point the SDK at site.url ...
 * await site.stop();
 * ```
 */
export class FrappeEmulator {
  /** @internal the emulated site's state; tests use the public controls instead. */
  readonly site: Site;
  private readonly server: EmulatorHttpServer;
  private started = false;

  private constructor(site: Site) {
    this.site = site;
    this.server = new EmulatorHttpServer(site);
  }

  /** Starts a site and resolves once it listens. */
  static async start(options: FrappeEmulatorOptions = {}): Promise<FrappeEmulator> {
    const profileName = options.profile ?? 'v15';
    if (!isProfileName(profileName)) {
      throw new TypeError(
        `unknown emulator profile ${JSON.stringify(profileName)}: use ${PROFILE_NAMES.map((name) => `'${name}'`).join(', ')}`,
      );
    }
    const lifetime = options.tokenLifetimeSeconds ?? 3600;
    if (!Number.isFinite(lifetime) || lifetime <= 0) {
      throw new TypeError('tokenLifetimeSeconds must be a positive number');
    }
    if (options.issuer !== undefined && (typeof options.issuer !== 'string' || options.issuer === '')) {
      throw new TypeError('issuer must be a non-empty string (or undefined for the site URL)');
    }
    for (const flag of ['developerMode', 'registrationRateLimit'] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
        throw new TypeError(`${flag} must be a boolean`);
      }
    }
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be 0..65535');

    const site = new Site({
      profile: PROFILES[profileName],
      tokenLifetimeSeconds: lifetime,
      issuer: options.issuer,
      users: options.users ?? [],
      clients: options.clients ?? [],
      developerMode: options.developerMode ?? false,
      rateLimits: options.registrationRateLimit ?? true,
    });
    installSession(site);
    installOAuth(site);
    installRest(site, { seed: options.seed ?? true });

    const emulator = new FrappeEmulator(site);
    const address = await emulator.server.listen('127.0.0.1', port);
    site.url = `http://127.0.0.1:${address.port}`;
    emulator.started = true;
    return emulator;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.site.url;
  }

  get profile(): EmulatorProfileName {
    return this.site.profile.name;
  }

  /** That access token is expired from now on (its refresh token still works). */
  expireToken(accessToken: string): void {
    const row = this.site.tokens.byAccessToken(accessToken);
    if (!row) throw new Error('expireToken: the emulator never issued that access token');
    row.forcedExpired = true;
  }

  /** Sets the token's whole row to Revoked, as `revoke_token` would. Accepts either token of the pair. */
  revokeToken(token: string): void {
    const row = this.site.tokens.byAccessToken(token) ?? this.site.tokens.byRefreshToken(token);
    if (!row) throw new Error('revokeToken: the emulator never issued that token');
    row.status = 'Revoked';
  }

  /** Moves the server's clock; negative values move it back. */
  advanceClock(seconds: number): void {
    this.site.clock.advance(seconds);
  }

  /** Every request served so far: `{method, path, status}`, status 0 when dropped. */
  requests(): RequestLogEntry[] {
    return this.site.requestLog.map((entry) => ({ ...entry }));
  }

  /** Forgets the request log. */
  clearRequests(): void {
    this.site.requestLog.length = 0;
  }

  /** Queues a fault for the next request(s) to `path` (the path without the query, or a RegExp). */
  injectFault(path: string | RegExp, fault: EmulatorFault, options?: FaultOptions): void {
    this.site.faults.add(path, fault, options);
  }

  /** Drops every queued fault. */
  clearFaults(): void {
    this.site.faults.clear();
  }

  /** Every token pair issued so far, newest last. */
  issuedTokens(): IssuedToken[] {
    return this.site.tokens.all().map((row) => ({
      accessToken: row.accessToken,
      refreshToken: row.refreshToken,
      clientId: row.clientId,
      user: row.user,
      scopes: [...row.scopes],
      status: row.status,
      expiresAt: Math.floor(row.createdAtMs / 1000) + row.expiresIn,
    }));
  }

  /**
   * Issues an active token pair for `user` and `clientId` without any flow, as Frappe's own tests
   * insert an OAuth Bearer Token row (`_make_bearer_token`). Scopes default to the client's.
   */
  issueToken(options: { clientId: string; user: string; scopes?: string[] }): IssuedToken {
    const client = this.site.clients.get(options?.clientId);
    if (!client) throw new Error('issueToken: no such client');
    if (!this.site.users.get(options.user)) throw new Error(`issueToken: no user ${options.user}`);
    if (
      options.scopes !== undefined &&
      !(Array.isArray(options.scopes) && options.scopes.every((s) => typeof s === 'string'))
    ) {
      throw new TypeError('issueToken: scopes must be an array of strings');
    }
    const row = this.site.tokens.issue({
      clientId: client.clientId,
      user: options.user,
      scopes: [...(options.scopes ?? client.scopes)],
      createdAtMs: this.site.clock.nowMs(),
      expiresIn: this.site.tokenLifetimeSeconds,
    });
    return this.issuedTokens().find((issued) => issued.accessToken === row.accessToken) as IssuedToken;
  }

  /** Enables or disables a user (a disabled user cannot log in, and their tokens stop working). */
  setUserEnabled(email: string, enabled: boolean): void {
    const user = this.site.users.get(email);
    if (!user) throw new Error(`setUserEnabled: no user ${email}`);
    if (typeof enabled !== 'boolean') throw new TypeError('setUserEnabled takes a boolean');
    user.enabled = enabled;
  }

  /** Adds a user after start. */
  addUser(user: EmulatorUserOptions): void {
    this.site.users.add(user);
  }

  /** Turns `developer_mode` on or off (register_client accepts http redirect URIs while on). */
  setDeveloperMode(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError('setDeveloperMode takes a boolean');
    this.site.developerMode = on;
  }

  /**
   * Forgets every rate-limit counter, so the next register_client call from any address passes;
   * `setRateLimits(false)` turns the limit off altogether.
   */
  resetRateLimits(): void {
    this.site.rateLimits.reset();
  }

  /** Turns register_client's rate limit on or off. */
  setRateLimits(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError('setRateLimits takes a boolean');
    this.site.rateLimits.enabled = on;
  }

  /**
   * An OAuth client as the site holds it (declared, added or registered through
   * register_client), or undefined. A copy: changing it changes nothing.
   */
  getClient(clientId: string): EmulatorClientInfo | undefined {
    const client = this.site.clients.get(clientId);
    if (!client) return undefined;
    return {
      clientId: client.clientId,
      ...(client.clientSecret !== undefined ? { clientSecret: client.clientSecret } : {}),
      scopes: [...client.scopes],
      redirectUris: [...client.redirectUris],
      defaultRedirectUri: client.defaultRedirectUri,
      skipAuthorization: client.skipAuthorization,
      appName: client.appName,
      responseType: client.responseType,
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
      allowedRoles: [...client.allowedRoles],
      dynamic: client.dynamic,
    };
  }

  /**
   * Runs the site's scheduled jobs once, now (server clock). develop's
   * `delete_unused_dynamic_clients` deletes clients made by register_client at least 10 minutes
   * ago that never issued a token. Returns the ids of the clients it deleted.
   */
  runScheduledJobs(): string[] {
    return deleteUnusedDynamicClients(this.site);
  }

  /** Deletes a user after start (their tokens then authenticate nobody). True when it existed. */
  removeUser(email: string): boolean {
    return this.site.users.remove(email);
  }

  /** Adds (or replaces) an OAuth client after start. */
  addClient(client: EmulatorClientOptions): void {
    this.site.clients.add(client);
  }

  /**
   * A logged-in session for `user`, as a `Cookie` header value (`sid=…`): the way Frappe's own
   * OAuth tests pre-authenticate a browser before `authorize`. The session holds no CSRF token
   * until a page makes one. develop refuses unsafe requests on such a session without same-origin
   * evidence; this control's sessions are exempt from that rule unless `strictCsrf: true`.
   */
  sessionCookie(user: string, options: { strictCsrf?: boolean } = {}): string {
    if (!this.site.users.get(user)) throw new Error(`sessionCookie: no user ${user}`);
    if (options.strictCsrf !== undefined && typeof options.strictCsrf !== 'boolean') {
      throw new TypeError('sessionCookie: strictCsrf must be a boolean');
    }
    return `sid=${this.site.sessions.create(user, { csrfExempt: !options.strictCsrf }).sid}`;
  }

  /** Stops listening and drops open connections. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.server.close();
  }

  /**
   * Adds `count` generated documents (`Generated Customer 000001`, … continuing across calls)
   * with deterministic field values, fast enough for 100,000 at once. Returns their names.
   */
  generateDocuments(doctype: 'Customer' | 'Item', count: number): string[] {
    return generateDocuments(this.site, doctype, count);
  }

  /** How many documents of `doctype` the site holds (as `frappe.db.count`, no permission check). */
  documentCount(doctype: string): number {
    return this.site.docs.count(doctype);
  }

  /** A deep copy of a stored document (child tables included), or undefined when it does not exist. */
  getDocument(doctype: string, name: string): Record<string, unknown> | undefined {
    return serverGetDocument(this.site, doctype, name);
  }

  /**
   * Inserts a document server-side as Administrator, bypassing permissions (another user's
   * concurrent insert). Naming, validation and `modified` work as for an API insert; a
   * validation failure throws an Error naming the Frappe exception. Returns the stored document.
   */
  insertDocument(doctype: string, doc: Record<string, unknown>): Record<string, unknown> {
    return serverInsertDocument(this.site, doctype, doc);
  }

  /**
   * Changes a stored document server-side (another user's concurrent save): merges `changes`,
   * bumps `modified`, skips permissions and the `modified` check, and may touch submitted
   * documents as `db_set` can. Returns the updated document.
   */
  updateDocument(doctype: string, name: string, changes: Record<string, unknown>): Record<string, unknown> {
    return serverUpdateDocument(this.site, doctype, name, changes);
  }

  /** Removes a stored document server-side, without link checks. True when it existed. */
  deleteDocument(doctype: string, name: string): boolean {
    return serverDeleteDocument(this.site, doctype, name);
  }

  /**
   * Frappe's site-wide rate limiter (site config `rate_limit`), off until `set`: seconds of server
   * time per window, 429 TooManyRequestsError and the `X-RateLimit-*` headers as Frappe sends them.
   */
  get siteRateLimit(): SiteRateLimitControl {
    return siteRateLimiter(this.site);
  }

  /**
   * Outgoing webhooks: `register` one (URL, DocType, event, secret, condition) and the site
   * delivers signed bodies on insert, update, submit, cancel and delete as Frappe does, retries
   * included; `requestLog()` and `settled()` let a test see what was sent.
   */
  get webhooks(): WebhookControl {
    return webhookRegistry(this.site);
  }
}
