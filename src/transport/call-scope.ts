import { FrappeNetworkError } from '../errors';
import type { CancelSignal, RequestOptions, SendOptions } from './transport';

/**
 * One public call's deadline and cancellation: started when the call starts, it bounds everything
 * the call waits for (store, token, each attempt, each retry wait). It aborts when the caller's
 * signal aborts or the deadline passes, always with a `FrappeNetworkError` as reason (`aborted` or
 * `timeout`), so nothing below it ever sees a raw DOMException.
 *
 * The scope is itself the cancel signal handed to the transport: a real AbortSignal (`signal`)
 * is made only when something needs one (a retry wait, an engine that takes only AbortSignal), so
 * the common one-request call builds no AbortController.
 *
 * The deadline timer is ref'd on purpose: the user awaits this call, so Node must stay alive until
 * it settles. `dispose()` clears it.
 */
export class CallScope implements CancelSignal {
  readonly deadline: number;
  private abortReason: FrappeNetworkError | undefined;
  private listeners: Array<() => void> | undefined;
  private controller: AbortController | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort: (() => void) | undefined;
  private readonly caller: AbortSignal | undefined;

  constructor(
    /** What the call is, for the messages of its errors (a function: built only if needed). */
    private readonly label: string | (() => string),
    options: RequestOptions,
    defaultTimeoutMs: number,
    { background = false }: { background?: boolean } = {},
  ) {
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

  get aborted(): boolean {
    return this.abortReason !== undefined;
  }

  /** Why the scope ended: a FrappeNetworkError (`timeout` or `aborted`), or undefined. */
  get reason(): FrappeNetworkError | undefined {
    return this.abortReason;
  }

  /** A real AbortSignal that aborts with the scope (made on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  asAbortSignal(): AbortSignal {
    return this.signal;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.abortReason) return;
    if (!this.listeners) this.listeners = [];
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.listeners?.indexOf(listener) ?? -1;
    if (index >= 0) this.listeners?.splice(index, 1);
  }

  /** Milliseconds left before the deadline (0 once it passed). */
  remainingMs(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  /**
   * What to pass to the transport for one request inside this call: this scope as its signal,
   * and a timeout of what is left of the call (or `perRequestMs`, when that is shorter).
   */
  requestOptions(perRequestMs?: number): SendOptions {
    this.throwIfAborted();
    const left = Math.max(1, this.remainingMs());
    if (perRequestMs !== undefined && perRequestMs < left) return { signal: this, timeoutMs: perRequestMs };
    // The scope's own deadline is the bound: this signal aborts then.
    return { signal: this, timeoutMs: left, deadlineBySignal: true };
  }

  throwIfAborted(): void {
    if (this.abortReason) throw this.abortReason;
  }

  /**
   * Waits for `work` (which may be shared with other callers) but gives up when this scope
   * aborts: the work itself goes on, only this caller stops waiting.
   */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.abortReason) {
      work.catch(() => undefined);
      return Promise.reject(this.abortReason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.abortReason);
      this.addEventListener('abort', onAbort);
      work.then(
        (value) => {
          this.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.removeEventListener('abort', onAbort);
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
    if (this.abortReason) return;
    const label = typeof this.label === 'function' ? this.label() : this.label;
    const message =
      reason === 'timeout' ? `${label} timed out after ${timeoutMs} ms` : `${label} was aborted`;
    this.abortReason = new FrappeNetworkError({
      message,
      reason,
      code: reason === 'timeout' ? 'ETIMEDOUT' : 'ERR_CANCELED',
    });
    this.dispose();
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    for (const listener of listeners) listener();
    this.controller?.abort(this.abortReason);
  }
}
