import pRetry from 'p-retry';
import {
  AuthorizationCallbackError,
  AuthorizationRequiredError,
  errorFromResponse,
  FrappeInputError,
  fingerprint,
} from '../errors';
import type { TokenEvent, TokenEventType } from '../events';
import type { ClockSkew } from '../http/clock-skew';
import type { HttpTransport, RequestOptions } from '../http/transport';
import type { ResolvedOptions } from '../options';
import type { AuthorizationFlow } from './authorization-flow';
import { verifyIdToken } from './id-token';
import type { LifecycleShared } from './lifecycle-shared';
import { type FrappeProfile, fetchProfile } from './profile-endpoint';
import { isTokenResponse, type StoredToken, storedTokenFrom, type TokenResponse } from './stored-token';
import { classifyGrantFailure, type TokenEndpoint } from './token-endpoint';
import type { TokenStore } from './token-store';

export interface LifecycleDeps {
  options: ResolvedOptions;
  tokenKey: string;
  store: TokenStore;
  transport: HttpTransport;
  tokenEndpoint: TokenEndpoint;
  clockSkew: ClockSkew;
  shared: LifecycleShared;
  flow: AuthorizationFlow | undefined;
  userinfoPath: string;
  revocationPath: string;
  /** The expected id_token issuer (configured, or discovered once). */
  issuer(): Promise<string>;
  emit(event: TokenEvent): void;
}

/** A 403 probe of openid_profile happens at most this often per token (issue contract). */
const PROBE_INTERVAL_MS = 30_000;
const ID_TOKEN_CLOCK_TOLERANCE_SECONDS = 120;

/**
 * The token lifecycle for one stored token: load → validate once → refresh ahead of expiry →
 * authorize when nothing else works. Expiry is judged from the stored `expires_at` in server time,
 * never guessed from a 403 (v13/early v14 answer a dead token with the same 403 as a permission
 * error).
 */
export class TokenLifecycle {
  private readonly storeKey: string;

  constructor(private readonly deps: LifecycleDeps) {
    this.storeKey = deps.store.tokenKeyFor(deps.tokenKey);
  }

  getStoredToken(): Promise<StoredToken | undefined> {
    return this.deps.store.getToken(this.deps.tokenKey);
  }

  /** A token that is valid right now (see the class comment for the rules). */
  async getToken(options: RequestOptions = {}): Promise<StoredToken> {
    const token = await this.load();
    const now = this.serverNow();
    if (now >= token.expires_at) return this.refresh(token, options);
    if (now >= token.expires_at - this.deps.options.refreshMarginSeconds) this.refreshInBackground(token);
    return this.validateOnce(token, options);
  }

  /**
   * After a 401: if another caller already replaced the token, use the stored one; otherwise
   * refresh (once, shared with concurrent callers).
   */
  async replaceAfterUnauthorized(used: StoredToken, options: RequestOptions = {}): Promise<StoredToken> {
    const stored = await this.load();
    if (stored.access_token !== used.access_token && this.serverNow() < stored.expires_at) return stored;
    return this.refresh(stored.access_token === used.access_token ? used : stored, options);
  }

  /**
   * After a 403: a dead token (stored expiry passed, or an openid_profile probe — at most one per
   * token per 30 s — rejects it) is refreshed and the new token returned; a live token means the
   * 403 is a real permission error (undefined).
   */
  async replaceAfterForbidden(
    used: StoredToken,
    options: RequestOptions = {},
  ): Promise<StoredToken | undefined> {
    if (this.serverNow() >= used.expires_at) return this.replaceAfterUnauthorized(used, options);
    const print = fingerprint(used.access_token);
    const last = this.deps.shared.lastProbe.get(print);
    if (last !== undefined && this.deps.options.clock() - last < PROBE_INTERVAL_MS) return undefined;
    this.deps.shared.lastProbe.set(print, this.deps.options.clock());
    const result = await fetchProfile(
      this.deps.transport,
      this.deps.userinfoPath,
      used.access_token,
      options,
    );
    if (result.kind === 'valid') {
      this.deps.shared.validated.set(print, result.profile);
      return undefined;
    }
    return this.replaceAfterUnauthorized(used, options);
  }

