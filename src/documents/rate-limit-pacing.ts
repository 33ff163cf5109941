import type { RequestOptions } from '../transport/http-transport';
import { sleep } from '../transport/sleep';
import type { DocumentsContext } from './documents-context';

/**
 * Before the next request of a bulk call (a chunk of insertMany, a page of iterateList): when
 * Frappe's rate-limit window has no room left for it, waits until the window resets, at most
 * `retry.maxRetryAfterSeconds`, instead of sending it into a 429. The wait is logged at info, keeps
 * Node alive (the caller awaits it) and ends on abort.
 */
export async function paceForRateLimit(
  context: DocumentsContext,
  options: RequestOptions,
  call: string,
): Promise<void> {
  const waitMs = Math.min(context.executor.rateLimit.reserve(), context.retry.maxRetryAfterSeconds * 1000);
  if (waitMs <= 0) return;
  context.executor.observer.log(
    'info',
    `${call}: pausing ${waitMs} ms until the site's rate-limit window resets`,
    {
      call,
      waitMs,
    },
  );
  // An abort ends the wait; the request after it then fails as aborted, a typed error.
  await sleep(waitMs, options.signal).catch(() => undefined);
}
