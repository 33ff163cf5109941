/**
 * A delay that ends early (rejecting with the signal's reason) when the signal aborts. A wait the
 * user awaits keeps Node alive; the SDK's own background waits pass `unref: true`.
 */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  { unref = false }: { unref?: boolean } = {},
): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (unref) timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
