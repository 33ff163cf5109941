/**
 * The emulated server's clock. Tests move it with `advanceClock`; everything the server decides
 * about time (token expiry, `modified`, the `Date` header) reads it, so a client can observe the
 * offset exactly as it would observe a real server whose clock is off.
 */
export class ServerClock {
  private offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  nowMs(): number {
    return this.realNow() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new TypeError('advanceClock(seconds) needs a finite number');
    this.offsetMs += seconds * 1000;
  }
}

/**
 * Frappe's datetime string, `YYYY-MM-DD HH:MM:SS.ffffff`, naive, in the system zone (UTC here).
 * Milliseconds are padded to microseconds; `sequence` breaks ties so two saves in one millisecond
 * still get distinct `modified` values, as MariaDB's microsecond timestamps practically do.
 */
export function frappeDatetime(ms: number, sequence = 0): string {
  const iso = new Date(ms).toISOString(); // 2024-01-31T10:00:00.123Z
  const micros = String(sequence % 1000).padStart(3, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${micros}`;
}