  /** openid_profile of the current token (cached per token). */
  async getProfile(options: RequestOptions = {}): Promise<FrappeProfile> {
    const token = await this.getToken(options);
    const cached = this.deps.shared.validated.get(fingerprint(token.access_token));
    if (cached) return cached;
    const result = await fetchProfile(
      this.deps.transport,
      this.deps.userinfoPath,
      token.access_token,
      options,
    );
    if (result.kind === 'rejected') throw result.error;
    this.deps.shared.validated.set(fingerprint(token.access_token), result.profile);
    return result.profile;
  }

  /** Stores a token response that just came from the token endpoint (code or password grant). */
  async acceptTokenResponse(
    response: TokenResponse,
    tokenKey: string,
    nonce: string | undefined,
    options: RequestOptions = {},
  ): Promise<StoredToken> {
    const claims = response.id_token ? await this.verifyIdToken(response.id_token, nonce) : undefined;
    const token = storedTokenFrom(response, this.serverNow(), claims?.email);
    if (!claims) {
      const checked = await this.identify(token, options);
      if (checked) token.user = checked.email;
    } else {
      this.deps.shared.validated.set(fingerprint(token.access_token), null);
    }
    await this.deps.store.setToken(tokenKey, token);
    this.deps.shared.pendingUrls.delete(this.deps.store.tokenKeyFor(tokenKey));
    this.emit('stored', token);
    return token;
  }

  /**
   * Imports a bearer token obtained elsewhere. With `expires_at` it is trusted as stored by another
   * client; without, it is validated now and given a conservative expiry.
   */
  async importToken(input: unknown, options: RequestOptions = {}): Promise<StoredToken> {
    const parsed = typeof input === 'string' ? parseJsonInput(input) : input;
    if (!isTokenResponse(parsed)) {
      throw new FrappeInputError({
        message: 'setToken needs Frappe bearer-token JSON with at least access_token and token_type',
      });
    }
    const given = parsed as TokenResponse & Partial<StoredToken>;
    let token: StoredToken;
    if (typeof given.expires_at === 'number' && Number.isFinite(given.expires_at)) {
      token = { ...(given as StoredToken) };
    } else {
      const now = this.serverNow();
      token = storedTokenFrom(given, now, typeof given.user === 'string' ? given.user : undefined);
      const result = await fetchProfile(
        this.deps.transport,
        this.deps.userinfoPath,
        token.access_token,
        options,
      );
      if (result.kind === 'valid') {
        token.expires_at =
          Math.floor(now) +
          Math.min(token.expires_in ?? 3600, this.deps.options.importedTokenLifetimeSeconds);
        token.user ??= result.profile.email;
        this.deps.shared.validated.set(fingerprint(token.access_token), result.profile);
      } else if (token.refresh_token) {
        // Dead already: keep it as expired so the first use refreshes it.
        token.expires_at = Math.floor(now);
      } else {
        throw new AuthorizationRequiredError({
          message: 'the imported token is not accepted by the site and has no refresh token',
          cause: result.error,
          authorizationUrl: await this.authorizationUrlOrUndefined(),
        });
      }
    }
    await this.deps.store.setToken(this.deps.tokenKey, token);
    this.emit('stored', token);
    return token;
  }

