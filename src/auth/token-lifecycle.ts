import { TokenStoreError } from '../errors';
import { CallScope } from '../transport/call-scope';
import { hasOpenIdScope, LifecycleContext, type LifecycleDeps } from './lifecycle-context';
import type { FrappeProfile } from './profile-endpoint';
import { startRefresh } from './refresh-flight';
import { readLatest } from './slot-sync';
import type { StoredToken } from './stored-token';
import type { TokenAnswer } from './token-endpoint';
import { TokenIntake } from './token-intake';
import type { CheckResult } from './token-slot';

export type { LifecycleDeps } from './lifecycle-context';

/** A 403 probe of openid_profile happens at most this often per token. */
const PROBE_INTERVAL_MS = 30_000;

/**
 * The token lifecycle for one stored token: load → validate once → refresh ahead of expiry →
 * authorize when nothing else works. Expiry is judged from the stored `expires_at` in server time,
 * never guessed from a 403 (v13/early v14 answer a dead token with the same 403 as a permission
 * error). All it knows about the token it asks of the slot (`context.slot`).
 *
 * Every method takes the caller's CallScope: the caller's deadline and signal bound how long
 * *it* waits, while shared work (a check, a refresh) runs under its own deadline and goes on.
 */
export class TokenLifecycle {
  private readonly context: LifecycleContext;
  private readonly intake: TokenIntake;
  /** Calls in which a refresh already failed: a REST retry inside the same call must not re-run it. */
  private readonly failedRefreshByCall = new WeakMap<CallScope, unknown>();

  constructor(deps: LifecycleDeps) {
    this.context = new LifecycleContext(deps);
    this.intake = new TokenIntake(this.context);
  }

  get tokenKey(): string {
    return this.context.tokenKey;
  }

  /** The secrets of this token key held in memory now (for scrubbing errors). */
  secrets(): Iterable<string | undefined> {
    return this.context.slot.secrets();
  }

  /** A scope for one public call of this lifecycle's client. */
  scope(label: string, options: { signal?: AbortSignal; timeoutMs?: number }): CallScope {
    return new CallScope(label, options, this.context.options.timeoutMs);
  }

  /** The stored token, or undefined; TokenStoreError when the store fails or holds something else. */
  getStoredToken(scope: CallScope): Promise<StoredToken | undefined> {
    return this.context.deps.store.getToken(this.context.tokenKey, this.context.storeDeadline(scope));
  }

  /**
   * A token that is valid right now. Before the refresh margin: the stored token (validated once).
   * Inside it: the stored token at once, with one refresh started behind it (unless one runs or a
   * recent one failed). Expired or known dead: the result of the one refresh in flight.
   */
  async getToken(scope: CallScope): Promise<StoredToken> {
    const token = await this.current(scope);
    const context = this.context;
    const now = context.serverNow();
    if (now >= token.expires_at || context.slot.tokenStanding === 'dead') return this.refreshed(token, scope);
    if (now >= token.expires_at - context.options.refreshMarginSeconds) this.refreshAhead(token);
    return this.verifiedOnce(token, scope);
  }

  /**
   * After a 401: if another caller already replaced the token, use the stored one; otherwise
   * refresh (once, shared with concurrent callers).
   */
  async replaceAfterUnauthorized(used: StoredToken, scope: CallScope): Promise<StoredToken> {
    const context = this.context;
    context.slot.rejected(used);
    const token = await this.current(scope);
    if (token.access_token !== used.access_token && context.slot.tokenStanding !== 'dead') {
      if (context.serverNow() < token.expires_at) return token;
    }
    return this.refreshed(token, scope);
  }

  /**
   * After a 403: a dead token (stored expiry passed, or an openid_profile probe — one shared by
   * concurrent callers, at most one per token per 30 s — rejects it) is refreshed and the new token
   * returned; a live token means the 403 is a real permission error (undefined).
   */
  async replaceAfterForbidden(used: StoredToken, scope: CallScope): Promise<StoredToken | undefined> {
    const context = this.context;
    const { slot } = context;
    if (context.serverNow() >= used.expires_at) return this.replaceAfterUnauthorized(used, scope);
    if (!slot.is(used)) {
      // The slot moved on while this request was out: retry with its token, if it is a live one.
      const current = await this.current(scope);
      if (current.access_token !== used.access_token) return this.getToken(scope);
    }
    if (slot.tokenStanding !== 'dead') {
      const probing = slot.runningCheck;
      if (!probing && slot.probedWithin(context.localNow(), PROBE_INTERVAL_MS)) return undefined;
      const result = await scope.race(probing ?? this.check(used, true));
      if (result.kind === 'valid') return undefined;
    }
    return this.replaceAfterUnauthorized(used, scope);
  }

  /** openid_profile of the current token (cached per token). */
  async getProfile(scope: CallScope): Promise<FrappeProfile> {
    const token = await this.getToken(scope);
    const known = this.context.slot.is(token) ? this.context.slot.verifiedProfile : undefined;
    if (known) return known;
    const result = await scope.race(this.check(token, false));
    if (result.kind === 'rejected') throw result.error;
    return result.profile;
  }

