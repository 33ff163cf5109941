import { AuthorizationCallbackError } from '../errors';
import type { RefreshObservation } from '../observability/refresh-observation';
import { fingerprint } from '../redaction/redact';
import { CallScope } from '../transport/call-scope';
import { sleep } from '../transport/sleep';
import type { LifecycleContext } from './lifecycle-context';
import { checkRefreshed, RefreshRefusal, requestRefresh } from './refresh-grant';
import type { RefreshLease } from './refresh-lock';
import { readLatest, retryPendingInBackground, writeRotated } from './slot-sync';
import type { StoredToken } from './stored-token';
import { classifyGrantFailure } from './token-endpoint';
import type { RefreshFailureKind } from './token-slot';

/**
 * How long one refresh may take in all: every attempt at its full timeout plus the longest
 * backoffs between them. It runs under this deadline of its own, never under a caller's signal:
 * a caller that gives up stops waiting, the refresh and everyone else go on.
 */
export function refreshBudgetMs(context: LifecycleContext): number {
  const { timeoutMs, refreshRetry } = context.options;
  return timeoutMs * (refreshRetry.retries + 1) + refreshRetry.maxDelayMs * refreshRetry.retries;
}

/**
 * Starts the one refresh of the slot's token. The returned promise is shared by everyone who
 * needs the new token; it is never left rejected without a handler.
 */
export function startRefresh(context: LifecycleContext, seen: StoredToken): Promise<StoredToken> {
  const observed = context.observeRefresh(seen);
  // Inside the refresh's span, so the token endpoint's request is its child.
  const flight = observed.within(() => runRefresh(context, seen, observed));
  context.slot.refreshStarted(flight);
  flight.catch(() => undefined);
  return flight;
}

/**
 * One refresh: take the lease for the store key; re-read the store (another caller or process may
 * have refreshed while we waited); ask the token endpoint (transient failures retried); check the
 * answer's user; write the new pair (kept in memory if the store fails). Every failure goes
 * through `failed`.
 */
async function runRefresh(
  context: LifecycleContext,
  seen: StoredToken,
  observed: RefreshObservation,
): Promise<StoredToken> {
  const budgetMs = refreshBudgetMs(context);
  const scope = new CallScope('refreshing the token', {}, budgetMs, {
    background: true,
  });
  let lease: RefreshLease | undefined;
  let from = seen;
  try {
    lease = await observed.leaseWait(
      context.deps.lock.acquire(context.storeKey, { ttlMs: budgetMs, signal: scope.signal }),
    );
    const latest = await readLatest(context, scope);
    if (latest === undefined) throw new RefreshRefusal('the stored token was removed');
    if (latest.access_token !== seen.access_token && isFresh(context, latest)) {
      context.slot.refreshAdopted(latest);
      observed.adopted(latest, 'stored_while_waiting');
      return latest;
    }
    from = latest;
    const refreshToken = from.refresh_token;
    if (!refreshToken) throw new RefreshRefusal('the stored token has no refresh token');
    if (context.slot.isRefused(from)) throw new RefreshRefusal('the site already refused this refresh token');

    context.emit('refresh_started', from);
    observed.started(from);
    const response = await requestRefresh(context, refreshToken, scope);
    const { fresh, verified } = await checkRefreshed(context, from, response, scope).catch(
      (error: unknown) => {
        // Only refusals come out of the check: the site issued a pair this process will not use
        // (another user, or an id_token that fails its checks, as after a rotated client secret
        // on v14/v15, which do not authenticate the client on a refresh). Revoke it.
        revokeQuietly(context, response.body.access_token, 'the rejected refresh answer');
        throw error;
      },
    );
    const written = await writeRotated(context, fresh, scope);
    context.slot.refreshSucceeded(from, fresh, written, verified);
    if (!written) retryPendingInBackground(context);
    context.emit('refreshed', fresh);
    observed.succeeded(from, fresh, written);
    if (written) revokeSuperseded(context, from, fresh);
    return fresh;
  } catch (error) {
    return await failed(context, from, error, scope, observed);
  } finally {
    // Released in the background: a Redis round trip must not hold back a result callers wait for
    // (and a lease that is never released expires by itself).
    lease?.release().catch(() => undefined);
    scope.dispose();
    observed.end();
  }
}

