import type { HeaderSource } from '../responses/headers';
import { rateLimitFrom } from '../responses/rate-limit-headers';

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
 * responses (one gauge per request executor, fed by every request it sends). Paced requests ask
 * it first, so bulk calls pause at the end of a window instead of running into 429s.
 *
 * Frappe counts a request's server time after it ran, reports `Remaining` as it stood when the
 * request started, and admits a request while its counter is not over the limit. So once the
 * request that reported `Remaining`, every request sent since, and every earlier one still in
 * flight have been counted, the window is left with about `Remaining - cost × (1 + those)`; one
 * more request fits while that is not negative. The cost of one request is the drop in `Remaining`
 * between two answers of the same window, per request sent in between; until known, a tenth of
 * the budget.
 */
export class RateLimitGauge {
  private window: Window | undefined;
  private costMicros: number | undefined;
  /** Requests begun, numbered in the order they go. */
  private sent = 0;
  /** Requests begun and not answered yet, by sequence number. */
  private readonly inFlight = new Set<number>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A request is about to be sent: its sequence number, for `observe`. Call it in the same tick
   * as `waitMs` said 0, so that callers running at once see each other's requests.
   */
  begin(): number {
    this.sent += 1;
    this.inFlight.add(this.sent);
    return this.sent;
  }

  /** Request `sequence` ended without an answer to read (a network failure, an abort). */
  end(sequence: number): void {
    this.inFlight.delete(sequence);
  }

  /** Takes the window from the headers of request `sequence`'s answer; none there changes nothing. */
  observe(headers: HeaderSource | undefined, sequence: number): void {
    this.inFlight.delete(sequence);
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
        const drop = current.remainingMicros - reported.remainingMicros;
        const between = sequence - current.reportedBy;
        // Two requests in a row show one request's cost; further apart, a request sent in between
        // may reach the site after the later one, so the average is only a floor.
        this.costMicros = between === 1 ? drop : Math.max(this.costMicros ?? 0, drop / Math.max(1, between));
        current.remainingMicros = reported.remainingMicros;
        current.reportedBy = sequence;
      }
      return;
    }
    // An answer to a request older than the window's report says nothing newer.
    if (current && sequence < current.reportedBy && endsAt < current.endsAt) return;
    this.window = {
      limitMicros: reported.limitMicros,
      endsAt,
      remainingMicros: reported.remainingMicros,
      reportedBy: sequence,
    };
  }

  /** How long the next request should wait for the window to reset: 0 while it fits. */
  waitMs(): number {
    const window = this.window;
    if (!window) return 0;
    const untilReset = window.endsAt - this.now();
    if (untilReset <= 0) return 0;
    const cost = this.costMicros ?? window.limitMicros * FIRST_GUESS_SHARE;
    // Not in `Remaining` yet: the requests sent after the reporting one, and those sent before it
    // still unanswered (they may have reached the site after it).
    let uncounted = this.sent - window.reportedBy;
    for (const sequence of this.inFlight) if (sequence < window.reportedBy) uncounted += 1;
    return window.remainingMicros - cost * (1 + uncounted) >= 0 ? 0 : untilReset;
  }
}