  acceptTokenResponse(
    answer: TokenAnswer,
    nonce: string | undefined,
    scope: CallScope,
  ): Promise<StoredToken> {
    return this.intake.accept(answer, nonce, scope);
  }

  importToken(input: unknown, scope: CallScope): Promise<StoredToken> {
    return this.intake.import(input, scope);
  }

  logout(scope: CallScope): Promise<void> {
    return this.intake.logout(scope);
  }

  /** Reads the store (the source of truth) into the slot and returns the current token. */
  private async current(scope: CallScope): Promise<StoredToken> {
    const context = this.context;
    let token: StoredToken | undefined;
    try {
      token = await readLatest(context, scope);
    } catch (error) {
      // A value that is not a token needs a person to sign in again; a failing store does not.
      if (error instanceof TokenStoreError && error.reason === 'unreadable') {
        throw await context.authorizationRequired('the stored token could not be read', error);
      }
      throw error;
    }
    if (!token) throw await context.authorizationRequired('no token is stored for this client and token key');
    if (context.slot.announce()) context.emit('loaded', token);
    return token;
  }

  /** Joins (or starts) the one refresh; within one call, a refresh that failed is not re-run. */
  private async refreshed(token: StoredToken, scope: CallScope): Promise<StoredToken> {
    const context = this.context;
    const { slot } = context;
    if (this.failedRefreshByCall.has(scope)) throw this.failedRefreshByCall.get(scope);
    if (slot.isRefused(token) && !slot.runningRefresh) {
      throw await context.authorizationRequired('the site refused the refresh token', slot.lastFailure);
    }
    const flight = slot.runningRefresh ?? startRefresh(context, token);
    try {
      return await scope.race(flight);
    } catch (error) {
      // A caller that gave up did not see the refresh fail; it may try again in a new call.
      if (!scope.aborted) this.failedRefreshByCall.set(scope, error);
      throw error;
    }
  }

  /** A refresh nobody waits for, unless one runs, a recent one failed, or the site refused. */
  private refreshAhead(token: StoredToken): void {
    const { slot } = this.context;
    if (!slot.mayRefreshAhead(this.context.localNow()) || slot.isRefused(token)) return;
    startRefresh(this.context, token);
  }

  /** The first use of a token asks openid_profile once; concurrent first uses share that check. */
  private async verifiedOnce(token: StoredToken, scope: CallScope): Promise<StoredToken> {
    const context = this.context;
    const { slot } = context;
    if (!slot.is(token) || slot.tokenStanding === 'verified') return token;
    if (!hasOpenIdScope(token)) {
      // Without `openid` the site cannot answer openid_profile; the stored expiry is all we have.
      slot.trusted(token);
      return token;
    }
    const result = await scope.race(slot.runningCheck ?? this.check(token, false));
    if (result.kind === 'rejected') {
      context.log('warn', `stored token ${slot.fingerprint} was rejected by openid_profile; refreshing`);
      return this.refreshed(token, scope);
    }
    if (token.user !== undefined && token.user !== result.profile.email) {
      throw await context.authorizationRequired(
        'the stored token now belongs to another Frappe user than the one it was pinned to',
      );
    }
    return token;
  }

  /**
   * One openid_profile check of `token`, under its own deadline (so one caller's abort does not
   * fail the others). A valid answer verifies the token and pins its user in the store; a 401/403
   * marks it dead; a network failure changes nothing.
   */
  private check(token: StoredToken, probe: boolean): Promise<CheckResult> {
    const context = this.context;
    const { slot } = context;
    const flight = (async (): Promise<CheckResult> => {
      const own = new CallScope('checking the token at openid_profile', {}, context.options.timeoutMs, {
        background: true,
      });
      try {
        const result = await context.profile(token.access_token, own.requestOptions());
        if (result.kind === 'valid') {
          if (token.user === undefined) await this.pinUser(token, result.profile.email, own);
          if (slot.is(token) && slot.tokenStanding !== 'verified') {
            context.emit('validated', { ...token, user: result.profile.email });
          }
        }
        return result;
      } finally {
        own.dispose();
      }
    })();
    slot.checkStarted(flight, probe, context.localNow());
    flight.then(
      (result) => slot.checkFinished(token, result, flight),
      () => slot.checkFinished(token, undefined, flight),
    );
    return flight;
  }

  /** Writes the pinned user next to the token, unless the store already holds a newer token. */
  private async pinUser(token: StoredToken, user: string, scope: CallScope): Promise<void> {
    const context = this.context;
    const { store } = context.deps;
    try {
      const stored = await store.getToken(context.tokenKey, context.storeDeadline(scope));
      if (stored?.access_token === token.access_token) {
        await store.setToken(context.tokenKey, { ...stored, user }, context.storeDeadline(scope));
      }
    } catch {
      context.log('warn', 'could not store the pinned user; it will be pinned again next time');
    }
  }
}
