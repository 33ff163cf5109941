import { EventEmitter } from 'node:events';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { AuthorizationFlow } from './auth/authorization-flow';
import { endpointsFor, FRAPPE_OAUTH_PATHS } from './auth/frappe-endpoints';
import { discoverIssuer } from './auth/issuer-discovery';
import { LifecycleShared } from './auth/lifecycle-shared';
import type { FrappeProfile } from './auth/profile-endpoint';
import type { StoredToken } from './auth/stored-token';
import { TokenEndpoint } from './auth/token-endpoint';
import { TokenLifecycle } from './auth/token-lifecycle';
import { TokenStore } from './auth/token-store';
import { errorFromResponse, FrappeConfigurationError, FrappeInputError } from './errors';
import type { TokenEvent, TokenEventListener } from './events';
import { sendAuthorized } from './http/authorized-request';
import { ClockSkew } from './http/clock-skew';
import { HttpTransport, type RequestOptions } from './http/transport';
import { type FrappeOAuthClientOptions, type ResolvedOptions, resolveOptions } from './options';

/** What every client of one configuration shares: store, lock, HTTP agents, clock estimate. */
interface SharedContext {
  options: ResolvedOptions;
  transport: HttpTransport;
  clockSkew: ClockSkew;
  store: TokenStore;
  shared: LifecycleShared;
  tokenEndpoint: TokenEndpoint;
  flow: AuthorizationFlow | undefined;
  discoveredIssuer?: Promise<string>;
}

/**
 * A Frappe/ERPNext site acted on through Frappe's own OAuth2 provider. The client owns the whole
 * token lifecycle — load the stored token, validate it once, refresh it before it expires, fall
 * back to the authorization-code flow — and attaches a valid access token to every REST call.
 *
 * ```ts
 * const client = new FrappeOAuthClient({ baseUrl, clientId, clientSecret, redirectUri });
 * const url = await client.getAuthorizationUrl();   // send the user there
 * await client.handleCallback(callbackUrl);         // on your redirect URI
 * const token = await client.getAccessToken();      // valid right now
 * ```
 */
export class FrappeOAuthClient {
  /** The token key this client serves. */
  readonly tokenKey: string;
  private readonly context: SharedContext;
  private readonly lifecycle: TokenLifecycle;
  private readonly events = new EventEmitter();

  constructor(options: FrappeOAuthClientOptions);
  /** @internal used by withTokenKey */
  constructor(options: FrappeOAuthClientOptions, shared: { context: SharedContext; tokenKey: string });
  constructor(options: FrappeOAuthClientOptions, shared?: { context: SharedContext; tokenKey: string }) {
    this.context = shared?.context ?? createContext(resolveOptions(options));
    this.tokenKey = shared?.tokenKey ?? this.context.options.tokenKey;
    const { options: resolved } = this.context;
    this.lifecycle = new TokenLifecycle({
      options: resolved,
      tokenKey: this.tokenKey,
      store: this.context.store,
      transport: this.context.transport,
      tokenEndpoint: this.context.tokenEndpoint,
      clockSkew: this.context.clockSkew,
      shared: this.context.shared,
      flow: this.context.flow,
      userinfoPath: FRAPPE_OAUTH_PATHS.userinfo,
      revocationPath: FRAPPE_OAUTH_PATHS.revocation,
      issuer: () => this.expectedIssuer(),
      emit: (event) => this.emitSafely(event),
    });
  }

  /**
   * Starts the authorization-code flow: an authorize URL with PKCE (S256), state and nonce. The
   * pending verifier/state/nonce go into the store with a TTL, so any process sharing the store
   * can handle the callback. Needs `redirectUri`.
   */
  async getAuthorizationUrl(): Promise<string> {
    return this.requireFlow().buildUrl(this.tokenKey);
  }

  /**
   * Finishes the authorization-code flow from the URL Frappe redirected to: checks state (once),
   * exchanges the code with the client credentials in the form body, verifies the id_token
   * (HS256 with the client secret, nonce, audience, issuer, expiry) and stores the token under
   * the token key that started the authorization.
   * @throws AuthorizationDeniedError when the user clicked Deny.
   */
  async handleCallback(callbackUrl: string | URL, options: RequestOptions = {}): Promise<StoredToken> {
    if (typeof callbackUrl !== 'string' && !(callbackUrl instanceof URL)) {
      throw new FrappeInputError({ message: 'handleCallback needs the callback URL as a string or URL' });
    }
    const { code, pending } = await this.requireFlow().accept(callbackUrl);
    const response = await this.context.tokenEndpoint.authorizationCode(
      code,
      pending.redirectUri,
      pending.codeVerifier,
      options,
    );
    return this.lifecycle.acceptTokenResponse(response, pending.tokenKey, pending.nonce, options);
  }

