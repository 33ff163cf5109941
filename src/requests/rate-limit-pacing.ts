import { AsyncLocalStorage } from 'node:async_hooks';

const pacedCall = new AsyncLocalStorage<string>();

/**
 * Runs a bulk call's requests paced: each of them (retries too) first waits when Frappe's
 * rate-limit window has no room left for it, instead of running into a 429 (see RateLimitGauge).
 * `call` names the call in the log line of a pause (`insertMany`, `iterateList`).
 */
export function withRateLimitPacing<T>(call: string, work: () => Promise<T>): Promise<T> {
  return pacedCall.run(call, work);
}

/** The bulk call the current request belongs to, when it is paced. */
export function currentPacedCall(): string | undefined {
  return pacedCall.getStore();
}