/**
 * The one door every refresh failure goes through: a refusal first looks in the store once for a
 * pair stored meanwhile by another process (on develop the winner's refresh revokes the pair the
 * loser presented); otherwise the failure is recorded in the slot with a cooldown, announced with
 * `refresh_failed`, and thrown — a refusal as AuthorizationRequiredError with the stored value kept.
 */
async function failed(
  context: LifecycleContext,
  from: StoredToken,
  error: unknown,
  scope: CallScope,
  observed: RefreshObservation,
): Promise<StoredToken> {
  const kind = failureKind(error);
  if (kind === 'refused') {
    const stored = await storedElsewhere(context, from, scope);
    if (stored) {
      observed.adopted(stored, 'stored_after_refusal');
      context.slot.refreshAdopted(stored);
      return stored;
    }
  }
  const cooldownUntil = context.localNow() + context.options.refreshCooldownSeconds * 1000;
  context.slot.refreshFailed(from, kind, error, cooldownUntil);
  context.emit('refresh_failed', from, error);
  observed.failed(kind, error);
  if (kind === 'refused') throw await refusal(context, error);
  throw error;
}

/**
 * Waits before each look into the store after a refusal. The process that won the race may still
 * be writing its pair (its answer can arrive after ours), so the store is given a moment.
 */
const REFUSAL_REREAD_DELAYS_MS = [0, 100, 400];

/** A live pair in the store other than the one that was refused, if one shows up. */
async function storedElsewhere(
  context: LifecycleContext,
  from: StoredToken,
  scope: CallScope,
): Promise<StoredToken | undefined> {
  for (const delayMs of REFUSAL_REREAD_DELAYS_MS) {
    if (scope.aborted) return undefined;
    try {
      await sleep(delayMs, scope.signal, { unref: true });
      const stored = await context.deps.store.getToken(context.tokenKey, context.storeDeadline(scope));
      if (stored && stored.access_token !== from.access_token && context.serverNow() < stored.expires_at) {
        return stored;
      }
      // Nothing newer, or the very pair that was refused: no one else refreshed.
      if (!stored || stored.refresh_token !== from.refresh_token) return undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function failureKind(error: unknown): RefreshFailureKind {
  if (error instanceof RefreshRefusal || error instanceof AuthorizationCallbackError) return 'refused';
  return classifyGrantFailure(error);
}

function refusal(context: LifecycleContext, error: unknown) {
  if (error instanceof RefreshRefusal) return context.authorizationRequired(error.message);
  if (error instanceof AuthorizationCallbackError) {
    return context.authorizationRequired(
      'the refreshed id_token failed its checks; it was not stored',
      error,
    );
  }
  return context.authorizationRequired('the site refused the refresh token', error);
}

/** A stored pair that needs no refresh yet. */
function isFresh(context: LifecycleContext, token: StoredToken): boolean {
  return context.serverNow() < token.expires_at - context.options.refreshMarginSeconds;
}

function revokeSuperseded(context: LifecycleContext, previous: StoredToken, fresh: StoredToken): void {
  if (!context.options.revokeSupersededTokens || previous.access_token === fresh.access_token) return;
  revokeQuietly(context, previous.access_token, 'the superseded token');
}

/** Best-effort revocation in the background; a failure is logged (by fingerprint) and ignored. */
function revokeQuietly(context: LifecycleContext, accessToken: string, what: string): void {
  const scope = new CallScope(`revoking ${what}`, {}, context.options.timeoutMs, { background: true });
  context
    .revoke(accessToken, scope.requestOptions())
    .catch(() => context.log('warn', `could not revoke ${what} ${fingerprint(accessToken)}`))
    .finally(() => scope.dispose());
}
