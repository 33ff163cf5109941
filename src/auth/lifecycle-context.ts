import {
  AuthorizationCallbackError,
  AuthorizationRequiredError,
  errorFromResponse,
  FrappeError,
  scrubError,
} from '../errors';
import type { Observer } from '../observability/observer';
import { RefreshObservation } from '../observability/refresh-observation';
import { fingerprint } from '../redaction/redact';
import type { CallScope } from '../transport/call-scope';
import type { ClockSkew } from '../transport/clock-skew';
import type { HttpTransport, SendOptions } from '../transport/http-transport';
import type { AuthorizationFlow } from './authorization-flow';
import { OAUTH_MAX_RESPONSE_BYTES } from './frappe-endpoints';
import { claimedIssuer, type IdTokenClaims, verifyIdToken } from './id-token';
import type { LifecycleOptions } from './lifecycle-options';
import { fetchProfile, type ProfileResult } from './profile-endpoint';
import type { RefreshLock } from './refresh-lock';
import type { LogFields, LogLine } from './safe-logger';
import type { StoredToken } from './stored-token';
import type { TokenEndpoint } from './token-endpoint';
import type { TokenEventBus } from './token-event-bus';
import type { TokenEventType } from './token-events';
import { TokenSlot } from './token-slot';
import type { StoreDeadline, TokenStore } from './token-store';

export interface LifecycleDeps {
  options: LifecycleOptions;
  tokenKey: string;
  store: TokenStore;
  transport: HttpTransport;
  tokenEndpoint: TokenEndpoint;
  clockSkew: ClockSkew;
  flow: AuthorizationFlow | undefined;
  /** Who may refresh a stored token right now (the in-process lock unless configured). */
  lock: RefreshLock;
  userinfoPath: string;
  revocationPath: string;
  /** The expected id_token issuer (configured, or discovered once). */
  issuer(): Promise<string>;
  /** Another issuer to accept when an id_token's `iss` is not `issuer()` (see client-context). */
  alternateIssuer?(): Promise<string | undefined>;
  events: TokenEventBus;
  log: LogLine;
  /** Logs, hooks and OpenTelemetry of the client (refresh spans and metrics). */
  observer: Observer;
  /** Every secret the client holds now (scrubbed from the errors events describe). */
  secrets(): Iterable<string>;
}

const ID_TOKEN_CLOCK_TOLERANCE_SECONDS = 120;

/**
 * What the parts of one token key's lifecycle (using, refreshing, taking in tokens) share: the
 * token slot, the dependencies, and the small operations they all use — time, store deadlines,
 * events, logs, openid_profile, id_token checks, revocation and AuthorizationRequiredError.
 * It keeps no token state of its own: that is the slot's.
 */
export class LifecycleContext {
  readonly storeKey: string;
  readonly slot: TokenSlot;
  /** The authorize URL handed out with AuthorizationRequiredError, while it may be reused. */
  private offeredUrl: { url: string; reuseUntil: number } | undefined;
  /** The background retry of a pending refreshed pair's write, while one runs (see slot-sync). */
  pendingRetry: NodeJS.Timeout | undefined;

  constructor(readonly deps: LifecycleDeps) {
    this.storeKey = deps.store.tokenKeyFor(deps.tokenKey);
    this.slot = new TokenSlot(this.storeKey, (transition) => this.log('debug', `slot: ${transition}`));
  }

  get tokenKey(): string {
    return this.deps.tokenKey;
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

  /**
   * A store operation's deadline: `storeTimeoutMs` (TokenStoreError past it), unless the call's own
   * deadline comes first — then the call's signal ends it, as a timeout of the call
   * (FrappeNetworkError), so one cause gives one error whatever the timers' order.
   */
  storeDeadline(scope: CallScope): StoreDeadline {
    scope.throwIfAborted();
    const own = this.options.storeTimeoutMs;
    return own < scope.remainingMs() ? { timeoutMs: own, signal: scope } : { signal: scope };
  }

  profile(accessToken: string, options: SendOptions): Promise<ProfileResult> {
    return fetchProfile(this.deps.transport, this.deps.userinfoPath, accessToken, options);
  }

  async verifyIdToken(idToken: string, nonce: string | undefined): Promise<IdTokenClaims> {
    const issuer = await this.deps.issuer();
    const issuers = [issuer];
    const claimed = claimedIssuer(idToken);
    if (claimed !== undefined && claimed !== issuer && this.deps.alternateIssuer) {
      const alternate = await this.deps.alternateIssuer();
      if (alternate !== undefined) issuers.push(alternate);
    }
    try {
      return await verifyIdToken(idToken, {
        clientId: this.options.clientId,
        clientSecret: this.options.clientSecret,
        issuer: issuers,
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
  async revoke(token: string, options: SendOptions): Promise<void> {
    const { clientId, clientSecret } = this.options;
    const body = new URLSearchParams({ token, token_type_hint: 'access_token', client_id: clientId });
    if (clientSecret) body.set('client_secret', clientSecret);
    const response = await this.deps.transport.send(
      {
        method: 'POST',
        url: this.deps.revocationPath,
        data: body.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        maxResponseBytes: OAUTH_MAX_RESPONSE_BYTES,
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

  /** "A person must sign in (again)": the error, with an authorize URL when one can be built. */
  async authorizationRequired(message: string, cause?: unknown): Promise<AuthorizationRequiredError> {
    const error = new AuthorizationRequiredError({
      message,
      cause,
      authorizationUrl: await this.authorizationUrlOrUndefined(),
    });
    this.deps.events.emit({
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
    const offered = this.offeredUrl;
    if (offered && this.localNow() < offered.reuseUntil) return offered.url;
    try {
      const url = await this.deps.flow.buildUrl(this.tokenKey);
      const reuseMs = (this.options.pendingAuthorizationTtlSeconds * 1000) / 2;
      this.offeredUrl = { url, reuseUntil: this.localNow() + reuseMs };
      return url;
    } catch {
      return undefined;
    }
  }

  /** A sign-in completed: the URL offered before belongs to an authorization nobody will finish. */
  forgetOfferedUrl(): void {
    this.offeredUrl = undefined;
  }

  emit(type: TokenEventType, token: StoredToken, error?: unknown): void {
    const event: Parameters<TokenEventBus['emit']>[0] = {
      type,
      tokenKey: this.tokenKey,
      fingerprint:
        (this.slot.is(token) ? this.slot.fingerprint : undefined) ?? fingerprint(token.access_token),
      expiresAt: token.expires_at,
    };
    if (token.user !== undefined) event.user = token.user;
    if (error instanceof FrappeError) scrubError(error, this.deps.secrets());
    if (error instanceof Error) event.error = { name: error.name, message: error.message };
    this.deps.events.emit(event);
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: LogFields): void {
    this.deps.log(level, `${message} (token key ${this.tokenKey})`, { ...fields, tokenKey: this.tokenKey });
  }

  /** Starts watching one refresh of `seen` (span, lines, metrics: see RefreshObservation). */
  observeRefresh(seen: StoredToken): RefreshObservation {
    return new RefreshObservation(
      this.deps.observer,
      (level, message, fields) => this.log(level, message, fields),
      seen,
      () => this.serverNow(),
    );
  }
}

export function hasOpenIdScope(token: StoredToken): boolean {
  // Tokens imported without a scope are assumed to carry the default scopes, openid included.
  return typeof token.scope !== 'string' || token.scope.split(' ').includes('openid');
}
