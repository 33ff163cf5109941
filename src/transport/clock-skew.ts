/**
 * Estimates how far the Frappe server's clock is from ours, from the `Date` header of every
 * response. Token expiry is kept in server time, so a server whose clock runs ahead (or a test
 * that moves the emulator's clock) makes tokens count as expiring earlier, not later.
 *
 * One header is not believed on its own: a cache or CDN replaying a stored answer, a proxy with a
 * wrong clock, or a pool of servers of which one is off would otherwise move every token's expiry
 * with each answer — a `Date` two hours ahead on every other response would make each token look
 * expired and refresh it on every call. The offset moves only when the last few responses agree
 * with each other, and then to the median of the recent samples that agree with them: a stray or
 * alternating header moves nothing, while a real, lasting change (every sample moves) is followed
 * after {@link ClockSkew.AGREEING} responses. Until that many responses agree, the offset is 0
 * (our own clock).
 */
export class ClockSkew {
  private offsetMs = 0;
  /** The last {@link ClockSkew.WINDOW} estimates, oldest first. */
  private readonly samples: number[] = [];
  private lastHeader: string | undefined;
  private lastServerMs = Number.NaN;

  /** `Date` has one-second resolution: smaller differences are noise, not skew. */
  private static readonly DEADBAND_MS = 1500;
  /** How many recent estimates the offset is taken from. */
  static readonly WINDOW = 15;
  /** How many of the most recent estimates must agree before the offset moves. */
  static readonly AGREEING = 5;
  /**
   * How close estimates must be to agree: the header's one-second truncation (±500 ms around the
   * midpoint) plus the uneven split of a round trip of up to a few seconds.
   */
  private static readonly AGREEMENT_MS = 2000;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** Feeds one response: `sentAt` and `receivedAt` are local milliseconds around the exchange. */
  observe(dateHeader: string | undefined, sentAt: number, receivedAt: number): void {
    if (!dateHeader) return;
    // Many answers share one Date value (it has one-second resolution): parse each value once.
    if (dateHeader !== this.lastHeader) {
      this.lastHeader = dateHeader;
      this.lastServerMs = Date.parse(dateHeader);
    }
    const serverMs = this.lastServerMs;
    if (Number.isNaN(serverMs)) return;
    // The header is truncated to the second: its midpoint is the best guess of the server's time.
    const estimate = serverMs + 500 - (sentAt + receivedAt) / 2;
    if (!Number.isFinite(estimate)) return;
    this.samples.push(estimate);
    if (this.samples.length > ClockSkew.WINDOW) this.samples.shift();
    this.update();
  }

  /** Milliseconds to add to local time to get the server's time. */
  get offset(): number {
    return this.offsetMs;
  }

  /** The server's time now, in epoch seconds (fractional). */
  serverNowSeconds(): number {
    return (this.localNow() + this.offsetMs) / 1000;
  }

  private update(): void {
    if (this.samples.length < ClockSkew.AGREEING) return;
    const recent = this.samples.slice(-ClockSkew.AGREEING);
    const center = median(recent);
    const agrees = (sample: number) => Math.abs(sample - center) <= ClockSkew.AGREEMENT_MS;
    if (!recent.every(agrees)) return;
    // The window's agreeing samples, not just the last few, for a steadier value.
    const estimate = median(this.samples.filter(agrees));
    this.offsetMs = Math.abs(estimate) < ClockSkew.DEADBAND_MS ? 0 : Math.round(estimate);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
