import { type InspectOptionsStylized, inspect } from 'node:util';
import type { AuthorizationBindingOptions, AuthorizationFlow } from './auth/authorization-flow';
import { type LoopbackOptions, receiveCallback } from './auth/loopback-receiver';
import type { FrappeProfile } from './auth/profile-endpoint';
import type { StoredToken } from './auth/stored-token';
import type { TokenEventListener } from './auth/token-events';
import type { TokenLifecycle } from './auth/token-lifecycle';
import { createContext, lifecycleFor, type SharedContext } from './client-context';
import type { DocInput, FieldName, ListRow } from './documents/doctype-typing';
import {
  cancelDoc,
  type DocMethodOptions,
  renameDoc,
  runDocMethod,
  setValue,
  submitDoc,
} from './documents/document-actions';
import type { DocumentsContext } from './documents/documents-context';
import type { FilterDict, Filters } from './documents/filters';
import { type InsertManyOptions, insertDoc, insertMany } from './documents/insert-documents';
import {
  type DeletedDocument,
  type IterateDeletedOptions,
  iterateDeleted,
} from './documents/iterate-deleted';
import { type IterateOptions, iterateList } from './documents/iterate-list';
import type { ListOptions } from './documents/list-query';
import { type CallOptions, call, getCount, getDoc, getList, getValue } from './documents/read-documents';
import { type FrappeFileDoc, type UploadFileInput, uploadFile } from './documents/upload-file';
import { deleteDoc, type UpdateOptions, updateDoc } from './documents/write-documents';
import { FrappeConfigurationError, FrappeError, FrappeInputError, scrubError } from './errors';
import type { RequestEventListener, RetryEventListener } from './observability/hook-events';
import { type FrappeOAuthClientOptions, resolveOptions } from './options';
import { type RegisterClientOptions, type RegisteredClient, registerClient } from './register-client';
import { checkRequestConfig, type FrappeRequestConfig, type FrappeResponse } from './requests/request-config';
import { RequestExecutor } from './requests/request-executor';
import type { CallScope } from './transport/call-scope';
import type { RequestOptions } from './transport/http-transport';

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
 *
 * Every REST call (getDoc … request, and each page of iterateList) may reject, besides the errors
 * its own `@throws` name, with: AuthorizationRequiredError — nobody is signed in under the token
 * key, or the site refused the refresh token: a person must sign in again; TokenStoreError — the
 * store failed or did not answer within `storeTimeoutMs`; FrappeAuthenticationError — a 401 even
 * after a refresh; FrappeRateLimitError / FrappeServerError — a 429 / 5xx past the `retry`
 * retries (a POST that may have been processed is not repeated); FrappeNetworkError — no answer,
 * or reason `timeout`, `aborted` or `too_large` (past `maxResponseBytes`).
 */
export class FrappeOAuthClient {
  /** The token key this client serves. */
  readonly tokenKey: string;
  private readonly context: SharedContext;
  private readonly lifecycle: TokenLifecycle;
  private readonly documents: DocumentsContext;
  /** Listeners given to on/once (per event name), and what the event bus holds for each. */
  private readonly listeners = new Map<ClientEventName, Map<AnyListener, AnyListener>>();
  /** A withTokenKey client hears only its own key's events; the client built with `new` hears all. */
  private readonly eventFilter: string | undefined;

  /**
   * Registers an OAuth client on a Frappe v16+ site through dynamic client registration (RFC
   * 7591), without the desk. Needs no client: it is how you get the `clientId` (and, for a
   * confidential client, the `clientSecret`) to build one with. Never retried: each accepted
   * request creates another OAuth Client, and Frappe allows one registration per address every
   * 10 minutes.
   *
   * @param options the site, the redirect URIs (exactly as the client will send them), a name for
   *   the consent page, the scopes (default `['all', 'openid']`) and `tokenEndpointAuthMethod`
   *   (`'client_secret_post'`, the default, or `'none'` for a public client)
   * @returns `{ clientId, clientSecret? }` plus what Frappe registered (scopes, redirect URIs)
   * @throws {FrappeConfigurationError} bad options, or a site without registration (before v16,
   *   or turned off in OAuth Settings)
   * @throws {FrappeOAuthError} `invalid_client_metadata`, with Frappe's reason (for instance
   *   "redirect_uris must be https" on a site outside developer mode)
   * @throws {FrappeRateLimitError} a second registration from the same address within 10 minutes
   * @throws {FrappeNetworkError} the site could not be reached, or the call timed out or was aborted
   */
  static registerClient(options: RegisterClientOptions): Promise<RegisteredClient> {
    return registerClient(options);
  }

  /**
   * Checks the options, fills in the defaults and builds the parts the client shares with its
   * `withTokenKey` clients (store, refresh lock, HTTP agents). Sends nothing: the first request
   * goes out with the first call that needs one.
   *
   * @param options the site (`baseUrl`), the OAuth Client (`clientId`, `clientSecret`,
   *   `redirectUri`) and the optional settings of the README's Options table
   * @throws {FrappeConfigurationError} an option is missing or invalid (the message names it), or
   *   `baseUrl` / `redirectUri` is plain http to a host that is not loopback without
   *   `allowInsecureHttp`
   */
  constructor(options: FrappeOAuthClientOptions);
  /** @internal used by withTokenKey */
  constructor(options: FrappeOAuthClientOptions, shared: { context: SharedContext; tokenKey: string });
  constructor(options: FrappeOAuthClientOptions, shared?: { context: SharedContext; tokenKey: string }) {
    this.context = shared?.context ?? createContext(resolveOptions(options));
    this.tokenKey = shared?.tokenKey ?? this.context.options.tokenKey;
    this.eventFilter = shared ? this.tokenKey : undefined;
    const { options: resolved } = this.context;
    this.lifecycle = lifecycleFor(this.context, this.tokenKey);
    this.documents = {
      executor: new RequestExecutor(
        this.lifecycle,
        this.context.transport,
        resolved.retry,
        resolved.random,
        resolved.timeoutMs,
        () => this.context.secrets.current(),
        this.context.observer,
      ),
      store: this.context.store,
      retry: resolved.retry,
      random: resolved.random,
      api: this.context.apiVersion,
    };
  }

