import { describe, expect, it } from 'vitest';
import type { FrappeProfile } from '../../src/auth/profile-endpoint';
import type { StoredToken } from '../../src/auth/stored-token';
import { type CheckResult, TokenSlot } from '../../src/auth/token-slot';
import { fingerprint } from '../../src/redaction/redact';

/** A token pair named `name`: access token `at-<name>`, refresh token `rt-<name>`, id_token `id-<name>`. */
function pair(name: string, extra: Partial<StoredToken> = {}): StoredToken {
  return {
    access_token: `at-${name}`,
    token_type: 'Bearer',
    refresh_token: `rt-${name}`,
    id_token: `id-${name}`,
    expires_at: 2_000_000_000,
    ...extra,
  };
}

const ALICE: FrappeProfile = {
  sub: 'a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
  name: 'Alice',
  given_name: 'Alice',
  family_name: 'Liddell',
  email: 'alice@example.com',
  picture: null,
  roles: ['Sales User'],
  iss: 'https://erp.example.com',
};

const VALID: CheckResult = { kind: 'valid', profile: ALICE };
const REJECTED: CheckResult = { kind: 'rejected', error: new Error('401') };

/** A flight that never settles: the slot only keeps it, it never awaits it. */
function flight<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

/** A slot and the descriptions its onTransition callback received. */
function slotWithLog(): { slot: TokenSlot; log: string[] } {
  const log: string[] = [];
  const slot = new TokenSlot('site:client:default', (description) => log.push(description));
  return { slot, log };
}

/** A slot holding `token` as read from the store. */
function holding(token: StoredToken): { slot: TokenSlot; log: string[] } {
  const made = slotWithLog();
  made.slot.observed(token);
  made.log.length = 0;
  return made;
}

describe('a new token slot', () => {
  it('holds nothing: empty, idle, no flights, no secrets', () => {
    const { slot, log } = slotWithLog();
    expect(slot.storeKey).toBe('site:client:default');
    expect(slot.tokenStanding).toBe('empty');
    expect(slot.refreshState).toBe('idle');
    expect(slot.token).toBeUndefined();
    expect(slot.fingerprint).toBeUndefined();
    expect(slot.verifiedProfile).toBeUndefined();
    expect(slot.runningCheck).toBeUndefined();
    expect(slot.runningRefresh).toBeUndefined();
    expect(slot.pendingWrite).toBeUndefined();
    expect(slot.cooldownUntil).toBe(0);
    expect(slot.lastFailure).toBeUndefined();
    expect([...slot.secrets()]).toEqual([]);
    expect(slot.is(pair('a'))).toBe(false);
    expect(slot.isRefused(pair('a'))).toBe(false);
    expect(slot.mayRefreshAhead(0)).toBe(true);
    expect(slot.probedWithin(0, 30_000)).toBe(false);
    expect(slot.announce()).toBe(false);
    expect(log).toEqual([]);
  });

  it('works without an onTransition callback', () => {
    const slot = new TokenSlot('key');
    slot.observed(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), true, true);
    slot.cleared();
    expect(slot.tokenStanding).toBe('empty');
    expect(slot.refreshState).toBe('idle');
  });
});

