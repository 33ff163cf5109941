import { fingerprint } from '../redaction/redact';
import type { FrappeProfile } from './profile-endpoint';
import type { StoredToken } from './stored-token';

/**
 * What this process knows about the access token a slot holds.
 * - `empty`: no token: not read yet, or the store holds none.
 * - `unverified`: read from the store, not yet confirmed by openid_profile in this process.
 * - `verified`: confirmed — by openid_profile, a verified id_token, or a grant this process made.
 * - `dead`: the site rejected it (401, or a 403 that an openid_profile probe confirmed); only a
 *   refresh (or a new grant) helps.
 */
export type TokenStanding = 'empty' | 'unverified' | 'verified' | 'dead';

/**
 * Where the refresh of the slot's token stands.
 * - `idle`: nothing running, nothing failed recently.
 * - `running`: one refresh in flight; everyone who needs a new token joins it.
 * - `cooling_down`: the last refresh failed for a reason that may pass; until `cooldownUntil` no
 *   refresh of a token that is still valid is started (an expired or dead token still gets one).
 * - `refused`: the site refused the refresh token (or its answer failed the identity checks); no
 *   refresh is tried with that refresh token again: a person must sign in.
 */
export type RefreshStanding = 'idle' | 'running' | 'cooling_down' | 'refused';

/** How a refresh failed, as far as what happens next is concerned. */
export type RefreshFailureKind = 'retryable' | 'refused' | 'fatal';

/** The result of an openid_profile check of one access token. */
export type CheckResult = { kind: 'valid'; profile: FrappeProfile } | { kind: 'rejected'; error: unknown };

const TOKEN_TRANSITIONS: Record<TokenStanding, readonly TokenStanding[]> = {
  empty: ['unverified', 'verified', 'empty'],
  unverified: ['verified', 'dead', 'unverified', 'empty'],
  verified: ['dead', 'unverified', 'verified', 'empty'],
  dead: ['unverified', 'verified', 'empty', 'dead'],
};

const REFRESH_TRANSITIONS: Record<RefreshStanding, readonly RefreshStanding[]> = {
  idle: ['running', 'idle'],
  running: ['idle', 'cooling_down', 'refused'],
  cooling_down: ['running', 'idle'],
  refused: ['running', 'idle'],
};

/**
 * Everything this process knows about one stored token (one store key), and the only place that
 * knows it: the current pair, whether it was verified, the one openid_profile check in flight, the
 * one refresh in flight, the cooldown and last failure, and a refreshed pair the store has not
 * taken yet. The slot does no I/O; the lifecycle does the I/O and reports what happened through
 * the named transitions below, each of which moves one of the two machines
 * ({@link TokenStanding}, {@link RefreshStanding}) along an allowed edge.
 *
 * Results are applied only to the token they are about: a check or refresh that finishes after
 * the slot moved on to another token leaves the slot alone.
 */
export class TokenSlot {
  private standing: TokenStanding = 'empty';
  private refreshStanding: RefreshStanding = 'idle';
  private current: StoredToken | undefined;
  private currentPrint: string | undefined;
  private profile: FrappeProfile | null | undefined;
  private checkFlight: Promise<CheckResult> | undefined;
  private refreshFlight: Promise<StoredToken> | undefined;
  private refusedRefreshToken: string | undefined;
  private announcedPrint: string | undefined;
  /** Local ms of the last openid_profile probe made because of a 403. */
  private lastProbeAt: number | undefined;
  /** Local ms before which a live token is not refreshed again after a failure. */
  cooldownUntil = 0;
  /** The last refresh failure (an error that carries no secret). */
  lastFailure: unknown;
  /** A refreshed pair not yet written to the store, and the access token it replaced. */
  private pending: { token: StoredToken; replaces: string } | undefined;

  constructor(
    readonly storeKey: string,
    private readonly onTransition: (description: string) => void = () => undefined,
  ) {}

  get token(): StoredToken | undefined {
    return this.current;
  }

  get tokenStanding(): TokenStanding {
    return this.standing;
  }

  get refreshState(): RefreshStanding {
    return this.refreshStanding;
  }

  /** The fingerprint of the current access token (computed once per token). */
  get fingerprint(): string | undefined {
    return this.currentPrint;
  }

  /** The profile the current token was verified as; null when verified without one (id_token). */
  get verifiedProfile(): FrappeProfile | null | undefined {
    return this.standing === 'verified' ? this.profile : undefined;
  }

  get runningCheck(): Promise<CheckResult> | undefined {
    return this.checkFlight;
  }

  get runningRefresh(): Promise<StoredToken> | undefined {
    return this.refreshFlight;
  }