  /** Revokes the stored token at Frappe (the whole pair), then forgets it. */
  async logout(options: RequestOptions = {}): Promise<void> {
    const token = await this.deps.store.getToken(this.deps.tokenKey).catch(() => undefined);
    if (token) {
      await this.revoke(token.access_token, 'access_token', options);
      this.emit('revoked', token);
      this.forget(token);
    }
    await this.deps.store.deleteToken(this.deps.tokenKey);
    this.deps.emit({ type: 'deleted', tokenKey: this.deps.tokenKey });
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  private async load(): Promise<StoredToken> {
    let token: StoredToken | undefined;
    try {
      token = await this.deps.store.getToken(this.deps.tokenKey);
    } catch (error) {
      throw await this.authorizationRequired('the stored token could not be read', error);
    }
    if (!token) throw await this.authorizationRequired('no token is stored for this client and token key');
    const print = fingerprint(token.access_token);
    if (!this.deps.shared.announced.has(print)) {
      this.deps.shared.announced.add(print);
      this.emit('loaded', token);
    }
    return token;
  }

  /** The first use of a loaded token asks openid_profile once; the answer is cached per token. */
  private async validateOnce(token: StoredToken, options: RequestOptions): Promise<StoredToken> {
    const print = fingerprint(token.access_token);
    if (this.deps.shared.validated.has(print)) return token;
    return this.deps.shared.validations.run(print, async () => {
      if (this.deps.shared.validated.has(print)) return token;
      if (!hasOpenIdScope(token)) {
        // Without `openid` the site cannot answer openid_profile; the stored expiry is all we have.
        this.deps.shared.validated.set(print, null);
        return token;
      }
      const result = await fetchProfile(
        this.deps.transport,
        this.deps.userinfoPath,
        token.access_token,
        options,
      );
      if (result.kind === 'rejected') {
        this.log('warn', `stored token ${print} was rejected by openid_profile; refreshing`);
        return this.refresh(token, options);
      }
      if (token.user !== undefined && token.user !== result.profile.email) {
        throw await this.authorizationRequired(
          'the stored token now belongs to another Frappe user than the one it was pinned to',
        );
      }
      this.deps.shared.validated.set(print, result.profile);
      if (token.user === undefined) await this.pinUser(token, result.profile.email);
      this.emit('validated', { ...token, user: result.profile.email });
      return token;
    });
  }

  private refreshInBackground(token: StoredToken): void {
    const until = this.deps.shared.refreshCooldownUntil.get(this.storeKey) ?? 0;
    if (this.deps.options.clock() < until || this.deps.shared.refreshes.isRunning(this.storeKey)) return;
    this.refresh(token, {}).catch((error: unknown) => {
      this.log(
        'warn',
        `background refresh failed (${error instanceof Error ? error.name : 'error'}); the current token stays in use`,
      );
    });
  }

  /** One refresh per stored token at a time; callers that arrive meanwhile share it. */
  private refresh(seen: StoredToken, options: RequestOptions): Promise<StoredToken> {
    return this.deps.shared.refreshes.run(this.storeKey, () => this.refreshNow(seen, options));
  }

  private async refreshNow(seen: StoredToken, options: RequestOptions): Promise<StoredToken> {
    // Re-read: another caller (or process) may have refreshed while we waited.
    let current: StoredToken | undefined;
    try {
      current = await this.deps.store.getToken(this.deps.tokenKey);
    } catch (error) {
      throw await this.authorizationRequired('the stored token could not be read', error);
    }
    if (!current) throw await this.authorizationRequired('the stored token was removed');
    const now = this.serverNow();
    if (
      current.access_token !== seen.access_token &&
      now < current.expires_at - this.deps.options.refreshMarginSeconds
    ) {
      return current;
    }
    const refreshToken = current.refresh_token;
    if (!refreshToken) throw await this.authorizationRequired('the stored token has no refresh token');
    const refreshPrint = fingerprint(refreshToken);
    if (this.deps.shared.refusedRefreshTokens.has(refreshPrint)) {
      throw await this.authorizationRequired('the site already refused this refresh token');
    }

    this.emit('refresh_started', current);
    let response: TokenResponse;
    try {
      const { retries, minTimeoutMs, maxTimeoutMs } = this.deps.options.refreshRetry;
      response = await pRetry(() => this.deps.tokenEndpoint.refresh(refreshToken, options), {
        retries,
        minTimeout: minTimeoutMs,
        maxTimeout: maxTimeoutMs,
        randomize: true,
        unref: true,
        signal: options.signal,
        shouldRetry: ({ error }) => classifyGrantFailure(error) === 'retryable',
      });
    } catch (error) {
      return this.refreshFailed(current, refreshPrint, error);
    }

    const fresh = await this.checkRefreshed(current, response, options);
    // Persisted before anyone uses it: a crash now loses nothing.
    await this.deps.store.setToken(this.deps.tokenKey, fresh);
    this.deps.shared.refreshCooldownUntil.delete(this.storeKey);
    this.emit('refreshed', fresh);
    if (this.deps.options.revokeSupersededTokens && current.access_token !== fresh.access_token) {
      this.revoke(current.access_token, 'access_token', {}).catch(() => {
        this.log('warn', `could not revoke the superseded token ${fingerprint(current.access_token)}`);
      });
    }
    return fresh;
  }

  private async refreshFailed(current: StoredToken, refreshPrint: string, error: unknown): Promise<never> {
    const kind = classifyGrantFailure(error);
    const summary = error instanceof Error ? { name: error.name, message: error.message } : undefined;
    this.deps.emit({ ...this.eventBase('refresh_failed', current), ...(summary ? { error: summary } : {}) });
    if (kind === 'refused') {
      // The stored token stays: only an explicit setToken/handleCallback/login replaces it.
      this.deps.shared.refusedRefreshTokens.add(refreshPrint);
      throw await this.authorizationRequired('the site refused the refresh token', error);
    }
    if (kind === 'retryable') {
      this.deps.shared.refreshCooldownUntil.set(
        this.storeKey,
        this.deps.options.clock() + this.deps.options.refreshCooldownSeconds * 1000,
      );
    }
    throw error;
  }

  /** Builds the refreshed token and refuses one that belongs to another user. */
  private async checkRefreshed(
    current: StoredToken,
    response: TokenResponse,
    options: RequestOptions,
  ): Promise<StoredToken> {
    const claims = response.id_token ? await this.verifyIdToken(response.id_token, undefined) : undefined;
    const fresh = storedTokenFrom(response, this.serverNow(), current.user);
    // Frappe always rotates refresh tokens; should a site not, the old one stays valid.
    fresh.refresh_token ??= current.refresh_token;
    let user = claims?.email;
    if (user === undefined) user = (await this.identify(fresh, options))?.email;
    else this.deps.shared.validated.set(fingerprint(fresh.access_token), null);
    if (current.user !== undefined && user !== undefined && user !== current.user) {
      throw await this.authorizationRequired(
        'the refresh returned a token for another Frappe user; it was not stored',
      );
    }
    if (user !== undefined) fresh.user = user;
    return fresh;
  }

  /** openid_profile for a fresh token without an id_token; undefined when the scope lacks openid. */
  private async identify(token: StoredToken, options: RequestOptions): Promise<FrappeProfile | undefined> {
    if (!hasOpenIdScope(token)) return undefined;
    const result = await fetchProfile(
      this.deps.transport,
      this.deps.userinfoPath,
      token.access_token,
      options,
    );
    if (result.kind === 'rejected') throw result.error;
    this.deps.shared.validated.set(fingerprint(token.access_token), result.profile);
    return result.profile;
  }

  private async verifyIdToken(idToken: string, nonce: string | undefined) {
    const issuer = await this.deps.issuer();
    try {
      return await verifyIdToken(idToken, {
        clientId: this.deps.options.clientId,
        clientSecret: this.deps.options.clientSecret,
        issuer,
        nonce,
        serverNow: this.serverNow(),
        clockToleranceSeconds: ID_TOKEN_CLOCK_TOLERANCE_SECONDS,
      });
    } catch (error) {
      if (error instanceof AuthorizationCallbackError) throw error;
      throw new AuthorizationCallbackError({
        message: error instanceof Error ? error.message : 'the id_token was rejected',
        cause: error,
      });
    }
  }

  /** Writes the pinned user next to the token, unless the store already holds a newer token. */
  private async pinUser(token: StoredToken, user: string): Promise<void> {
    token.user = user;
    try {
      const stored = await this.deps.store.getToken(this.deps.tokenKey);
      if (stored?.access_token === token.access_token) {
        await this.deps.store.setToken(this.deps.tokenKey, { ...stored, user });
      }
    } catch {
      this.log('warn', 'could not store the pinned user; it will be pinned again next time');
    }
  }

  private async revoke(
    token: string,
    hint: 'access_token' | 'refresh_token',
    options: RequestOptions,
  ): Promise<void> {
    const body = new URLSearchParams({ token, token_type_hint: hint, client_id: this.deps.options.clientId });
    if (this.deps.options.clientSecret) body.set('client_secret', this.deps.options.clientSecret);
    const response = await this.deps.transport.send(
      {
        method: 'POST',
        url: this.deps.revocationPath,
        data: body.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
      options,
    );
    if (response.status !== 200) {
      throw errorFromResponse({
        status: response.status,
        headers: response.headers as Record<string, unknown>,
        body: response.data,
        method: 'POST',
        url: this.deps.revocationPath,
        redact: [token, ...(this.deps.options.clientSecret ? [this.deps.options.clientSecret] : [])],
      });
    }
  }

  private forget(token: StoredToken): void {
    const print = fingerprint(token.access_token);
    this.deps.shared.validated.delete(print);
    this.deps.shared.lastProbe.delete(print);
  }

  private async authorizationRequired(message: string, cause?: unknown): Promise<AuthorizationRequiredError> {
    const error = new AuthorizationRequiredError({
      message,
      cause,
      authorizationUrl: await this.authorizationUrlOrUndefined(),
    });
    this.deps.emit({
      type: 'authorization_required',
      tokenKey: this.deps.tokenKey,
      error: { name: error.name, message: error.message },
    });
    return error;
  }

  /**
   * An authorize URL for the error a caller gets. One is reused per token key while its pending
   * entry lives, so a caller that fails in a loop does not fill the store with pending entries.
   */
  private async authorizationUrlOrUndefined(): Promise<string | undefined> {
    if (!this.deps.flow) return undefined;
    const cached = this.deps.shared.pendingUrls.get(this.storeKey);
    if (cached && this.deps.options.clock() < cached.reuseUntil) return cached.url;
    try {
      const url = await this.deps.flow.buildUrl(this.deps.tokenKey);
      const reuseMs = (this.deps.options.pendingAuthorizationTtlSeconds * 1000) / 2;
      this.deps.shared.pendingUrls.set(this.storeKey, {
        url,
        reuseUntil: this.deps.options.clock() + reuseMs,
      });
      return url;
    } catch {
      return undefined;
    }
  }

  private serverNow(): number {
    return this.deps.clockSkew.serverNowSeconds();
  }

  private eventBase(type: TokenEventType, token: StoredToken): TokenEvent {
    const event: TokenEvent = {
      type,
      tokenKey: this.deps.tokenKey,
      fingerprint: fingerprint(token.access_token),
      expiresAt: token.expires_at,
    };
    if (token.user !== undefined) event.user = token.user;
    return event;
  }

  private emit(type: TokenEventType, token: StoredToken): void {
    this.deps.emit(this.eventBase(type, token));
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.deps.options.logger[level]?.(`[frappe-oauth-client] ${message} (token key ${this.deps.tokenKey})`);
  }
}

function hasOpenIdScope(token: StoredToken): boolean {
  // Tokens imported without a scope are assumed to carry the default scopes, openid included.
  return token.scope === undefined || token.scope.split(' ').includes('openid');
}

function parseJsonInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FrappeInputError({ message: 'setToken was given a string that is not JSON' });
  }
}