  /**
   * Starts the authorization-code flow: an authorize URL with PKCE (S256), state and nonce. The
   * pending verifier/state/nonce go into the store with a TTL, so any process sharing the store
   * can handle the callback. Needs `redirectUri`.
   *
   * Web apps should pass `binding`, a value tied to the user's browser session (such as the
   * session id), and the same value to `handleCallback`: it stops login CSRF, where an attacker
   * gets a victim's browser to finish an authorization the attacker started. Only its SHA-256
   * digest is stored.
   *
   * @param options `binding`: the browser-session value the callback must come back with
   * @returns the site's `/api/method/frappe.integrations.oauth2.authorize` URL to send the user to
   * @throws {FrappeConfigurationError} the client has no `redirectUri`
   * @throws {FrappeInputError} `options` is not an object, or `binding` is not a non-empty string
   * @throws {TokenStoreError} the pending authorization could not be written to the store
   */
  async getAuthorizationUrl(options: AuthorizationBindingOptions = {}): Promise<string> {
    if (options === null || typeof options !== 'object') {
      throw new FrappeInputError({
        message: 'getAuthorizationUrl takes an options object, such as { binding }',
      });
    }
    return this.requireFlow().buildUrl(this.tokenKey, {}, { binding: options.binding });
  }

  /**
   * Finishes the authorization-code flow from the URL Frappe redirected to: checks state (once),
   * exchanges the code with the client credentials in the form body, verifies the id_token
   * (HS256 with the client secret, nonce, audience, issuer, expiry) and stores the token under
   * the token key that started the authorization. With `binding`, the callback must carry the
   * value given to getAuthorizationUrl; a callback from another browser is refused before the
   * code is exchanged and leaves the authorization for the right one.
   *
   * @param callbackUrl the full URL the browser came back to (with `code` and `state`), as a
   *   string or URL; a path with its query is enough
   * @param callbackOptions `binding` (as given to getAuthorizationUrl), and `signal` / `timeoutMs`
   *   for this call (default the `timeoutMs` option)
   * @returns the stored token, with `user` set to the verified Frappe user
   * @throws {AuthorizationDeniedError} the user clicked Deny (`error=access_denied`)
   * @throws {AuthorizationCallbackError} the URL does not parse or carries no code or state; the
   *   state matches no pending authorization (expired after `pendingAuthorizationTtlSeconds`,
   *   already used, or forged); the binding differs; or the id_token fails verification
   * @throws {FrappeOAuthError} the callback carries another OAuth error, or the token endpoint
   *   refused the code (`invalid_grant`: expired or used; `invalid_client`: wrong secret)
   * @throws {FrappeConfigurationError} the client has no `redirectUri`
   * @throws {FrappeInputError} `callbackUrl` is not a string or URL, or the options are not an object
   * @throws {TokenStoreError} the store failed or did not answer in time (pending authorization
   *   or token write); sign in again
   * @throws {FrappeServerError} the token endpoint or openid_profile answered 5xx
   * @throws {FrappeNetworkError} no answer from the site, or `timeout` / `aborted`
   */
  async handleCallback(
    callbackUrl: string | URL,
    callbackOptions: RequestOptions & AuthorizationBindingOptions = {},
  ): Promise<StoredToken> {
    if (typeof callbackUrl !== 'string' && !(callbackUrl instanceof URL)) {
      throw new FrappeInputError({ message: 'handleCallback needs the callback URL as a string or URL' });
    }
    if (callbackOptions === null || typeof callbackOptions !== 'object') {
      throw new FrappeInputError({ message: 'handleCallback takes an options object, such as { binding }' });
    }
    // The binding stops here: the code exchange and the lifecycle get the request options only.
    const { binding, ...options } = callbackOptions;
    const code = codeOf(callbackUrl);
    // While the callback is handled, its code and binding (and then the verifier) are secrets too.
    const release = this.context.secrets.hold(code, binding);
    try {
      const accepted = await this.requireFlow().accept(callbackUrl, { binding });
      const { pending } = accepted;
      const releaseVerifier = this.context.secrets.hold(pending.codeVerifier);
      // The token goes to the key that started the authorization, whichever client takes the callback.
      const target = lifecycleFor(this.context, pending.tokenKey);
      try {
        return await this.inScope('handling the authorization callback', options, async (scope) => {
          const response = await this.context.tokenEndpoint.authorizationCode(
            accepted.code,
            pending.redirectUri,
            pending.codeVerifier,
            scope.requestOptions(),
          );
          return target.acceptTokenResponse(response, pending.nonce, scope);
        });
      } finally {
        releaseVerifier();
      }
    } catch (error) {
      throw this.scrubbed(error);
    } finally {
      release();
    }
  }