describe('observed: what the store holds', () => {
  it('a stored token becomes the current one, unverified, with its fingerprint', () => {
    const { slot, log } = slotWithLog();
    const a = pair('a');
    slot.observed(a);
    expect(slot.token).toBe(a);
    expect(slot.tokenStanding).toBe('unverified');
    expect(slot.fingerprint).toBe(fingerprint('at-a'));
    expect(slot.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(slot.is(pair('a'))).toBe(true);
    expect(slot.is(pair('b'))).toBe(false);
    expect(log).toEqual(['token empty → unverified: stored value changed']);
  });

  it('the same access token keeps what is known, but takes the stored copy', () => {
    const { slot, log } = slotWithLog();
    slot.granted(pair('a'), ALICE);
    log.length = 0;
    const pinned = pair('a', { user: 'alice@example.com' });
    slot.observed(pinned);
    expect(slot.token).toBe(pinned);
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.verifiedProfile).toBe(ALICE);
    expect(log).toEqual([]);
  });

  it('a different token replaces the current one as unverified and forgets what was known of the old one', () => {
    const { slot, log } = slotWithLog();
    slot.granted(pair('a'), ALICE);
    slot.checkStarted(flight(), true, 1000);
    log.length = 0;
    slot.observed(pair('b'));
    expect(slot.token?.access_token).toBe('at-b');
    expect(slot.fingerprint).toBe(fingerprint('at-b'));
    expect(slot.tokenStanding).toBe('unverified');
    expect(slot.verifiedProfile).toBeUndefined();
    expect(slot.runningCheck).toBeUndefined();
    expect(slot.probedWithin(1001, 30_000)).toBe(false);
    expect(log).toEqual(['token verified → unverified: stored value changed']);
  });

  it('nothing stored empties the slot', () => {
    const { slot, log } = holding(pair('a'));
    slot.observed(undefined);
    expect(slot.token).toBeUndefined();
    expect(slot.fingerprint).toBeUndefined();
    expect(slot.tokenStanding).toBe('empty');
    expect(log).toEqual(['token unverified → empty: stored value gone']);
  });

  it('nothing stored on an empty slot changes nothing', () => {
    const { slot, log } = slotWithLog();
    slot.observed(undefined);
    expect(slot.tokenStanding).toBe('empty');
    expect(log).toEqual([]);
  });

  it('nothing stored leaves a slot with a pending write alone', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), false, true);
    slot.observed(undefined);
    expect(slot.token?.access_token).toBe('at-b');
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.pendingWrite?.token.access_token).toBe('at-b');
  });
});

describe('granted: a token this process obtained', () => {
  it('with a profile it is verified as that profile', () => {
    const { slot, log } = slotWithLog();
    slot.granted(pair('a'), ALICE);
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.verifiedProfile).toBe(ALICE);
    expect(log).toEqual(['token empty → verified: granted']);
  });

  it('with null (a verified id_token) it is verified without a profile', () => {
    const { slot } = slotWithLog();
    slot.granted(pair('a'), null);
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.verifiedProfile).toBeNull();
  });

  it('without a profile (an import trusted as stored) it is unverified', () => {
    const { slot, log } = slotWithLog();
    slot.granted(pair('a'), undefined);
    expect(slot.tokenStanding).toBe('unverified');
    expect(slot.verifiedProfile).toBeUndefined();
    expect(log).toEqual(['token empty → unverified: granted']);
  });

  it('counts as announced: no `loaded` for the token the process stored itself', () => {
    const { slot } = slotWithLog();
    slot.granted(pair('a'), ALICE);
    expect(slot.announce()).toBe(false);
  });

  it('starts a clean refresh history: the cooldown, the last failure and a pending pair go', () => {
    const { slot, log } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'retryable', new Error('502'), 60_000);
    log.length = 0;
    slot.granted(pair('b'), ALICE);
    expect(slot.refreshState).toBe('idle');
    expect(slot.cooldownUntil).toBe(0);
    expect(slot.lastFailure).toBeUndefined();
    expect(slot.mayRefreshAhead(1)).toBe(true);
    expect(log).toEqual(['token unverified → verified: granted', 'refresh cooling_down → idle: granted']);
  });

  it('drops a refreshed pair still waiting for the store', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), false, true);
    expect(slot.pendingWrite).toBeDefined();
    slot.granted(pair('c'), ALICE);
    expect(slot.pendingWrite).toBeUndefined();
    expect([...slot.secrets()]).toEqual(['at-c', 'rt-c', 'id-c']);
  });

  it('leaves a running refresh running (it ends by itself)', () => {
    const { slot } = holding(pair('a'));
    const refresh = flight<StoredToken>();
    slot.refreshStarted(refresh);
    slot.granted(pair('b'), ALICE);
    expect(slot.refreshState).toBe('running');
    expect(slot.runningRefresh).toBe(refresh);
  });
});

describe('trusted: a token without the openid scope', () => {
  it('the current token is verified without a profile', () => {
    const { slot, log } = holding(pair('a', { scope: 'all' }));
    slot.trusted(pair('a', { scope: 'all' }));
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.verifiedProfile).toBeNull();
    expect(log).toEqual(['token unverified → verified: trusted without a check (no openid scope)']);
  });

  it('another token than the current one is not trusted', () => {
    const { slot, log } = holding(pair('a'));
    slot.trusted(pair('b'));
    expect(slot.tokenStanding).toBe('unverified');
    expect(log).toEqual([]);
  });
});

