import { type HeaderSource, rateLimitFrom } from '../errors';

/** A request's cost, as a share of the window's budget, until two answers have shown it. */
const FIRST_GUESS_SHARE = 0.1;

interface Window {
  readonly limitMicros: number;
  /** When the window ends, in ms on the gauge's clock (observed + reset seconds). */
  readonly endsAt: number;
  /** The lowest `Remaining` reported in this window (the site's counter only grows)… */
  remainingMicros: number;
  /** …and the sequence number of the request that reported it. */
  reportedBy: number;
}

/**
 * What the client knows of Frappe's rate-limit window, from the `X-RateLimit-*` headers of its
 * responses (one gauge per request executor, fed by every request it sends). Bulk calls ask it
 * before each request, so they pause at the end of a window instead of running into 429s.
 *
 * Frappe counts a request's server time after it ran, reports `Remaining` as it stood when the
 * request started, and admits a request while its counter is not over the limit. So after the
 * request that reported `Remaining`, and every request sent since (answered or still in flight),
 * have been counted, the window is left with about `Remaining - cost × (1 + sent since)`; the next
 * request fits while that is not negative. The cost of one request is the drop in `Remaining`
 * between two answers of the same window, per request sent in between; until known, a tenth of
 * the budget.
 */
export class RateLimitGauge {
  private window: Window | undefined;
  private costMicros: number | undefined;
  /** Requests begun (or promised by `reserve`), numbered in the order they go. */
  private sent = 0;
  /** Requests `reserve` let through that have not begun yet. */
  private reserved = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A request is about to be sent: its sequence number, for `observe`. */
  begin(): number {
    if (this.reserved > 0) {
      // Counted already when `reserve` let a bulk call's request through.
      this.reserved -= 1;
      return this.sent;
    }
    this.sent += 1;
    return this.sent;
  }

  /** Takes the window from the headers of request `sequence`'s answer; none there changes nothing. */
  observe(headers: HeaderSource | undefined, sequence: number = this.sent): void {
    const reported = rateLimitFrom(headers);
    if (
      reported?.limitMicros === undefined ||
      reported.remainingMicros === undefined ||
      reported.resetSeconds === undefined
    ) {
      return;
    }
    const endsAt = this.now() + reported.resetSeconds * 1000;
    const current = this.window;
    // The same window: its end within a second of the known one (Reset is in whole seconds).
    if (current && Math.abs(current.endsAt - endsAt) < 1000) {
      if (reported.remainingMicros < current.remainingMicros) {
        const between = Math.max(1, sequence - current.reportedBy);
        this.costMicros = (current.remainingMicros - reported.remainingMicros) / between;
        current.remainingMicros = reported.remainingMicros;
        current.reportedBy = sequence;
      }
      return;
    }
    this.window = {
      limitMicros: reported.limitMicros,
      endsAt,
      remainingMicros: reported.remainingMicros,
      reportedBy: sequence,
    };
  }

  /**
   * Asks to send one more request of a bulk call: 0 when it fits the window (and it is counted as
   * sent from now on), else how many ms until the window resets.
   */
  reserve(): number {
    const wait = this.waitMs();
    if (wait === 0) {
      this.sent += 1;
      this.reserved += 1;
    }
    return wait;
  }

  private waitMs(): number {
    const window = this.window;
    if (!window) return 0;
    const untilReset = window.endsAt - this.now();
    if (untilReset <= 0) return 0;
    const cost = this.costMicros ?? window.limitMicros * FIRST_GUESS_SHARE;
    const sentSince = this.sent - window.reportedBy;
    return window.remainingMicros - cost * (1 + sentSince) >= 0 ? 0 : untilReset;
  }
}