  /**
   * The resource-owner password grant, where the site still has it (removed in Frappe develop).
   * Meant for scripts and terminals; web apps should use the authorization-code flow.
   */
  async loginWithPassword(
    username: string,
    password: string,
    options: RequestOptions = {},
  ): Promise<StoredToken> {
    if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
      throw new FrappeInputError({ message: 'loginWithPassword needs a non-empty username and password' });
    }
    const response = await this.context.tokenEndpoint.password(
      username,
      password,
      this.context.options.scopes.join(' '),
      options,
    );
    return this.lifecycle.acceptTokenResponse(response, this.tokenKey, undefined, options);
  }

  /**
   * Imports a bearer token obtained elsewhere (Frappe's token JSON, as an object or a JSON string).
   * Without `expires_at` it is validated against openid_profile and given a conservative expiry.
   */
  setToken(bearerToken: unknown, options: RequestOptions = {}): Promise<StoredToken> {
    return this.lifecycle.importToken(bearerToken, options);
  }

  /** The stored token, or undefined; rejects with TokenStoreError when the stored value is unreadable. */
  getStoredToken(): Promise<StoredToken | undefined> {
    return this.lifecycle.getStoredToken();
  }

  /**
   * An access token that is valid right now. Refreshes ahead of expiry without making callers
   * wait while the current token is still valid.
   * @throws AuthorizationRequiredError when no usable token exists and the user must authorize.
   */
  async getAccessToken(options: RequestOptions = {}): Promise<string> {
    return (await this.lifecycle.getToken(options)).access_token;
  }

  /** The openid_profile claims of the token's user (cached per token). */
  getProfile(options: RequestOptions = {}): Promise<FrappeProfile> {
    return this.lifecycle.getProfile(options);
  }

  /** Revokes the stored token at Frappe (access and refresh token together), then deletes it. */
  logout(options: RequestOptions = {}): Promise<void> {
    return this.lifecycle.logout(options);
  }

  /** A client for another stored token (another Frappe user), sharing configuration, store, lock and HTTP agents. */
  withTokenKey(tokenKey: string): FrappeOAuthClient {
    if (typeof tokenKey !== 'string' || tokenKey === '') {
      throw new FrappeInputError({ message: 'withTokenKey needs a non-empty string' });
    }
    return new FrappeOAuthClient(this.context.options, { context: this.context, tokenKey });
  }

  /**
   * An authenticated request: auth, the 401/403 rules, typed errors. Resolves the response with
   * its JSON body parsed; any non-2xx status rejects with a FrappeError subclass.
   */
  async request<T = unknown>(config: AxiosRequestConfig & RequestOptions): Promise<AxiosResponse<T>> {
    const { signal, timeoutMs, ...axiosConfig } = config;
    const response = await sendAuthorized(this.lifecycle, this.context.transport, axiosConfig, {
      signal,
      timeoutMs,
    });
    if (response.status < 200 || response.status >= 300) {
      throw errorFromResponse({
        status: response.status,
        headers: response.headers as Record<string, unknown>,
        body: response.data,
        method: (axiosConfig.method ?? 'GET').toUpperCase(),
        url: axiosConfig.url ?? '/',
      });
    }
    return { ...response, data: parseBody(response.data) as T };
  }

  on(event: 'token', listener: TokenEventListener): this {
    this.events.on(event, listener);
    return this;
  }

  once(event: 'token', listener: TokenEventListener): this {
    this.events.once(event, listener);
    return this;
  }

  off(event: 'token', listener: TokenEventListener): this {
    this.events.off(event, listener);
    return this;
  }

  /** Releases the HTTP agents (shared with withTokenKey clients). Nothing else keeps Node alive. */
  async close(): Promise<void> {
    this.context.transport.close();
  }

  /** The configured issuer, or the discovered one (fetched once per configuration). */
  private expectedIssuer(): Promise<string> {
    const { options, transport } = this.context;
    if (!options.discoverIssuer) return Promise.resolve(options.issuer);
    this.context.discoveredIssuer ??= discoverIssuer(transport, options.baseUrl).catch((error: unknown) => {
      this.context.discoveredIssuer = undefined; // try again next time
      throw error;
    });
    return this.context.discoveredIssuer;
  }

  private requireFlow(): AuthorizationFlow {
    if (!this.context.flow) {
      throw new FrappeConfigurationError({
        message: 'the authorization-code flow needs the redirectUri option',
      });
    }
    return this.context.flow;
  }

  /** A listener that throws must not break the lifecycle. */
  private emitSafely(event: TokenEvent): void {
    try {
      this.events.emit('token', event);
    } catch {
      this.context.options.logger.warn?.('[frappe-oauth-client] a token event listener threw; ignored');
    }
  }
}

function createContext(options: ResolvedOptions): SharedContext {
  const clockSkew = new ClockSkew(options.clock);
  const transport = new HttpTransport({
    clock: options.clock,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    clockSkew,
  });
  const store = new TokenStore(
    options.store,
    `${encodeURIComponent(options.baseUrl)}:${encodeURIComponent(options.clientId)}`,
  );
  const endpoints = endpointsFor(options.baseUrl, options.issuer);
  const flow = options.redirectUri
    ? new AuthorizationFlow(
        {
          clientId: options.clientId,
          redirectUri: options.redirectUri,
          scopes: options.scopes,
          endpoints,
          allowInsecureHttp: options.allowInsecureHttp,
          pendingTtlMs: options.pendingAuthorizationTtlSeconds * 1000,
        },
        store,
      )
    : undefined;
  return {
    options,
    transport,
    clockSkew,
    store,
    shared: new LifecycleShared(),
    tokenEndpoint: new TokenEndpoint(transport, FRAPPE_OAUTH_PATHS.token, {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    }),
    flow,
  };
}

function parseBody(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
