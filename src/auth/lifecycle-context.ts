import {
  AuthorizationCallbackError,
  AuthorizationRequiredError,
  errorFromResponse,
  fingerprint,
} from '../errors';
import type { ClockSkew } from '../transport/clock-skew';
import type { HttpTransport, RequestOptions } from '../transport/http-transport';
import type { AuthorizationFlow } from './authorization-flow';
import { type IdTokenClaims, verifyIdToken } from './id-token';
import type { LifecycleOptions } from './lifecycle-options';
import type { LifecycleShared } from './lifecycle-shared';
import { type FrappeProfile, fetchProfile, type ProfileResult } from './profile-endpoint';
import type { StoredToken } from './stored-token';
import type { TokenEndpoint } from './token-endpoint';
import type { TokenEvent, TokenEventType } from './token-events';
import type { TokenStore } from './token-store';

export interface LifecycleDeps {
  options: LifecycleOptions;
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

const ID_TOKEN_CLOCK_TOLERANCE_SECONDS = 120;

/**
 * What the parts of the lifecycle (loading, refreshing, taking in new tokens) share for one token
 * key: its dependencies and the small operations they all use — time, events, logs, openid_profile,
 * id_token checks, revocation and the AuthorizationRequiredError with its authorize URL.
 */
export class LifecycleContext {
  readonly storeKey: string;

  constructor(readonly deps: LifecycleDeps) {
    this.storeKey = deps.store.tokenKeyFor(deps.tokenKey);
  }

  get tokenKey(): string {
    return this.deps.tokenKey;
  }

  get shared(): LifecycleShared {
    return this.deps.shared;
  }

  get options(): LifecycleOptions {
    return this.deps.options;
  }

  /** The server's time now (epoch seconds), from the local clock and the estimated offset. */
  serverNow(): number {
    return this.deps.clockSkew.serverNowSeconds();
  }

  /** The local clock (epoch ms), for the SDK's own pacing. */
  localNow(): number {
    return this.deps.options.clock();
  }

  profile(accessToken: string, options: RequestOptions): Promise<ProfileResult> {
    return fetchProfile(this.deps.transport, this.deps.userinfoPath, accessToken, options);
  }

  /** openid_profile for a fresh token without an id_token; undefined when the scope lacks openid. */
  async identify(token: StoredToken, options: RequestOptions): Promise<FrappeProfile | undefined> {
    if (!hasOpenIdScope(token)) return undefined;
    const result = await this.profile(token.access_token, options);
    if (result.kind === 'rejected') throw result.error;
    this.shared.validated.set(fingerprint(token.access_token), result.profile);
    this.emit('validated', { ...token, user: result.profile.email });
    return result.profile;
  }

  async verifyIdToken(idToken: string, nonce: string | undefined): Promise<IdTokenClaims> {
    const issuer = await this.deps.issuer();
    try {
      return await verifyIdToken(idToken, {
        clientId: this.options.clientId,
        clientSecret: this.options.clientSecret,
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

  /** `revoke_token` with `client_id` (and the secret), which revokes the whole pair on Frappe. */
  async revoke(token: string, options: RequestOptions): Promise<void> {
    const { clientId, clientSecret } = this.options;
    const body = new URLSearchParams({ token, token_type_hint: 'access_token', client_id: clientId });
    if (clientSecret) body.set('client_secret', clientSecret);
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
        redact: [token, ...(clientSecret ? [clientSecret] : [])],
      });
    }
  }

  /** Drops what the process remembers about a token that is gone or superseded. */
  forget(token: StoredToken): void {
    const print = fingerprint(token.access_token);
    this.shared.validated.delete(print);
    this.shared.lastProbe.delete(print);
    this.shared.announced.delete(print);
  }

  async authorizationRequired(message: string, cause?: unknown): Promise<AuthorizationRequiredError> {
    const error = new AuthorizationRequiredError({
      message,
      cause,
      authorizationUrl: await this.authorizationUrlOrUndefined(),
    });
    this.deps.emit({
      type: 'authorization_required',
      tokenKey: this.tokenKey,
      error: { name: error.name, message: error.message },
    });
    return error;
  }

  /**
   * An authorize URL for the error a caller gets. One is reused per token key while its pending
   * entry lives, so a caller that fails in a loop does not fill the store with pending entries.
   */
  async authorizationUrlOrUndefined(): Promise<string | undefined> {
    if (!this.deps.flow) return undefined;
    const cached = this.shared.pendingUrls.get(this.storeKey);
    if (cached && this.localNow() < cached.reuseUntil) return cached.url;
    try {
      const url = await this.deps.flow.buildUrl(this.tokenKey);
      const reuseMs = (this.options.pendingAuthorizationTtlSeconds * 1000) / 2;
      this.shared.pendingUrls.set(this.storeKey, { url, reuseUntil: this.localNow() + reuseMs });
      return url;
    } catch {
      return undefined;
    }
  }

  event(type: TokenEventType, token: StoredToken): TokenEvent {
    const event: TokenEvent = {
      type,
      tokenKey: this.tokenKey,
      fingerprint: fingerprint(token.access_token),
      expiresAt: token.expires_at,
    };
    if (token.user !== undefined) event.user = token.user;
    return event;
  }

  emit(type: TokenEventType, token: StoredToken): void {
    this.deps.emit(this.event(type, token));
  }

  emitEvent(event: TokenEvent): void {
    this.deps.emit(event);
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.options.logger[level]?.(`[frappe-oauth-client] ${message} (token key ${this.tokenKey})`);
  }
}

export function hasOpenIdScope(token: StoredToken): boolean {
  // Tokens imported without a scope are assumed to carry the default scopes, openid included.
  return token.scope === undefined || token.scope.split(' ').includes('openid');
}