describe('cleared: logout or delete', () => {
  it('empties the slot and drops a pending pair', () => {
    const { slot, log } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), false, true);
    log.length = 0;
    slot.cleared();
    expect(slot.token).toBeUndefined();
    expect(slot.fingerprint).toBeUndefined();
    expect(slot.tokenStanding).toBe('empty');
    expect(slot.pendingWrite).toBeUndefined();
    expect([...slot.secrets()]).toEqual([]);
    expect(slot.announce()).toBe(false);
    expect(log).toEqual(['token verified → empty: cleared']);
  });
});

describe('openid_profile checks', () => {
  it('checkStarted keeps the one flight for others to join', () => {
    const { slot } = holding(pair('a'));
    const check = flight<CheckResult>();
    slot.checkStarted(check, false, 1000);
    expect(slot.runningCheck).toBe(check);
  });

  it('a probe (because of a 403) is remembered for the interval; a first-use check is not a probe', () => {
    const { slot } = holding(pair('a'));
    slot.checkStarted(flight(), false, 1000);
    expect(slot.probedWithin(1000, 30_000)).toBe(false);
    slot.checkStarted(flight(), true, 1000);
    expect(slot.probedWithin(1000, 30_000)).toBe(true);
    expect(slot.probedWithin(30_999, 30_000)).toBe(true);
    expect(slot.probedWithin(31_000, 30_000)).toBe(false);
  });

  it('a valid answer verifies the token as its profile', () => {
    const { slot, log } = holding(pair('a'));
    slot.checkStarted(flight(), false, 0);
    slot.checkFinished(pair('a'), VALID);
    expect(slot.runningCheck).toBeUndefined();
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.verifiedProfile).toBe(ALICE);
    expect(log).toEqual(['token unverified → verified: check passed']);
  });

  it('a rejection marks the token dead', () => {
    const { slot, log } = holding(pair('a'));
    slot.checkStarted(flight(), false, 0);
    slot.checkFinished(pair('a'), REJECTED);
    expect(slot.runningCheck).toBeUndefined();
    expect(slot.tokenStanding).toBe('dead');
    expect(slot.verifiedProfile).toBeUndefined();
    expect(log).toEqual(['token unverified → dead: check rejected']);
  });

  it('a check that failed (network, 5xx) changes nothing but ends the flight', () => {
    const { slot, log } = holding(pair('a'));
    slot.checkStarted(flight(), false, 0);
    slot.checkFinished(pair('a'), undefined);
    expect(slot.runningCheck).toBeUndefined();
    expect(slot.tokenStanding).toBe('unverified');
    expect(log).toEqual([]);
  });

  it('a check that finishes after the slot moved on to another token leaves it alone', () => {
    const { slot } = holding(pair('a'));
    slot.checkStarted(flight(), false, 0);
    slot.observed(pair('b'));
    slot.checkFinished(pair('a'), VALID);
    expect(slot.tokenStanding).toBe('unverified');
    expect(slot.verifiedProfile).toBeUndefined();
    slot.checkFinished(pair('a'), REJECTED);
    expect(slot.tokenStanding).toBe('unverified');
    expect(slot.token?.access_token).toBe('at-b');
  });

  it('a rejection that arrives after a logout does not touch the empty slot', () => {
    const { slot } = holding(pair('a'));
    slot.checkStarted(flight(), false, 0);
    slot.cleared();
    slot.checkFinished(pair('a'), REJECTED);
    expect(slot.tokenStanding).toBe('empty');
    expect(slot.token).toBeUndefined();
  });
});

describe('rejected: the site answered 401 (or a confirmed 403)', () => {
  it('marks the current token dead, once', () => {
    const { slot, log } = slotWithLog();
    slot.granted(pair('a'), ALICE);
    log.length = 0;
    slot.rejected(pair('a'));
    slot.rejected(pair('a'));
    expect(slot.tokenStanding).toBe('dead');
    expect(slot.verifiedProfile).toBeUndefined();
    expect(log).toEqual(['token verified → dead: rejected by the site']);
  });

  it('a rejection of a token the slot no longer holds is ignored', () => {
    const { slot, log } = holding(pair('b'));
    slot.rejected(pair('a'));
    expect(slot.tokenStanding).toBe('unverified');
    expect(log).toEqual([]);
  });

  it('a dead token comes back only with another token or a passing check', () => {
    const { slot } = holding(pair('a'));
    slot.rejected(pair('a'));
    slot.observed(pair('a'));
    expect(slot.tokenStanding).toBe('dead');
    slot.observed(pair('b'));
    expect(slot.tokenStanding).toBe('unverified');
  });
});

