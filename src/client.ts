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
   * @throws AuthorizationDeniedError when the user clicked Deny.
   * @throws AuthorizationCallbackError when the state or the binding does not match.
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
   */
  setToken(bearerToken: unknown, options: RequestOptions = {}): Promise<StoredToken> {
    return this.inScope('importing a token', options, (scope) =>
      this.lifecycle.importToken(bearerToken, scope),
    );
  }

  /**
   * The stored token, or undefined. Rejects with TokenStoreError when the store fails, does not
   * answer within `storeTimeoutMs`, or holds a value that is not a token.
   */
  getStoredToken(options: RequestOptions = {}): Promise<StoredToken | undefined> {
    return this.inScope('reading the stored token', options, (scope) => this.lifecycle.getStoredToken(scope));
  }

  /**
   * An access token that is valid right now. Refreshes ahead of expiry without making callers
   * wait while the current token is still valid. A caller whose `signal` aborts or whose
   * `timeoutMs` passes stops waiting (FrappeNetworkError, reason `aborted` / `timeout`); a refresh
   * it was waiting for goes on for everyone else.
   * @throws AuthorizationRequiredError when no usable token exists and a person must sign in again.
   * @throws TokenStoreError when the store fails or does not answer (transient: try again).
   */
  getAccessToken(options: RequestOptions = {}): Promise<string> {
    return this.inScope('getting an access token', options, async (scope) => {
      return (await this.lifecycle.getToken(scope)).access_token;
    });
  }

  /** The openid_profile claims of the token's user (cached per token). */
  getProfile(options: RequestOptions = {}): Promise<FrappeProfile> {
    return this.inScope('reading the profile', options, (scope) => this.lifecycle.getProfile(scope));
  }

  /** Revokes the stored token at Frappe (access and refresh token together), then deletes it. */
  logout(options: RequestOptions = {}): Promise<void> {
    return this.inScope('logging out', options, (scope) => this.lifecycle.logout(scope));
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
   * With a document type, field names are checked against it (its own and Frappe's standard
   * fields); `getList<SalesOrder, 'name' | 'grand_total'>` also narrows the rows to those fields.
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
   * same run. See {@link IterateOptions}.
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
   * resumable with `checkpointKey` like iterateList. See {@link IterateDeletedOptions}.
   */
  iterateDeleted<T = Record<string, unknown>>(
    doctype: string,
    options?: IterateDeletedOptions,
  ): AsyncIterable<DeletedDocument<T>> {
    return iterateDeleted<T>(this.documents, doctype, options);
  }

  /** `frappe.client.get_count`. */
  getCount<T = Record<string, unknown>>(
    doctype: string,
    filters?: Filters<NoInfer<T>>,
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
    doc: DocInput<NoInfer<T>>,
    options?: RequestOptions,
  ): Promise<T> {
    return insertDoc<T>(this.documents, doctype, doc as Record<string, unknown>, options);
  }

  /** `frappe.client.insert_many` in chunks of Frappe's 200 limit; resolves the names in order. */
  insertMany(
    doctype: string,
    docs: Record<string, unknown>[],
    options?: InsertManyOptions,
  ): Promise<string[]> {
    return insertMany(this.documents, doctype, docs, options);
  }

  /**
   * Updates fields of a document. With `modified` (the value you read) a concurrent change at the
   * server becomes FrappeConflictError; without it the last writer wins.
   */
  updateDoc<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    changes: DocInput<NoInfer<T>>,
    options?: UpdateOptions,
  ): Promise<T> {
    return updateDoc<T>(this.documents, doctype, name, changes as Record<string, unknown>, options);
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
   * Resolves `{ data, status, statusText, headers }` with a JSON body parsed; non-2xx statuses
   * reject with a FrappeError subclass. Pass `idempotent: true` to let a POST be retried. Only the
   * keys of FrappeRequestConfig are taken (no proxy, agent, adapter or redirect settings).
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
   */
  on(event: 'token', listener: TokenEventListener): this;
  on(event: 'request', listener: RequestEventListener): this;
  on(event: 'retry', listener: RetryEventListener): this;
  on(event: ClientEventName, listener: AnyListener): this {
    return this.subscribe(event, listener, false);
  }

  /** As `on`, for the next event only. */
  once(event: 'token', listener: TokenEventListener): this;
  once(event: 'request', listener: RequestEventListener): this;
  once(event: 'retry', listener: RetryEventListener): this;
  once(event: ClientEventName, listener: AnyListener): this {
    return this.subscribe(event, listener, true);
  }

  /** Removes a listener given to `on` or `once` for that event. */
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

  /** Releases the HTTP agents (shared with withTokenKey clients). Nothing else keeps Node alive. */
  async close(): Promise<void> {
    this.context.transport.close();
  }

  /**
   * What `JSON.stringify(client)` (and test runners' printouts) show: the site, the client id and
   * the token key. Never the client secret, a token or anything else the client holds.
   */
  toJSON(): { baseUrl: string; clientId: string; tokenKey: string } {
    const { baseUrl, clientId } = this.context.options;
    return { baseUrl, clientId, tokenKey: this.tokenKey };
  }

  /**
   * What `console.log(client)` and `util.inspect(client)` show, at any depth and with
   * `showHidden`: the same three values as {@link toJSON}, not the client's internals (which hold
   * the client secret and the tokens).
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
