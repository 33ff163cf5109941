import { EventEmitter } from 'node:events';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { AuthorizationFlow } from './auth/authorization-flow';
import { FRAPPE_OAUTH_PATHS } from './auth/frappe-endpoints';
import { type LoopbackOptions, receiveCallback } from './auth/loopback-receiver';
import type { FrappeProfile } from './auth/profile-endpoint';
import type { StoredToken } from './auth/stored-token';
import type { TokenEvent, TokenEventListener } from './auth/token-events';
import { TokenLifecycle } from './auth/token-lifecycle';
import { createContext, expectedIssuer, type SharedContext } from './client-context';
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
import { insertDoc, insertMany } from './documents/insert-documents';
import { type IterateOptions, iterateList } from './documents/iterate-list';
import type { ListOptions } from './documents/list-query';
import { type CallOptions, call, getCount, getDoc, getList, getValue } from './documents/read-documents';
import { type FrappeFileDoc, type UploadFileInput, uploadFile } from './documents/upload-file';
import { deleteDoc, type UpdateOptions, updateDoc } from './documents/write-documents';
import { FrappeConfigurationError, FrappeInputError } from './errors';
import { type FrappeOAuthClientOptions, resolveOptions } from './options';
import { RequestExecutor } from './requests/request-executor';
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
 */