describe('refresh: started, succeeded, adopted', () => {
  it('refreshStarted: the one refresh in flight; no refresh ahead while it runs', () => {
    const { slot, log } = holding(pair('a'));
    const refresh = flight<StoredToken>();
    slot.refreshStarted(refresh);
    expect(slot.refreshState).toBe('running');
    expect(slot.runningRefresh).toBe(refresh);
    expect(slot.mayRefreshAhead(0)).toBe(false);
    expect(log).toEqual(['refresh idle → running: refresh started']);
  });

  it('a second refreshStarted while one runs throws and keeps the first flight', () => {
    const { slot, log } = holding(pair('a'));
    const first = flight<StoredToken>();
    slot.refreshStarted(first);
    expect(() => slot.refreshStarted(flight())).toThrow(
      'token slot: no refresh transition from running to running (refresh started)',
    );
    expect(slot.refreshState).toBe('running');
    expect(slot.runningRefresh).toBe(first);
    expect(log).toEqual(['refresh idle → running: refresh started']);
  });

  it('refreshSucceeded (stored): the new pair is current, verified, announced, nothing pending', () => {
    const { slot, log } = holding(pair('a'));
    slot.rejected(pair('a'));
    slot.refreshStarted(flight());
    log.length = 0;
    slot.refreshSucceeded(pair('a'), pair('b'), true, true);
    expect(slot.refreshState).toBe('idle');
    expect(slot.runningRefresh).toBeUndefined();
    expect(slot.token?.access_token).toBe('at-b');
    expect(slot.fingerprint).toBe(fingerprint('at-b'));
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.verifiedProfile).toBeNull();
    expect(slot.pendingWrite).toBeUndefined();
    expect(slot.announce()).toBe(false);
    expect(log).toEqual(['refresh running → idle: refresh succeeded', 'token dead → verified: refreshed']);
  });

  it('refreshSucceeded without a verified answer leaves the new pair unverified', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), true, false);
    expect(slot.tokenStanding).toBe('unverified');
    expect(slot.verifiedProfile).toBeUndefined();
  });

  it('refreshSucceeded clears the cooldown and the last failure', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'retryable', new Error('503'), 50_000);
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), true, true);
    expect(slot.cooldownUntil).toBe(0);
    expect(slot.lastFailure).toBeUndefined();
    expect(slot.mayRefreshAhead(1)).toBe(true);
  });

  it('refreshSucceeded (the store failed): the pair stays pending, replacing the stored access token', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), false, true);
    expect(slot.token?.access_token).toBe('at-b');
    expect(slot.pendingWrite?.token.access_token).toBe('at-b');
    expect(slot.pendingWrite?.replaces).toBe('at-a');
  });

  it('a refresh from a pair that is itself pending carries over what the store holds', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), false, true);
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('b'), pair('c'), false, true);
    expect(slot.pendingWrite?.token.access_token).toBe('at-c');
    expect(slot.pendingWrite?.replaces).toBe('at-a');
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('c'), pair('d'), true, true);
    expect(slot.pendingWrite).toBeUndefined();
    expect(slot.token?.access_token).toBe('at-d');
  });

  it('a refresh that finishes after someone signed in leaves the new sign-in alone', () => {
    const { slot, log } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.granted(pair('b'), ALICE);
    log.length = 0;
    slot.refreshSucceeded(pair('a'), pair('c'), false, true);
    expect(slot.refreshState).toBe('idle');
    expect(slot.token?.access_token).toBe('at-b');
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.verifiedProfile).toBe(ALICE);
    expect(slot.pendingWrite).toBeUndefined();
    expect(log).toEqual(['refresh running → idle: refresh succeeded']);
  });

  it('a refresh that finishes after another process stored a pair leaves that pair alone', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.observed(pair('b'));
    slot.refreshSucceeded(pair('a'), pair('c'), true, true);
    expect(slot.token?.access_token).toBe('at-b');
    expect(slot.tokenStanding).toBe('unverified');
  });

  it('refreshAdopted: a newer stored pair becomes current, unverified and not yet announced', () => {
    const { slot, log } = slotWithLog();
    slot.granted(pair('a'), ALICE);
    slot.refreshStarted(flight());
    log.length = 0;
    slot.refreshAdopted(pair('b'));
    expect(slot.refreshState).toBe('idle');
    expect(slot.runningRefresh).toBeUndefined();
    expect(slot.token?.access_token).toBe('at-b');
    expect(slot.tokenStanding).toBe('unverified');
    expect(slot.announce()).toBe(true);
    expect(log).toEqual([
      'refresh running → idle: refresh found a newer stored pair',
      'token verified → unverified: adopted',
    ]);
  });

  it('refreshAdopted of the pair the slot already holds keeps what is known of it', () => {
    const { slot } = holding(pair('a'));
    slot.observed(pair('b'));
    slot.checkFinished(pair('b'), VALID);
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), 0);
    slot.refreshStarted(flight());
    slot.refreshAdopted(pair('b'));
    expect(slot.tokenStanding).toBe('verified');
    expect(slot.verifiedProfile).toBe(ALICE);
    expect(slot.refreshState).toBe('idle');
    expect(slot.lastFailure).toBeUndefined();
  });
});