  get pendingWrite(): { token: StoredToken; replaces: string } | undefined {
    return this.pending;
  }

  /** The secrets this slot holds now: the current and the pending pair, with their id_tokens. */
  *secrets(): Iterable<string | undefined> {
    for (const token of [this.current, this.pending?.token]) {
      if (!token) continue;
      yield token.access_token;
      yield token.refresh_token;
      yield token.id_token;
    }
  }

  is(token: StoredToken): boolean {
    return this.current !== undefined && this.current.access_token === token.access_token;
  }

  /** Whether the site already refused this token's refresh token (no request would help). */
  isRefused(token: StoredToken): boolean {
    return (
      this.refreshStanding === 'refused' &&
      token.refresh_token !== undefined &&
      token.refresh_token === this.refusedRefreshToken
    );
  }

  /** Whether a refresh of a still-valid token may start now (nothing running, no cooldown). */
  mayRefreshAhead(localNow: number): boolean {
    if (this.refreshStanding === 'running' || this.refreshStanding === 'refused') return false;
    return !(this.refreshStanding === 'cooling_down' && localNow < this.cooldownUntil);
  }

  /** A 403 probe of this token happened less than `intervalMs` ago (its answer still holds). */
  probedWithin(localNow: number, intervalMs: number): boolean {
    return this.lastProbeAt !== undefined && localNow - this.lastProbeAt < intervalMs;
  }

  /** True the first time a given token is seen, for the `loaded` event. */
  announce(): boolean {
    if (this.currentPrint === undefined || this.announcedPrint === this.currentPrint) return false;
    this.announcedPrint = this.currentPrint;
    return true;
  }

  // ── transitions ──────────────────────────────────────────────────────────────────────────

  /**
   * `stored value read`: the store holds `stored` (or nothing). The same token changes nothing; a
   * different one replaces the current token as `unverified` (another process refreshed, or a
   * person signed in); nothing at all empties the slot. A pending write is not affected: the
   * lifecycle decides about it before reading.
   */
  observed(stored: StoredToken | undefined): void {
    if (stored === undefined) {
      if (this.current !== undefined && this.pending === undefined)
        this.replace(undefined, 'empty', 'stored value gone');
      return;
    }
    if (this.current !== undefined && this.current.access_token === stored.access_token) {
      // Same access token: keep what we know, but take the stored copy (a pinned user, say).
      this.current = stored;
      return;
    }
    this.replace(stored, 'unverified', 'stored value changed');
  }

  /** `granted`: a token this process just obtained and checked (code exchange, password, import). */
  granted(token: StoredToken, profile: FrappeProfile | null | undefined): void {
    this.pending = undefined;
    this.replace(token, profile === undefined ? 'unverified' : 'verified', 'granted');
    this.profile = profile;
    this.announcedPrint = this.currentPrint;
    // A new pair starts with a clean refresh history (a refresh still running ends by itself).
    if (this.refreshStanding !== 'running') this.move('refresh', 'idle', 'granted');
    this.cooldownUntil = 0;
    this.lastFailure = undefined;
  }

  /** `trusted`: a token whose scope has no `openid` cannot be checked; its stored expiry is all there is. */
  trusted(token: StoredToken): void {
    if (!this.is(token)) return;
    this.move('standing', 'verified', 'trusted without a check (no openid scope)');
    this.profile = null;
  }

  /** `cleared`: logged out or deleted. */
  cleared(): void {
    this.pending = undefined;
    this.replace(undefined, 'empty', 'cleared');
  }

  /** `check started`: one openid_profile check of the current token; others join it. */
  checkStarted(flight: Promise<CheckResult>, probe: boolean, localNow: number): void {
    this.checkFlight = flight;
    if (probe) this.lastProbeAt = localNow;
  }

  /** `check finished`: a valid answer verifies the token, a rejection marks it dead. */
  checkFinished(token: StoredToken, result: CheckResult | undefined, flight?: Promise<CheckResult>): void {
    // Only the check that is still the slot's is done; one started since for a newer token runs on.
    if (flight === undefined || this.checkFlight === flight) this.checkFlight = undefined;
    if (!this.is(token) || result === undefined) return;
    if (result.kind === 'valid') {
      this.move('standing', 'verified', 'check passed');
      this.profile = result.profile;
    } else {
      this.move('standing', 'dead', 'check rejected');
    }
  }

  /** `rejected`: the site answered 401 (or a confirmed 403) to this token. */
  rejected(token: StoredToken): void {
    if (this.is(token)) this.move('standing', 'dead', 'rejected by the site');
  }

