import { CallScope } from '../transport/call-scope';
import { sleep } from '../transport/sleep';
import type { LifecycleContext } from './lifecycle-context';
import type { StoredToken } from './stored-token';

/** How often a refreshed pair the store refused is written again while no call comes to do it. */
export const PENDING_RETRY_INTERVAL_MS = 5000;

/** Waits before each write of a refreshed pair: at once, then twice more in quick succession. */
const ROTATED_WRITE_DELAYS_MS = [0, 25, 100];

/**
 * Brings the slot up to date with the store, which stays the source of truth: every call reads it
 * (so a store outage surfaces as TokenStoreError), except that a refreshed pair the store did not
 * take yet is written first and, while the store keeps failing, used from memory.
 *
 * Resolves with the current token, or undefined when the store holds none.
 */
export async function readLatest(
  context: LifecycleContext,
  scope: CallScope,
): Promise<StoredToken | undefined> {
  const { slot } = context;
  if (slot.pendingWrite) {
    await flushPending(context, scope);
    // Still pending: the store is failing; the refreshed pair in memory is the only live one.
    if (slot.pendingWrite) return slot.token;
  }
  const stored = await context.deps.store.getToken(context.tokenKey, context.storeDeadline(scope));
  slot.observed(stored);
  return stored === undefined ? undefined : slot.token;
}

/**
 * Writes the pending refreshed pair, unless the store meanwhile holds a newer one (a sign-in, or
 * a refresh elsewhere from a pair this process did not hold): then the pending pair goes.
 */
export async function flushPending(context: LifecycleContext, scope: CallScope): Promise<void> {
  const { slot } = context;
  const pending = slot.pendingWrite;
  if (!pending) return;
  const { store } = context.deps;
  try {
    const stored = await store.getToken(context.tokenKey, context.storeDeadline(scope));
    if (
      stored !== undefined &&
      stored.access_token !== pending.token.access_token &&
      stored.access_token !== pending.replaces
    ) {
      slot.pendingSuperseded();
      slot.observed(stored);
      context.log('info', 'the store holds a newer pair than the refreshed one kept in memory; using it');
      return;
    }
    await store.setToken(context.tokenKey, pending.token, context.storeDeadline(scope));
    slot.pendingWritten(pending.token);
    context.log('info', 'the refreshed pair kept in memory is now stored');
    context.emit('stored', pending.token);
  } catch (error) {
    scope.throwIfAborted();
    const name = error instanceof Error ? error.name : 'error';
    context.log('warn', `the store still fails (${name}); the refreshed pair stays in memory and in use`);
  }
}

/**
 * Writes a pair a refresh just produced, with a few quick retries: on develop the previous pair is
 * already revoked, so this pair is the only one that works. Resolves false when the store kept
 * failing; the caller then keeps the pair pending in memory.
 */
export async function writeRotated(
  context: LifecycleContext,
  fresh: StoredToken,
  scope: CallScope,
): Promise<boolean> {
  for (const delayMs of ROTATED_WRITE_DELAYS_MS) {
    try {
      await sleep(delayMs, scope.signal, { unref: true });
      await context.deps.store.setToken(context.tokenKey, fresh, context.storeDeadline(scope));
      return true;
    } catch (error) {
      if (scope.aborted) break;
      const name = error instanceof Error ? error.name : 'error';
      context.log('warn', `could not store the refreshed pair (${name})`);
    }
  }
  context.log('warn', 'keeping the refreshed pair in memory; later calls write it once the store answers');
  return false;
}

/**
 * Keeps trying to store a pending refreshed pair in the background, so that it lands as soon as
 * the store answers even if this process makes no further call (other processes may need it). The
 * timer is the SDK's own background work: unref'd, and it stops once nothing is pending.
 */
export function retryPendingInBackground(context: LifecycleContext): void {
  if (context.pendingRetry) return;
  const timer = setInterval(() => {
    if (!context.slot.pendingWrite) {
      clearInterval(timer);
      context.pendingRetry = undefined;
      return;
    }
    const scope = new CallScope('storing the refreshed pair', {}, context.options.storeTimeoutMs, {
      background: true,
    });
    flushPending(context, scope)
      .catch(() => undefined)
      .finally(() => scope.dispose());
  }, PENDING_RETRY_INTERVAL_MS);
  timer.unref();
  context.pendingRetry = timer;
}