describe('refresh failures', () => {
  it('a retryable failure records the error and a cooldown; the token stays', () => {
    const { slot, log } = holding(pair('a'));
    const error = new Error('502');
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'retryable', error, 40_000);
    expect(slot.refreshState).toBe('cooling_down');
    expect(slot.runningRefresh).toBeUndefined();
    expect(slot.lastFailure).toBe(error);
    expect(slot.cooldownUntil).toBe(40_000);
    expect(slot.token?.access_token).toBe('at-a');
    expect(slot.isRefused(pair('a'))).toBe(false);
    expect(log).toEqual([
      'refresh idle → running: refresh started',
      'refresh running → cooling_down: refresh failed (retryable)',
    ]);
  });

  it('a fatal failure cools down too, and says so', () => {
    const { slot, log } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'fatal', new Error('bad answer'), 40_000);
    expect(slot.refreshState).toBe('cooling_down');
    expect(log.at(-1)).toBe('refresh running → cooling_down: refresh failed (fatal)');
  });

  it('no refresh ahead until the cooldown has passed; then one may start again', () => {
    const { slot, log } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'retryable', new Error('502'), 40_000);
    expect(slot.mayRefreshAhead(39_999)).toBe(false);
    expect(slot.mayRefreshAhead(40_000)).toBe(true);
    log.length = 0;
    slot.refreshStarted(flight());
    expect(log).toEqual(['refresh cooling_down → running: refresh started']);
  });

  it('a refusal remembers the refresh token: refused, and no refresh ahead whatever the time', () => {
    const { slot, log } = holding(pair('a'));
    const error = new Error('invalid_grant');
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'refused', error, 40_000);
    expect(slot.refreshState).toBe('refused');
    expect(slot.lastFailure).toBe(error);
    expect(slot.isRefused(pair('a'))).toBe(true);
    expect(slot.isRefused(pair('a', { refresh_token: 'rt-other' }))).toBe(false);
    expect(slot.isRefused(pair('a', { refresh_token: undefined }))).toBe(false);
    expect(slot.mayRefreshAhead(40_000)).toBe(false);
    expect(slot.mayRefreshAhead(Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(log.at(-1)).toBe('refresh running → refused: refresh refused');
  });

  it('the refusal of a pair without a refresh token marks no token as refused', () => {
    const { slot } = holding(pair('a', { refresh_token: undefined }));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a', { refresh_token: undefined }), 'refused', new Error('none'), 0);
    expect(slot.refreshState).toBe('refused');
    expect(slot.isRefused(pair('a', { refresh_token: undefined }))).toBe(false);
  });

  it('after a refusal, a refresh may still be started (refused → running)', () => {
    const { slot, log } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), 0);
    log.length = 0;
    slot.refreshStarted(flight());
    expect(slot.refreshState).toBe('running');
    expect(log).toEqual(['refresh refused → running: refresh started']);
  });

  it('a refresh failure without a refresh started throws', () => {
    const { slot } = holding(pair('a'));
    expect(() => slot.refreshFailed(pair('a'), 'retryable', new Error('502'), 1)).toThrow(
      /while no refresh runs/,
    );
    expect(() => slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), 1)).toThrow(
      /while no refresh runs/,
    );
    expect(slot.refreshState).toBe('idle');
  });

  it('a second failure for the same refresh throws', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'retryable', new Error('502'), 1);
    expect(() => slot.refreshFailed(pair('a'), 'retryable', new Error('502'), 1)).toThrow(
      /while no refresh runs/,
    );
    expect(() => slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), 1)).toThrow(
      /while no refresh runs/,
    );
    expect(slot.refreshState).toBe('cooling_down');
  });

  it('a refused refresh cannot fail again without a new start', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), 1);
    expect(() => slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), 1)).toThrow(
      /while no refresh runs/,
    );
    expect(() => slot.refreshFailed(pair('a'), 'retryable', new Error('502'), 1)).toThrow(
      /while no refresh runs/,
    );
    expect(slot.refreshState).toBe('refused');
  });
});

