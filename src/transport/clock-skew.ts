/**
 * Estimates how far the Frappe server's clock is from ours, from the `Date` header of every
 * response. Token expiry is kept in server time, so a server whose clock runs ahead (or a test
 * that moves the emulator's clock) makes tokens count as expiring earlier, not later.
 */
export class ClockSkew {
  private offsetMs = 0;
  private lastHeader: string | undefined;
  private lastServerMs = Number.NaN;

  /** `Date` has one-second resolution: smaller differences are noise, not skew. */
  private static readonly DEADBAND_MS = 1500;

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
    this.offsetMs = Math.abs(estimate) < ClockSkew.DEADBAND_MS ? 0 : Math.round(estimate);
  }

  /** Milliseconds to add to local time to get the server's time. */
  get offset(): number {
    return this.offsetMs;
  }

  /** The server's time now, in epoch seconds (fractional). */
  serverNowSeconds(): number {
    return (this.localNow() + this.offsetMs) / 1000;
  }
}