export class FrappeOAuthClient {
  /** The token key this client serves. */
  readonly tokenKey: string;
  private readonly context: SharedContext;
  private readonly lifecycle: TokenLifecycle;
  private readonly documents: DocumentsContext;
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
      issuer: () => expectedIssuer(this.context),
      emit: (event) => this.emitSafely(event),
    });
    this.documents = {
      executor: new RequestExecutor(this.lifecycle, this.context.transport, resolved.retry, resolved.random),
      store: this.context.store,
      retry: resolved.retry,
      random: resolved.random,
    };
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
   * The authorization-code flow for terminal programs: listens on the loopback `redirectUri`
   * (e.g. `http://127.0.0.1:8765/callback`, registered exactly so at the OAuth Client), hands the
   * authorize URL to `onAuthorizationUrl` (print it, or open the user's browser), and resolves
   * with the stored token once the browser comes back. Rejects as `handleCallback` does, or with
   * FrappeNetworkError on timeout (default 5 minutes) or abort.
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
      async (callbackUrl) => {
        token = await this.handleCallback(callbackUrl, { signal: options.signal });
      },
    );
    if (!token) throw new FrappeConfigurationError({ message: 'the loopback flow ended without a token' });
    return token;
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

  // ── documents ────────────────────────────────────────────────────────────────────────────

  /** A document by name, child tables included (`GET /api/resource/<DocType>/<name>`). */
  getDoc<T = Record<string, unknown>>(doctype: string, name: string, options?: RequestOptions): Promise<T> {
    return getDoc<T>(this.documents, doctype, name, options);
  }

  /**
   * A page of documents (`GET /api/resource/<DocType>`): `fields`, `filters`/`orFilters` in list or
   * dict form, `orderBy` (`'modified desc'`), `limit` (no value: Frappe's 20 rows; 0: all), `start`.
   */
  getList<T = Record<string, unknown>>(doctype: string, options?: ListOptions<T>): Promise<T[]> {
    return getList<T>(this.documents, doctype, options);
  }

  /**
   * Every matching document, streamed by keyset on (`modified`, `name`) with bounded memory, and
   * resumable with `checkpointKey`. A row modified during the run may come again later in the
   * same run. See {@link IterateOptions}.
   */
  iterateList<T = Record<string, unknown>>(doctype: string, options?: IterateOptions<T>): AsyncIterable<T> {
    return iterateList<T>(this.documents, doctype, options);
  }

  /** `frappe.client.get_count`. */
  getCount<T = Record<string, unknown>>(
    doctype: string,
    filters?: Filters<T>,
    options?: RequestOptions,
  ): Promise<number> {
    return getCount(this.documents, doctype, filters as Filters, options);
  }

  /** `frappe.client.get_value`: one field's value, or an object of several fields. */
  getValue<T = unknown>(
    doctype: string,
    fieldnames: string | string[],
    filtersOrName: string | Filters | FilterDict,
    options?: RequestOptions,
  ): Promise<T> {
    return getValue<T>(this.documents, doctype, fieldnames, filtersOrName as Filters, options);
  }

  /** `frappe.client.set_value`: `(field, value)` or an object of values; resolves the document. */
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
   * repeated once it may have reached the server; with one, the SDK checks whether it landed first.
   */
  insertDoc<T = Record<string, unknown>>(
    doctype: string,
    doc: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<T> {
    return insertDoc<T>(this.documents, doctype, doc, options);
  }

  /** `frappe.client.insert_many` in chunks of Frappe's 200 limit; resolves the names in order. */
  insertMany(doctype: string, docs: Record<string, unknown>[], options?: RequestOptions): Promise<string[]> {
    return insertMany(this.documents, doctype, docs, options);
  }

  /**
   * Updates fields of a document. With `modified` (the value you read) a concurrent change at the
   * server becomes FrappeConflictError; without it the last writer wins.
   */
  updateDoc<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    changes: Record<string, unknown>,
    options?: UpdateOptions,
  ): Promise<T> {
    return updateDoc<T>(this.documents, doctype, name, changes, options);
  }

  /** Deletes a document; a retried delete that finds it gone resolves. */
  deleteDoc(doctype: string, name: string, options?: RequestOptions): Promise<void> {
    return deleteDoc(this.documents, doctype, name, options);
  }

  /** Submits a draft of a submittable DocType (docstatus 0 → 1). */
  submitDoc<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    options?: RequestOptions,
  ): Promise<T> {
    return submitDoc<T>(this.documents, doctype, name, options);
  }

  /** Cancels a submitted document (docstatus 1 → 2). */
  cancelDoc<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    options?: RequestOptions,
  ): Promise<T> {
    return cancelDoc<T>(this.documents, doctype, name, options);
  }

  /** `frappe.client.rename_doc`; resolves the new name. */
  renameDoc(
    doctype: string,
    oldName: string,
    newName: string,
    options?: RequestOptions & { merge?: boolean },
  ): Promise<string> {
    return renameDoc(this.documents, doctype, oldName, newName, options);
  }

  /** A whitelisted document method (`run_method`); POST by default, GET with `httpMethod: 'GET'`. */
  runDocMethod<T = unknown>(
    doctype: string,
    name: string,
    method: string,
    args?: Record<string, unknown>,
    options?: DocMethodOptions,
  ): Promise<T> {
    return runDocMethod<T>(this.documents, doctype, name, method, args, options);
  }

  /** A whitelisted method (`/api/method/<dotted.path>`); resolves its `message`. POST unless `httpMethod: 'GET'`. */
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<T> {
    return call<T>(this.documents, method, params, options);
  }

  /** Uploads a file (`upload_file`), optionally attached to a document; resolves the File document. */
  uploadFile(input: UploadFileInput, options?: RequestOptions): Promise<FrappeFileDoc> {
    return uploadFile(this.documents, input, options);
  }

  /**
   * The escape hatch: any request to the site with auth, the retry policy and typed errors.
   * Resolves the axios response with its JSON body parsed; non-2xx statuses reject with a
   * FrappeError subclass. Pass `idempotent: true` to let a POST be retried.
   */
  async request<T = unknown>(
    config: AxiosRequestConfig & RequestOptions & { idempotent?: boolean },
  ): Promise<AxiosResponse<T>> {
    const { signal, timeoutMs, idempotent, ...axiosConfig } = config;
    const response = await this.documents.executor.execute(axiosConfig, { signal, timeoutMs, idempotent });
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

function parseBody(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