describe('a new pair clears a refusal', () => {
  function refused(): { slot: TokenSlot; log: string[] } {
    const made = holding(pair('a'));
    made.slot.refreshStarted(flight());
    made.slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), 0);
    made.log.length = 0;
    return made;
  }

  it('a pair another process stored (another refresh token)', () => {
    const { slot, log } = refused();
    slot.observed(pair('b'));
    expect(slot.refreshState).toBe('idle');
    expect(slot.isRefused(pair('a'))).toBe(false);
    expect(slot.isRefused(pair('b'))).toBe(false);
    expect(slot.mayRefreshAhead(0)).toBe(true);
    expect(log).toEqual(['refresh refused → idle: new pair']);
  });

  it('a sign-in', () => {
    const { slot, log } = refused();
    slot.granted(pair('b'), ALICE);
    expect(slot.refreshState).toBe('idle');
    expect(slot.isRefused(pair('a'))).toBe(false);
    expect(log).toEqual(['refresh refused → idle: new pair', 'token unverified → verified: granted']);
  });

  it('a sign-in that hands back the same refresh token still starts a clean history', () => {
    const { slot, log } = refused();
    slot.granted(pair('b', { refresh_token: 'rt-a' }), ALICE);
    expect(slot.refreshState).toBe('idle');
    expect(slot.isRefused(pair('a'))).toBe(false);
    expect(log).toEqual(['token unverified → verified: granted', 'refresh refused → idle: granted']);
  });

  it('an adopted pair', () => {
    const { slot } = refused();
    slot.refreshStarted(flight());
    slot.refreshAdopted(pair('b'));
    expect(slot.refreshState).toBe('idle');
    expect(slot.isRefused(pair('a'))).toBe(false);
  });

  it('but a new access token with the refused refresh token stays refused', () => {
    const { slot } = refused();
    slot.observed(pair('b', { refresh_token: 'rt-a' }));
    expect(slot.token?.access_token).toBe('at-b');
    expect(slot.refreshState).toBe('refused');
    expect(slot.isRefused(pair('b', { refresh_token: 'rt-a' }))).toBe(true);
  });

  it('and the same pair read again stays refused', () => {
    const { slot } = refused();
    slot.observed(pair('a'));
    expect(slot.refreshState).toBe('refused');
    expect(slot.isRefused(pair('a'))).toBe(true);
  });
});

describe('the pending write', () => {
  function pending(): TokenSlot {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), false, true);
    return slot;
  }

  it('pendingWritten for the pending pair ends it', () => {
    const slot = pending();
    slot.pendingWritten(pair('b'));
    expect(slot.pendingWrite).toBeUndefined();
    expect(slot.token?.access_token).toBe('at-b');
  });

  it('pendingWritten for another pair leaves it pending', () => {
    const slot = pending();
    slot.pendingWritten(pair('a'));
    expect(slot.pendingWrite?.token.access_token).toBe('at-b');
  });

  it('pendingSuperseded drops it', () => {
    const slot = pending();
    slot.pendingSuperseded();
    expect(slot.pendingWrite).toBeUndefined();
  });

  it('secrets() yields the current pair and the pending one, id_tokens included', () => {
    const slot = pending();
    slot.observed(pair('c', { id_token: undefined }));
    expect(slot.pendingWrite?.token.access_token).toBe('at-b');
    expect([...slot.secrets()]).toEqual(['at-c', 'rt-c', undefined, 'at-b', 'rt-b', 'id-b']);
  });
});

