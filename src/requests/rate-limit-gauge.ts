import { type HeaderSource, rateLimitFrom } from '../errors';

/** Below this share of the window's budget the next request waits, until a request's cost is known. */
const LOW_SHARE = 0.1;

interface Observation {
  readonly window: { limitMicros: number; remainingMicros: number; resetSeconds: number };
  /** When the window ends, in ms on the gauge's clock (observed + reset seconds). */
  readonly endsAt: number;
}

/**
 * What the client knows of Frappe's rate-limit window, from the `X-RateLimit-*` headers of its
 * responses (one gauge per client family, fed by every request it sends). Bulk calls ask it before
 * each request how long to wait, so they pause at the end of a window instead of running into
 * 429s.
 *
 * Frappe counts a request's server time after it ran, and reports `Remaining` as it stood when the
 * request started. So the window has room for the next request while `Remaining` is at least what
 * the last request cost: the drop in `Remaining` between two responses of the same window. Until
 * that drop is known, a tenth of the budget is the margin.
 */
export class RateLimitGauge {
  private last: Observation | undefined;
  private costMicros: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes the window from a response's headers; responses without them change nothing. */
  observe(headers: HeaderSource | undefined): void {
    const window = rateLimitFrom(headers);
    if (
      window?.limitMicros === undefined ||
      window.remainingMicros === undefined ||
      window.resetSeconds === undefined
    ) {
      return;
    }
    const observation: Observation = {
      window: {
        limitMicros: window.limitMicros,
        remainingMicros: window.remainingMicros,
        resetSeconds: window.resetSeconds,
      },
      endsAt: this.now() + window.resetSeconds * 1000,
    };
    const previous = this.last;
    // The same window (its end within a second, Reset being whole seconds) and less left: that
    // difference is what the requests in between cost.
    if (
      previous &&
      Math.abs(previous.endsAt - observation.endsAt) < 1000 &&
      window.remainingMicros < previous.window.remainingMicros
    ) {
      this.costMicros = previous.window.remainingMicros - window.remainingMicros;
    }
    this.last = observation;
  }

  /** How long the next request should wait for the window to reset: 0 while there is room. */
  waitMs(): number {
    const last = this.last;
    if (!last) return 0;
    const untilReset = last.endsAt - this.now();
    if (untilReset <= 0) return 0;
    const margin = this.costMicros ?? last.window.limitMicros * LOW_SHARE;
    return last.window.remainingMicros < margin ? untilReset : 0;
  }
}
