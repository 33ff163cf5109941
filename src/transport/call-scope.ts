import { FrappeNetworkError } from '../errors';
import type { RequestOptions } from './http-transport';

/**
 * One public call's deadline and cancellation: started when the call starts, it bounds everything
 * the call waits for (store, token, each attempt, each retry wait). Its `signal` aborts when the
 * caller's signal aborts or the deadline passes, always with a `FrappeNetworkError` as reason
 * (`aborted` or `timeout`), so nothing below it ever sees a raw DOMException.
 *
 * The deadline timer is ref'd on purpose: the user awaits this call, so Node must stay alive until
 * it settles. `dispose()` clears it; `run()` does that for you.
 */
export class CallScope {
  readonly signal: AbortSignal;
  readonly deadline: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort: (() => void) | undefined;
  private readonly caller: AbortSignal | undefined;

  constructor(
    private readonly label: string,
    options: RequestOptions,
    defaultTimeoutMs: number,
    { background = false }: { background?: boolean } = {},
  ) {
    this.signal = this.controller.signal;
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    // Deadlines run on the monotonic clock: the injectable wall clock is for token expiry only
    // (a test that moves it an hour ahead must not time out a call in flight).
    this.deadline = performance.now() + timeoutMs;
    const caller = options.signal;
    if (caller?.aborted) {
      this.abort('aborted');
    } else {
      if (caller) {
        this.onCallerAbort = () => this.abort('aborted');
        caller.addEventListener('abort', this.onCallerAbort, { once: true });
      }
      this.caller = caller;
      this.timer = setTimeout(() => this.abort('timeout', timeoutMs), timeoutMs);
      // Work nobody awaits (a refresh ahead of expiry) must not keep Node alive.
      if (background) this.timer.unref();
    }
  }

  /** Milliseconds left before the deadline (0 once it passed). */
  remainingMs(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  /**
   * What to pass to the transport for one request inside this call: the call's signal, and a
   * timeout of what is left of the call (or `perRequestMs`, when that is shorter).
   */
  requestOptions(perRequestMs?: number): RequestOptions {
    this.throwIfAborted();
    const left = Math.max(1, this.remainingMs());
    return {
      signal: this.signal,
      timeoutMs: perRequestMs === undefined ? left : Math.min(left, perRequestMs),
    };
  }

  throwIfAborted(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }

  /**
   * Waits for `work` (which may be shared with other callers) but gives up when this scope
   * aborts: the work itself goes on, only this caller stops waiting.
   */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      work.catch(() => undefined);
      return Promise.reject(this.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.signal.reason);
      this.signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.onCallerAbort) this.caller?.removeEventListener('abort', this.onCallerAbort);
  }

  private abort(reason: 'aborted' | 'timeout', timeoutMs?: number): void {
    if (this.signal.aborted) return;
    const message =
      reason === 'timeout' ? `${this.label} timed out after ${timeoutMs} ms` : `${this.label} was aborted`;
    this.controller.abort(
      new FrappeNetworkError({ message, reason, code: reason === 'timeout' ? 'ETIMEDOUT' : 'ERR_CANCELED' }),
    );
    this.dispose();
  }
}