describe('announce: the `loaded` event once per token', () => {
  it('is true the first time a token is seen, then false until another token comes', () => {
    const { slot } = holding(pair('a'));
    expect(slot.announce()).toBe(true);
    expect(slot.announce()).toBe(false);
    slot.observed(pair('a'));
    expect(slot.announce()).toBe(false);
    slot.observed(pair('b'));
    expect(slot.announce()).toBe(true);
    expect(slot.announce()).toBe(false);
  });

  it('a pair this process refreshed is not announced as loaded', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), true, true);
    expect(slot.announce()).toBe(false);
  });
});

describe('onTransition', () => {
  it('describes every change of either machine, in order, and no self-transition', () => {
    const { slot, log } = slotWithLog();
    slot.observed(pair('a'));
    slot.observed(pair('a'));
    slot.checkStarted(flight(), false, 0);
    slot.checkFinished(pair('a'), VALID);
    slot.rejected(pair('a'));
    slot.rejected(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'retryable', new Error('502'), 10);
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('a'), pair('b'), true, true);
    slot.observed(undefined);
    expect(log).toEqual([
      'token empty → unverified: stored value changed',
      'token unverified → verified: check passed',
      'token verified → dead: rejected by the site',
      'refresh idle → running: refresh started',
      'refresh running → cooling_down: refresh failed (retryable)',
      'refresh cooling_down → running: refresh started',
      'refresh running → idle: refresh succeeded',
      'token dead → verified: refreshed',
      'token verified → empty: stored value gone',
    ]);
  });

  it('never carries a secret of the pairs it held', () => {
    const { slot, log } = slotWithLog();
    slot.observed(pair('a'));
    slot.refreshStarted(flight());
    slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), 0);
    slot.granted(pair('b'), ALICE);
    slot.refreshStarted(flight());
    slot.refreshSucceeded(pair('b'), pair('c'), false, true);
    slot.cleared();
    expect(log.length).toBeGreaterThan(5);
    const text = log.join('\n');
    for (const name of ['a', 'b', 'c']) {
      for (const secret of [`at-${name}`, `rt-${name}`, `id-${name}`, fingerprint(`at-${name}`)]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('is not told of an illegal transition', () => {
    const { slot, log } = holding(pair('a'));
    expect(() => slot.refreshFailed(pair('a'), 'retryable', new Error('502'), 1)).toThrow();
    expect(log).toEqual([]);
  });
});

describe('results that arrive after the slot moved on', () => {
  it('a refresh that ends without having started throws (succeeded or adopted)', () => {
    const { slot } = holding(pair('a'));
    expect(() => slot.refreshSucceeded(pair('a'), pair('b'), true, true)).toThrow(/while no refresh runs/);
    expect(() => slot.refreshAdopted(pair('b'))).toThrow(/while no refresh runs/);
    expect(slot.token?.access_token).toBe('at-a');
  });

  it('a failed refresh of a pair replaced by a sign-in leaves the new pair free to refresh', () => {
    const { slot } = holding(pair('a'));
    slot.refreshStarted(flight());
    slot.granted(pair('b'), null);
    slot.refreshFailed(pair('a'), 'refused', new Error('invalid_grant'), Date.now() + 60_000);
    expect(slot.refreshState).toBe('idle');
    expect(slot.isRefused(pair('b'))).toBe(false);
    expect(slot.mayRefreshAhead(Date.now())).toBe(true);
  });

  it("an old token's check finishing does not drop the check running for the new token", () => {
    const { slot } = holding(pair('a'));
    const old = flight<CheckResult>();
    slot.checkStarted(old, false, 0);
    slot.observed(pair('b'));
    const current = flight<CheckResult>();
    slot.checkStarted(current, false, 0);
    slot.checkFinished(pair('a'), VALID, old);
    expect(slot.runningCheck).toBe(current);
    slot.checkFinished(pair('b'), REJECTED, current);
    expect(slot.runningCheck).toBeUndefined();
    expect(slot.tokenStanding).toBe('dead');
  });
});
