import type { LogLine } from './log-sink';

/** Where a long operation (`iterateList`, `insertMany`) stands. */
export interface FrappeProgress {
  /** Rows handed to you (`iterateList`) or documents inserted (`insertMany`) so far. */
  done: number;
  /**
   * How many there are in all, when it is cheaply known: the number of documents given to
   * `insertMany`; for `iterateList`, the site's count of matching rows when the run started (rows
   * modified during the run may come again, so `done` can pass it). Undefined when unknown.
   */
  total?: number;
  /** `done` per second since the operation started (0 at the start). */
  ratePerSecond: number;
  /** Milliseconds since the operation started. */
  elapsedMs: number;
}

export type ProgressListener = (progress: FrappeProgress) => void;

/**
 * Calls an `onProgress` callback. It is observation only: a callback that throws or rejects is
 * logged (once) and ignored, so a progress bar cannot stop a sync half-way.
 */
export class ProgressReporter {
  private readonly startedAt = performance.now();
  private complained = false;

  constructor(
    private readonly listener: ProgressListener,
    private readonly log: LogLine,
    private readonly what: string,
    public total: number | undefined = undefined,
  ) {}

  report(done: number): void {
    const elapsedMs = Math.max(0, performance.now() - this.startedAt);
    const progress: FrappeProgress = {
      done,
      ratePerSecond: elapsedMs > 0 ? Math.round((done / elapsedMs) * 1000 * 10) / 10 : 0,
      elapsedMs: Math.round(elapsedMs),
    };
    if (this.total !== undefined) progress.total = this.total;
    try {
      const result = this.listener(progress) as unknown;
      if (result instanceof Promise) result.catch(() => this.complain('rejected'));
    } catch {
      this.complain('threw');
    }
  }

  private complain(how: string): void {
    if (this.complained) return;
    this.complained = true;
    this.log('warn', `the onProgress callback of ${this.what} ${how}; ignored`);
  }
}

/** Checks an `onProgress` option: a function or nothing. */
export function isProgressListener(value: unknown): value is ProgressListener {
  return typeof value === 'function';
}