  /** `refresh started`: the one refresh in flight. */
  refreshStarted(flight: Promise<StoredToken>): void {
    this.move('refresh', 'running', 'refresh started');
    this.refreshFlight = flight;
  }

  /**
   * `refresh succeeded`: the new pair becomes current and verified. When the store did not take
   * it, it stays pending here, is used, and is written again on later calls.
   */
  refreshSucceeded(previous: StoredToken, fresh: StoredToken, written: boolean, verified: boolean): void {
    this.requireRunning('refresh succeeded');
    this.move('refresh', 'idle', 'refresh succeeded');
    this.refreshFlight = undefined;
    this.cooldownUntil = 0;
    this.lastFailure = undefined;
    // Someone signed in while the refresh ran: the store holds the truth, read on the next call.
    if (this.current !== undefined && !this.is(previous)) return;
    // A refresh from a pair that was itself still pending replaces what the store holds, not it.
    const replaces = this.pending?.replaces ?? previous.access_token;
    this.replace(fresh, verified ? 'verified' : 'unverified', 'refreshed');
    this.profile = null;
    this.announcedPrint = this.currentPrint;
    this.pending = written ? undefined : { token: fresh, replaces };
  }

  /** `refresh adopted`: the refresh found a newer pair in the store (another caller or process). */
  refreshAdopted(stored: StoredToken): void {
    this.requireRunning('refresh adopted');
    this.move('refresh', 'idle', 'refresh found a newer stored pair');
    this.refreshFlight = undefined;
    this.cooldownUntil = 0;
    this.lastFailure = undefined;
    if (!this.is(stored)) this.replace(stored, 'unverified', 'adopted');
  }

  /**
   * `refresh failed`: every failure comes through here. It records the failure and a cooldown;
   * a refusal also remembers the refresh token, so it is never sent again.
   */
  refreshFailed(from: StoredToken, kind: RefreshFailureKind, error: unknown, cooldownUntil: number): void {
    this.requireRunning('refresh failed');
    if (this.current !== undefined && this.current.refresh_token !== from.refresh_token) {
      // A new pair arrived while this refresh ran (a sign-in): the failure says nothing about it.
      this.move('refresh', 'idle', 'refresh of a replaced pair failed');
      this.refreshFlight = undefined;
      return;
    }
    if (kind === 'refused') {
      this.move('refresh', 'refused', 'refresh refused');
      this.refusedRefreshToken = from.refresh_token;
    } else {
      this.move('refresh', 'cooling_down', `refresh failed (${kind})`);
    }
    this.refreshFlight = undefined;
    this.lastFailure = error;
    this.cooldownUntil = cooldownUntil;
  }

  /** `pending written`: the store took the refreshed pair at last. */
  pendingWritten(token: StoredToken): void {
    if (this.pending?.token.access_token === token.access_token) this.pending = undefined;
  }

  /** `pending superseded`: the store holds a newer pair than the pending one; the pending one goes. */
  pendingSuperseded(): void {
    this.pending = undefined;
  }

  private requireRunning(what: string): void {
    if (this.refreshStanding !== 'running') {
      throw new Error(`token slot: ${what} while no refresh runs (${this.refreshStanding})`);
    }
  }

  private replace(token: StoredToken | undefined, standing: TokenStanding, why: string): void {
    this.current = token;
    this.currentPrint = token ? fingerprint(token.access_token) : undefined;
    this.profile = undefined;
    this.lastProbeAt = undefined;
    this.checkFlight = undefined;
    if (token && this.refreshStanding === 'refused' && token.refresh_token !== this.refusedRefreshToken) {
      // A different pair: the old refusal says nothing about it.
      this.move('refresh', 'idle', 'new pair');
    }
    this.move('standing', standing, why);
  }

  private move(machine: 'standing' | 'refresh', to: TokenStanding | RefreshStanding, why: string): void {
    if (machine === 'standing') {
      const from = this.standing;
      if (!TOKEN_TRANSITIONS[from].includes(to as TokenStanding)) {
        throw new Error(`token slot: no transition from ${from} to ${to} (${why})`);
      }
      this.standing = to as TokenStanding;
      if (from !== to) this.onTransition(`token ${from} → ${to}: ${why}`);
    } else {
      const from = this.refreshStanding;
      if (!REFRESH_TRANSITIONS[from].includes(to as RefreshStanding)) {
        throw new Error(`token slot: no refresh transition from ${from} to ${to} (${why})`);
      }
      this.refreshStanding = to as RefreshStanding;
      if (from !== to) this.onTransition(`refresh ${from} → ${to}: ${why}`);
    }
  }
}