  /**
   * The authorization-code flow for terminal programs: listens on the loopback `redirectUri`
   * (e.g. `http://127.0.0.1:8765/callback`, registered exactly so at the OAuth Client), hands the
   * authorize URL to `onAuthorizationUrl` (print it, or open the user's browser), and resolves
   * with the stored token once the browser comes back. Rejects as `handleCallback` does, or with
   * FrappeNetworkError on timeout (default 5 minutes) or abort.
   *
   * @param options `onAuthorizationUrl` (required), `timeoutMs` for the whole flow (default 5
   *   minutes) and `signal`
   * @returns the stored token, as handleCallback resolves it
   * @throws {FrappeConfigurationError} no `redirectUri`, or one that is not `http://` on a loopback
   *   host with an explicit port; the port cannot be listened on; `onAuthorizationUrl` is missing
   *   or failed (its error is the `cause`)
   * @throws {AuthorizationDeniedError} the user clicked Deny
   * @throws {AuthorizationCallbackError} as handleCallback: a callback that cannot be accepted
   * @throws {FrappeOAuthError} as handleCallback: the code was refused
   * @throws {TokenStoreError} the store failed while the authorization was started or finished
   * @throws {FrappeNetworkError} `timeout` (the browser did not come back in time), `aborted`, or
   *   the site could not be reached for the code exchange
   */
  async authorizeViaLoopback(options: LoopbackOptions): Promise<StoredToken> {
    const redirectUri = this.context.options.redirectUri;
    if (!redirectUri) {
      throw new FrappeConfigurationError({
        message: 'the authorization-code flow needs the redirectUri option',
      });
    }
    let token: StoredToken | undefined;
    await receiveCallback(
      redirectUri,
      options,
      () => this.getAuthorizationUrl(),
      async (callbackUrl, signal) => {
        token = await this.handleCallback(callbackUrl, { signal });
      },
    );
    if (!token) throw new FrappeConfigurationError({ message: 'the loopback flow ended without a token' });
    return token;
  }

  /**
   * The resource-owner password grant, where the site still has it (removed in Frappe develop).
   * Meant for scripts and terminals; web apps should use the authorization-code flow.
   *
   * @param username the Frappe user (email or username)
   * @param password that user's password; never logged, and scrubbed from any error
   * @param options `signal` / `timeoutMs` for this call
   * @returns the stored token, with `user` set once the site confirmed who it belongs to
   * @throws {FrappeInputError} an empty username or password
   * @throws {FrappeAuthenticationError} the site refused the credentials (401)
   * @throws {FrappeOAuthError} the site refused the grant: `unsupported_grant_type` /
   *   `unauthorized_client` where the password grant is gone (develop), `invalid_grant`
   * @throws {AuthorizationCallbackError} the answer's id_token fails verification
   * @throws {TokenStoreError} the token could not be written to the store; sign in again
   * @throws {FrappeServerError} the token endpoint answered 5xx
   * @throws {FrappeNetworkError} no answer from the site, or `timeout` / `aborted`
   */
  async loginWithPassword(
    username: string,
    password: string,
    options: RequestOptions = {},
  ): Promise<StoredToken> {
    if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
      throw new FrappeInputError({ message: 'loginWithPassword needs a non-empty username and password' });
    }
    const release = this.context.secrets.hold(password);
    try {
      return await this.inScope('signing in with a password', options, async (scope) => {
        const response = await this.context.tokenEndpoint.password(
          username,
          password,
          this.context.options.scopes.join(' '),
          scope.requestOptions(),
        );
        return this.lifecycle.acceptTokenResponse(response, undefined, scope);
      });
    } finally {
      release();
    }
  }

  /**
   * Imports a bearer token obtained elsewhere (Frappe's token JSON, as an object or a JSON string).
   * Without `expires_at` it is validated against openid_profile and given a conservative expiry.
   *
   * @param bearerToken `{ access_token, token_type, expires_in?, refresh_token?, scope?, … }`, or
   *   a stored token (with `expires_at`, trusted as stored by another client), or its JSON text
   * @param options `signal` / `timeoutMs` for this call
   * @returns the token as stored under this client's token key
   * @throws {FrappeInputError} not JSON, not bearer-token JSON (`access_token` and `token_type` at
   *   least), or a stored token with fields of the wrong type
   * @throws {AuthorizationRequiredError} openid_profile refused the token and it has no refresh
   *   token (one with a refresh token is stored as expired, and refreshed on first use)
   * @throws {TokenStoreError} the store failed or did not answer within `storeTimeoutMs`
   * @throws {FrappeServerError} openid_profile answered 5xx
   * @throws {FrappeNetworkError} openid_profile could not be reached, or `timeout` / `aborted`
   */
  setToken(bearerToken: unknown, options: RequestOptions = {}): Promise<StoredToken> {
    return this.inScope('importing a token', options, (scope) =>
      this.lifecycle.importToken(bearerToken, scope),
    );
  }

  /**
   * The stored token, or undefined. Rejects with TokenStoreError when the store fails, does not
   * answer within `storeTimeoutMs`, or holds a value that is not a token. Sends no request.
   *
   * @param options `signal` / `timeoutMs` for this call
   * @returns the token stored under this client's token key, as stored (it may have expired)
   * @throws {TokenStoreError} reason `failed` / `timeout`: the store threw or did not answer;
   *   `unreadable`: it holds something that is not a token
   * @throws {FrappeInputError} `options` is not an object
   * @throws {FrappeNetworkError} `aborted` / `timeout` of this call
   */
  getStoredToken(options: RequestOptions = {}): Promise<StoredToken | undefined> {
    return this.inScope('reading the stored token', options, (scope) => this.lifecycle.getStoredToken(scope));
  }

  /**
   * An access token that is valid right now. Refreshes ahead of expiry without making callers
   * wait while the current token is still valid. A caller whose `signal` aborts or whose
   * `timeoutMs` passes stops waiting (FrappeNetworkError, reason `aborted` / `timeout`); a refresh
   * it was waiting for goes on for everyone else.
   *
   * @param options `signal` / `timeoutMs` for this call (default the `timeoutMs` option)
   * @returns the access token, to send as `Authorization: Bearer <token>`
   * @throws {AuthorizationRequiredError} nobody is signed in under this token key, the stored
   *   value cannot be read as a token, or the site refused the refresh token (`invalid_grant`,
   *   `invalid_client`, the 403/404 of v14/v15): a person must sign in again; the refusal is the
   *   `cause`
   * @throws {TokenStoreError} the store failed or did not answer within `storeTimeoutMs`
   *   (transient: try again)
   * @throws {FrappeServerError} the token had expired and its refresh failed with a 5xx after the
   *   `refreshRetry` retries
   * @throws {FrappeRateLimitError} the token had expired and its refresh stayed rate-limited (429)
   * @throws {FrappeOAuthError} the token endpoint answered another OAuth error to the refresh
   * @throws {FrappeNetworkError} `timeout` / `aborted` (this caller stops waiting), or the token
   *   had expired and the token endpoint could not be reached
   * @throws {FrappeInputError} `options` is not an object
   */
  getAccessToken(options: RequestOptions = {}): Promise<string> {
    return this.inScope('getting an access token', options, async (scope) => {
      return (await this.lifecycle.getToken(scope)).access_token;
    });
  }

  /**
   * The openid_profile claims of the token's user (cached per token): one request to
   * `frappe.integrations.oauth2.openid_profile` unless the token was verified already.
   *
   * @param options `signal` / `timeoutMs` for this call
   * @returns `{ sub, email, name, roles, … }` as Frappe answers them
   * @throws {AuthorizationRequiredError} as getAccessToken: nobody signed in, or the refresh refused
   * @throws {TokenStoreError} the store failed or did not answer within `storeTimeoutMs`
   * @throws {FrappeAuthenticationError} openid_profile refused a token it had accepted (401)
   * @throws {FrappePermissionError} the same with 403
   * @throws {FrappeOAuthError} the same, answered in Frappe's OAuth error shape
   * @throws {FrappeServerError} openid_profile (or a needed refresh) answered 5xx
   * @throws {FrappeNetworkError} the site could not be reached, or `timeout` / `aborted`
   * @throws {FrappeInputError} `options` is not an object
   */
  getProfile(options: RequestOptions = {}): Promise<FrappeProfile> {
    return this.inScope('reading the profile', options, (scope) => this.lifecycle.getProfile(scope));
  }

  /**
   * Revokes the stored token at Frappe (access and refresh token together), then deletes it. A
   * refresh in flight is waited for and its pair revoked too. If a revocation fails the token
   * stays stored, so that a retry can revoke it rather than leave a live pair behind. Resolves
   * when nothing is stored.
   *
   * @param options `signal` / `timeoutMs` for this call
   * @throws {TokenStoreError} the store failed or did not answer within `storeTimeoutMs`
   * @throws {FrappeOAuthError} the revocation endpoint refused with an OAuth error (the token
   *   stays stored)
   * @throws {FrappeServerError} the revocation endpoint answered 5xx (the token stays stored)
   * @throws {FrappeError} the revocation endpoint answered another status, as its subclass for
   *   that status (the token stays stored)
   * @throws {FrappeNetworkError} the site could not be reached, or `timeout` / `aborted`
   * @throws {FrappeInputError} `options` is not an object
   */
  logout(options: RequestOptions = {}): Promise<void> {
    return this.inScope('logging out', options, (scope) => this.lifecycle.logout(scope));
  }

  /**
   * A client for another stored token (another Frappe user), sharing configuration, store, lock
   * and HTTP agents. Cheap: build one per request if that is simpler; clients of one key share
   * that key's token state.
   *
   * @param tokenKey the stored token to use, e.g. your own user id
   * @returns a client whose calls act as that key's Frappe user and whose `on` hears that key's
   *   events only
   * @throws {FrappeInputError} `tokenKey` is not a non-empty string
   */
  withTokenKey(tokenKey: string): FrappeOAuthClient {
    if (typeof tokenKey !== 'string' || tokenKey === '') {
      throw new FrappeInputError({ message: 'withTokenKey needs a non-empty string' });
    }
    return new FrappeOAuthClient(this.context.options, { context: this.context, tokenKey });
  }

  // ── documents ────────────────────────────────────────────────────────────────────────────

  /**
   * A document by name, child tables included (`GET /api/resource/<DocType>/<name>`; v2:
   * `/api/v2/document/…`).
   *
   * @param doctype the DocType, e.g. `'Sales Order'`
   * @param name the document's name (any characters: it is encoded for the path)
   * @param options `signal` / `timeoutMs` for this call
   * @returns the document, typed `T`
   * @throws {FrappeInputError} an empty doctype or name, `.` / `..`, or a lone surrogate
   * @throws {FrappeNotFoundError} no such document or DocType (404)
   * @throws {FrappePermissionError} the user may not read it (403; newer sites also mask a
   *   missing document so)
   * @throws {FrappeError} another status, or a 2xx that is not a document
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  getDoc<T = Record<string, unknown>>(doctype: string, name: string, options?: RequestOptions): Promise<T> {
    return getDoc<T>(this.documents, doctype, name, options);
  }

  /**
   * A page of documents (`GET /api/resource/<DocType>`): `fields`, `filters`/`orFilters` in list or
   * dict form, `orderBy` (`'modified desc'`), `limit` (no value: Frappe's 20 rows; 0: all), `start`.
   * With a document type, field names are checked against it (its own and Frappe's standard
   * fields); `getList<SalesOrder, 'name' | 'grand_total'>` also narrows the rows to those fields.
   *
   * @param doctype the DocType, e.g. `'Customer'`
   * @param options the query above, and `signal` / `timeoutMs`
   * @returns the rows, with the fields asked for (Frappe's default: `name` only)
   * @throws {FrappeInputError} an empty doctype; `fields` not names; filters with an unknown
   *   operator or a value JSON cannot carry; `orderBy` not `'<field> asc|desc'`; `limit` / `start`
   *   not an integer ≥ 0
   * @throws {FrappePermissionError} the user may not read the DocType (403)
   * @throws {FrappeValidationError} Frappe refused the query, e.g. an unknown field (417)
   * @throws {FrappeError} another status, or a 2xx that is not a list
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  getList<T = Record<string, unknown>, F extends FieldName<T> = FieldName<T>>(
    doctype: string,
    options?: ListOptions<NoInfer<T>, F>,
  ): Promise<ListRow<T, F>[]> {
    return getList(this.documents, doctype, options as ListOptions) as Promise<ListRow<T, F>[]>;
  }

  /**
   * Every matching document, streamed by keyset on (`modified`, `name`) with bounded memory, and
   * resumable with `checkpointKey`. A row modified during the run may come again later in the
   * same run. See {@link IterateOptions}. Nothing is sent before the first `next()`; the errors
   * come from `next()` (the `for await` loop) and end the iteration.
   *
   * @param doctype the DocType
   * @param options `fields`, `filters`, `pageSize` (default 500), `checkpointKey`, `onProgress`,
   *   and `signal` / `timeoutMs` (per page)
   * @returns an async iterable of the rows in (`modified`, `name`) order
   * @throws {FrappeInputError} bad `fields` or `filters` (as getList), a `pageSize` below 1, an
   *   empty `checkpointKey`, an `onProgress` that is not a function
   * @throws {TokenStoreError} the checkpoint could not be read or written, or is `unreadable`
   * @throws {FrappeError} a page that does not move past the last row (stopped, not looped), or a
   *   row without string `modified` and `name`
   * @throws {FrappePermissionError} the user may not read the DocType (403)
   * @throws {FrappeValidationError} Frappe refused the query (417)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  iterateList<T = Record<string, unknown>>(
    doctype: string,
    options?: IterateOptions<NoInfer<T>>,
  ): AsyncIterable<T> {
    return iterateList<T>(this.documents, doctype, options);
  }

  /**
   * The documents of a DocType deleted since a checkpoint, from Frappe's Deleted Document log
   * (System Manager only): each with its name and the data Frappe recorded, oldest first, and
   * resumable with `checkpointKey` like iterateList. See {@link IterateDeletedOptions}. The errors
   * come from `next()` (the `for await` loop) and end the iteration.
   *
   * @param doctype the DocType whose deletions to read
   * @param options `since`, `checkpointKey`, `pageSize` (default 500), `signal` / `timeoutMs`
   * @returns an async iterable of the deletions, oldest first
   * @throws {FrappeInputError} an empty doctype, a `since` that is neither a valid Date nor a
   *   Frappe datetime, an empty `checkpointKey`, a `pageSize` below 1
   * @throws {FrappePermissionError} the user may not read Deleted Document (System Manager only)
   * @throws {TokenStoreError} the checkpoint could not be read or written, or is `unreadable`
   * @throws {FrappeError} a log row without its names, or a page that does not move on
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  iterateDeleted<T = Record<string, unknown>>(
    doctype: string,
    options?: IterateDeletedOptions,
  ): AsyncIterable<DeletedDocument<T>> {
    return iterateDeleted<T>(this.documents, doctype, options);
  }

  /**
   * How many documents match (`frappe.client.get_count`).
   *
   * @param doctype the DocType
   * @param filters as getList's; none counts every document
   * @param options `signal` / `timeoutMs` for this call
   * @returns the count
   * @throws {FrappeInputError} an empty doctype, or filters getList would refuse
   * @throws {FrappePermissionError} the user may not read the DocType (403)
   * @throws {FrappeValidationError} Frappe refused the filters (417)
   * @throws {FrappeError} another status, or an answer that is not a count
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  getCount<T = Record<string, unknown>>(
    doctype: string,
    filters?: Filters<NoInfer<T>>,
    options?: RequestOptions,
  ): Promise<number> {
    return getCount(this.documents, doctype, filters as Filters, options);
  }

  /**
   * `frappe.client.get_value`: fields of the first document matching a name or filters.
   *
   * @param doctype the DocType
   * @param fieldnames a field name (resolves its value) or a list (resolves `{ field: value }`)
   * @param filtersOrName the document's name, or filters in list or dict form
   * @param options `signal` / `timeoutMs` for this call
   * @returns the value, or an object of the fields
   * @throws {FrappeInputError} an empty doctype; `fieldnames` empty or not names; an empty name
   *   or no filters (which would match any document)
   * @throws {FrappePermissionError} the user may not read it (403)
   * @throws {FrappeValidationError} Frappe refused the fields or filters (417)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  getValue<T = unknown>(
    doctype: string,
    fieldnames: string | string[],
    filtersOrName: string | Filters | FilterDict,
    options?: RequestOptions,
  ): Promise<T> {
    return getValue<T>(this.documents, doctype, fieldnames, filtersOrName as Filters, options);
  }

  /**
   * `frappe.client.set_value`: `(field, value)` or an object of values. Retried like a read:
   * setting the same values twice has the effect of once.
   *
   * @param doctype the DocType
   * @param name the document's name
   * @param fieldOrValues a field name (`value` is then its new value), or `{ field: value }`
   * @param value the new value when `fieldOrValues` is a field name
   * @param options `signal` / `timeoutMs` for this call
   * @returns the updated document
   * @throws {FrappeInputError} an empty doctype or name, neither a field nor an object, a value
   *   JSON cannot carry
   * @throws {FrappeNotFoundError} no such document (404)
   * @throws {FrappePermissionError} the user may not write it (403)
   * @throws {FrappeValidationError} Frappe refused the value (417)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  setValue<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    fieldOrValues: string | Record<string, unknown>,
    value?: unknown,
    options?: RequestOptions,
  ): Promise<T> {
    return setValue<T>(this.documents, doctype, name, fieldOrValues, value, options);
  }

  /**
   * Inserts a document. Never duplicated by a retry: without a caller-chosen `name` it is not
   * repeated once it may have reached the server (a FrappeServerError or FrappeNetworkError then
   * means it may exist); with one, the SDK checks whether it landed first.
   *
   * @param doctype the DocType
   * @param doc its fields and child rows; `name` only as Frappe would name it (for DocTypes named
   *   by a field, that field's value)
   * @param options `signal` / `timeoutMs` for this call
   * @returns the document as Frappe stored it
   * @throws {FrappeInputError} an empty doctype, a doc that is not an object, a value JSON cannot
   *   carry
   * @throws {FrappeDuplicateEntryError} that name exists (409), and is not what this call sent
   * @throws {FrappeValidationError} Frappe refused the document (417); `excType` says why
   * @throws {FrappePermissionError} the user may not create it (403)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  insertDoc<T = Record<string, unknown>>(
    doctype: string,
    doc: DocInput<NoInfer<T>>,
    options?: RequestOptions,
  ): Promise<T> {
    return insertDoc<T>(this.documents, doctype, doc as Record<string, unknown>, options);
  }

  /**
   * `frappe.client.insert_many` in chunks of Frappe's 200 limit; resolves the names in order.
   * Every document is checked before the first chunk goes. A chunk is not repeated once it may
   * have been processed; a failed chunk rejects and the chunks before it stay inserted.
   *
   * @param doctype the DocType of every document
   * @param docs the documents' fields
   * @param options `onProgress` (after each chunk), `signal` / `timeoutMs`
   * @returns the new names, in the order of `docs`
   * @throws {FrappeInputError} an empty doctype, `docs` not an array, a doc that is not an object
   *   or holds a value JSON cannot carry, an `onProgress` that is not a function
   * @throws {FrappeValidationError} Frappe refused a document of a chunk (417)
   * @throws {FrappeDuplicateEntryError} a name of a chunk exists (409)
   * @throws {FrappePermissionError} the user may not create them (403)
   * @throws {FrappeError} an answer whose names are not strings
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  insertMany(
    doctype: string,
    docs: Record<string, unknown>[],
    options?: InsertManyOptions,
  ): Promise<string[]> {
    return insertMany(this.documents, doctype, docs, options);
  }

  /**
   * Updates fields of a document (`PUT`, a partial merge, retried like any PUT). With `modified`
   * (the value you read) a concurrent change at the server becomes FrappeConflictError; without
   * it the last writer wins.
   *
   * @param doctype the DocType
   * @param name the document's name
   * @param changes the fields to change (child tables are replaced as given)
   * @param options `modified`, `signal` / `timeoutMs`
   * @returns the document after the update
   * @throws {FrappeInputError} an empty doctype or name, changes that are not an object of JSON
   *   values, a `modified` that is not a string
   * @throws {FrappeConflictError} the document changed since `modified` (417; a
   *   FrappeValidationError too)
   * @throws {FrappeNotFoundError} no such document (404)
   * @throws {FrappeValidationError} Frappe refused the values (417)
   * @throws {FrappePermissionError} the user may not write it (403)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  updateDoc<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    changes: DocInput<NoInfer<T>>,
    options?: UpdateOptions,
  ): Promise<T> {
    return updateDoc<T>(this.documents, doctype, name, changes as Record<string, unknown>, options);
  }

  /**
   * Deletes a document (retried like any DELETE); a retried delete that finds it gone resolves.
   *
   * @param doctype the DocType
   * @param name the document's name
   * @param options `signal` / `timeoutMs` for this call
   * @throws {FrappeInputError} an empty doctype or name
   * @throws {FrappeNotFoundError} no such document (404 on the first attempt)
   * @throws {FrappeValidationError} Frappe refused (417): linked documents, or a submitted one
   * @throws {FrappePermissionError} the user may not delete it (403)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  deleteDoc(doctype: string, name: string, options?: RequestOptions): Promise<void> {
    return deleteDoc(this.documents, doctype, name, options);
  }

  /**
   * Submits a draft of a submittable DocType (docstatus 0 → 1): reads it, then
   * `frappe.client.submit` with what was read. A submitted document resolves as it is.
   *
   * @param doctype a submittable DocType
   * @param name the draft's name
   * @param options `signal` / `timeoutMs` for this call
   * @returns the submitted document
   * @throws {FrappeInputError} an empty doctype or name
   * @throws {FrappeNotFoundError} no such document (404)
   * @throws {FrappeConflictError} it changed between the read and the submit (417)
   * @throws {FrappeValidationError} Frappe refused (417): not submittable, cancelled, invalid
   * @throws {FrappePermissionError} the user may not submit it (403)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  submitDoc<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    options?: RequestOptions,
  ): Promise<T> {
    return submitDoc<T>(this.documents, doctype, name, options);
  }

  /**
   * Cancels a submitted document (docstatus 1 → 2) with `frappe.client.cancel`; a retried cancel
   * that finds it cancelled resolves.
   *
   * @param doctype a submittable DocType
   * @param name the submitted document's name
   * @param options `signal` / `timeoutMs` for this call
   * @returns the cancelled document
   * @throws {FrappeInputError} an empty doctype or name
   * @throws {FrappeNotFoundError} no such document (404)
   * @throws {FrappeValidationError} Frappe refused (417): not submitted, or linked documents
   *   to cancel first
   * @throws {FrappePermissionError} the user may not cancel it (403)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  cancelDoc<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    options?: RequestOptions,
  ): Promise<T> {
    return cancelDoc<T>(this.documents, doctype, name, options);
  }

  /**
   * `frappe.client.rename_doc`; a retried rename that finds it done resolves.
   *
   * @param doctype the DocType
   * @param oldName the current name
   * @param newName the new name
   * @param options `merge: true` to merge into an existing `newName`, `signal` / `timeoutMs`
   * @returns the new name, as Frappe made it
   * @throws {FrappeInputError} an empty doctype, oldName or newName
   * @throws {FrappeNotFoundError} no document `oldName` (404)
   * @throws {FrappeValidationError} Frappe refused (417; its rename checks raise a plain
   *   ValidationError): `newName` exists without `merge`, `merge` into a missing name, no write
   *   permission, a DocType that does not allow renaming
   * @throws {FrappeError} an answer without the new name
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  renameDoc(
    doctype: string,
    oldName: string,
    newName: string,
    options?: RequestOptions & { merge?: boolean },
  ): Promise<string> {
    return renameDoc(this.documents, doctype, oldName, newName, options);
  }

  /**
   * A whitelisted document method (`run_method`; v2: `/api/v2/document/…/method/<method>`); POST
   * by default, GET with `httpMethod: 'GET'`. A POST is retried only when surely not processed,
   * or with `idempotent: true`.
   *
   * @param doctype the DocType
   * @param name the document's name
   * @param method the method of the document's class
   * @param args its arguments (JSON body for POST, query for GET)
   * @param options `httpMethod`, `idempotent`, `signal` / `timeoutMs`
   * @returns what the method returned (undefined for None)
   * @throws {FrappeInputError} an empty doctype or name, a method that is not a name, args that
   *   are not an object of JSON values
   * @throws {FrappePermissionError} not whitelisted, or not allowed for the user (403)
   * @throws {FrappeNotFoundError} no such document (404)
   * @throws {FrappeValidationError} the method raised a validation error (417)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  runDocMethod<T = unknown>(
    doctype: string,
    name: string,
    method: string,
    args?: Record<string, unknown>,
    options?: DocMethodOptions,
  ): Promise<T> {
    return runDocMethod<T>(this.documents, doctype, name, method, args, options);
  }

  /**
   * A whitelisted method (`/api/method/<dotted.path>`; v2: `/api/v2/method/…`); resolves its
   * `message` (v2: `data`). POST unless `httpMethod: 'GET'`; a POST is retried only when surely
   * not processed, or with `idempotent: true`.
   *
   * @param method the dotted path, e.g. `'frappe.auth.get_logged_user'`
   * @param params its arguments (JSON body for POST, query for GET)
   * @param options `httpMethod`, `idempotent`, `signal` / `timeoutMs`
   * @returns the method's return value (undefined when none)
   * @throws {FrappeInputError} a method that is not a dotted name, params that are not an object
   *   of JSON values
   * @throws {FrappePermissionError} not whitelisted, or not allowed for the user (403)
   * @throws {FrappeValidationError} the method raised a validation error, or does not exist (417)
   * @throws {FrappeNotFoundError} the method raised DoesNotExistError (404)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<T> {
    return call<T>(this.documents, method, params, options);
  }

  /**
   * Uploads a file (`upload_file`, multipart), optionally attached to a document. Not repeated
   * once it may have reached the server.
   *
   * @param input `file` (Buffer, Uint8Array, Blob or string), `fileName`, and optionally
   *   `doctype` + `docname`, `isPrivate`, `folder` (default `Home`)
   * @param options `signal` / `timeoutMs` for this call
   * @returns the File document (`name`, `file_url`, `is_private`, …)
   * @throws {FrappeInputError} no input, no `fileName`, `doctype` without `docname` or the
   *   reverse, a `file` of another type
   * @throws {FrappePermissionError} the user may not upload or attach there (403)
   * @throws {FrappeValidationError} Frappe refused the file (417): a type or size not allowed
   * @throws {FrappeError} an answer that is not a File document
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  uploadFile(input: UploadFileInput, options?: RequestOptions): Promise<FrappeFileDoc> {
    return uploadFile(this.documents, input, options);
  }

  /**
   * The escape hatch: any request to the site with auth, the retry policy and typed errors.
   * Resolves `{ data, status, statusText, headers }` with a JSON body parsed; non-2xx statuses
   * reject with a FrappeError subclass. Pass `idempotent: true` to let a POST be retried. Only the
   * keys of FrappeRequestConfig are taken (no proxy, agent, adapter or redirect settings).
   *
   * @param config `url` (a path on the site), `method`, `params`, `data`, `headers`, `signal`,
   *   `timeoutMs`, `idempotent`
   * @returns `{ data, status, statusText, headers }`
   * @throws {FrappeInputError} no config or `url`, a key it does not take, a bad `method`,
   *   `signal`, `timeoutMs`, `idempotent` or `params`
   * @throws {FrappeError} a non-2xx answer, as the subclass its status or `exc_type` names
   *   (FrappeNotFoundError, FrappePermissionError, FrappeValidationError, …)
   * @throws {AuthorizationRequiredError | TokenStoreError | FrappeAuthenticationError |
   *   FrappeRateLimitError | FrappeServerError | FrappeNetworkError} as every REST call (see the class)
   */
  async request<T = unknown>(config: FrappeRequestConfig): Promise<FrappeResponse<T>> {
    const { request, signal, timeoutMs, idempotent } = checkRequestConfig(config);
    const response = await this.documents.executor.execute(request, { signal, timeoutMs, idempotent });
    return {
      data: parseBody(response.data) as T,
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    };
  }

  /**
   * Listens to what the client does (see the README's Observability section):
   * - `'token'` (TokenEvent): loaded, validated, stored, refresh_started, refreshed, refresh_failed,
   *   authorization_required, revoked, deleted — with a fingerprint, never a token;
   * - `'request'` (RequestEvent): each HTTP request of a REST call — method, route template, path
   *   without query, status, duration, attempt;
   * - `'retry'` (RetryEvent): before each retry of a REST call — why, and how long it waits.
   *
   * The client built with `new` hears the events of every token key, its `withTokenKey` clients
   * included; a `withTokenKey` client hears its own key's. A listener that throws or rejects is
   * logged and ignored. No payload carries a secret.
   *
   * @param event `'token'`, `'request'` or `'retry'`
   * @param listener called with the event's payload; given again, it is registered once
   * @returns this client, to chain calls
   * @throws {FrappeInputError} an unknown event name, or a listener that is not a function
   */
  on(event: 'token', listener: TokenEventListener): this;
  on(event: 'request', listener: RequestEventListener): this;
  on(event: 'retry', listener: RetryEventListener): this;
  on(event: ClientEventName, listener: AnyListener): this {
    return this.subscribe(event, listener, false);
  }

  /**
   * As `on`, for the next event only.
   *
   * @param event `'token'`, `'request'` or `'retry'`
   * @param listener called once, with the next event's payload
   * @returns this client, to chain calls
   * @throws {FrappeInputError} an unknown event name, or a listener that is not a function
   */
  once(event: 'token', listener: TokenEventListener): this;
  once(event: 'request', listener: RequestEventListener): this;
  once(event: 'retry', listener: RetryEventListener): this;
  once(event: ClientEventName, listener: AnyListener): this {
    return this.subscribe(event, listener, true);
  }

  /**
   * Removes a listener given to `on` or `once` for that event; one never given is ignored.
   *
   * @param event the event it was given for
   * @param listener the function given to `on` / `once`
   * @returns this client, to chain calls
   */
  off(event: 'token', listener: TokenEventListener): this;
  off(event: 'request', listener: RequestEventListener): this;
  off(event: 'retry', listener: RetryEventListener): this;
  off(event: ClientEventName, listener: AnyListener): this {
    const registered = this.listeners.get(event)?.get(listener);
    if (registered) {
      this.busFor(event).unsubscribe(registered, this.eventFilter);
      this.listeners.get(event)?.delete(listener);
    }
    return this;
  }

  /**
   * Releases the HTTP agents (shared with withTokenKey clients). Nothing else keeps Node alive.
   * The stored tokens stay; the client should not be used afterwards.
   *
   * @returns once the agents are released; never rejects
   */
  async close(): Promise<void> {
    this.context.transport.close();
  }

  /**
   * What `JSON.stringify(client)` (and test runners' printouts) show: the site, the client id and
   * the token key. Never the client secret, a token or anything else the client holds.
   *
   * @returns `{ baseUrl, clientId, tokenKey }`
   */
  toJSON(): { baseUrl: string; clientId: string; tokenKey: string } {
    const { baseUrl, clientId } = this.context.options;
    return { baseUrl, clientId, tokenKey: this.tokenKey };
  }

  /**
   * What `console.log(client)` and `util.inspect(client)` show, at any depth and with
   * `showHidden`: the same three values as {@link toJSON}, not the client's internals (which hold
   * the client secret and the tokens).
   *
   * @param _depth the depth Node inspects at (unused: the printout is flat)
   * @param options Node's inspect options (colours and the like), passed on
   * @param nodeInspect Node's own `util.inspect`
   * @returns `FrappeOAuthClient { baseUrl, clientId, tokenKey }`
   */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, nodeInspect: typeof inspect): string {
    return `FrappeOAuthClient ${nodeInspect(this.toJSON(), options)}`;
  }

  private requireFlow(): AuthorizationFlow {
    if (!this.context.flow) {
      throw new FrappeConfigurationError({
        message: 'the authorization-code flow needs the redirectUri option',
      });
    }
    return this.context.flow;
  }

  private subscribe(event: ClientEventName, listener: AnyListener, once: boolean): this {
    if (!CLIENT_EVENTS.has(event) || typeof listener !== 'function') {
      throw new FrappeInputError({
        message: "on/once/off take 'token', 'request' or 'retry' and a listener function",
      });
    }
    // One registration per listener and event, as off() must find it; once() removes itself after a call.
    const registered: AnyListener = once
      ? (payload) => {
          this.listeners.get(event)?.delete(listener);
          return listener(payload);
        }
      : listener;
    this.off(event as 'token', listener);
    let byListener = this.listeners.get(event);
    if (!byListener) {
      byListener = new Map();
      this.listeners.set(event, byListener);
    }
    byListener.set(listener, registered);
    this.busFor(event).subscribe(registered, this.eventFilter, once);
    return this;
  }

  private busFor(event: ClientEventName): { subscribe: Subscribe; unsubscribe: Unsubscribe } {
    const { events, observer } = this.context;
    const bus = event === 'token' ? events : event === 'request' ? observer.requests : observer.retries;
    return bus as unknown as { subscribe: Subscribe; unsubscribe: Unsubscribe };
  }

  /** Runs one public call under its own deadline and signal (see CallScope). */
  private async inScope<T>(
    label: string,
    options: RequestOptions,
    work: (scope: CallScope) => Promise<T>,
  ): Promise<T> {
    if (options === null || typeof options !== 'object') {
      throw new FrappeInputError({ message: 'request options must be an object ({ signal, timeoutMs })' });
    }
    const scope = this.lifecycle.scope(label, options);
    try {
      return await scope.race(work(scope));
    } catch (error) {
      throw this.scrubbed(error);
    } finally {
      scope.dispose();
    }
  }

  /** An error leaving the client carries none of the secrets it holds now (see ClientSecrets). */
  private scrubbed(error: unknown): unknown {
    return error instanceof FrappeError ? scrubError(error, this.context.secrets.current()) : error;
  }
}

/** What `on`/`once`/`off` take. */
type ClientEventName = 'token' | 'request' | 'retry';
const CLIENT_EVENTS = new Set<string>(['token', 'request', 'retry']);
// biome-ignore lint/suspicious/noExplicitAny: a listener of any of the three payloads
type AnyListener = (payload: any) => void;
type Subscribe = (listener: AnyListener, tokenKey: string | undefined, once: boolean) => void;
type Unsubscribe = (listener: AnyListener, tokenKey: string | undefined) => void;

/** The `code` a callback URL carries, if it can be read (only to keep it out of errors). */
function codeOf(callbackUrl: string | URL): string | undefined {
  try {
    return new URL(String(callbackUrl), 'http://callback.invalid').searchParams.get('code') ?? undefined;
  } catch {
    return undefined;
  }
}

function parseBody(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
