/**
 * Frappe's `@rate_limit` counters (frappe/rate_limiter.py): one counter per method and caller
 * identity, created on the first call with a fixed window and incremented on every call, counted
 * or refused. Times are server-clock milliseconds.
 */
export class RateLimitRegistry {
  private readonly windows = new Map<string, { count: number; endsAtMs: number }>();
  /** The `registrationRateLimit` option / control: false lets every call through uncounted. */
  enabled = true;

  /** Counts one call; true when it is over `limit` within the window of `seconds`. */
  hit(method: string, identity: string, limit: number, seconds: number, nowMs: number): boolean {
    if (!this.enabled) return false;
    const key = `${method}:${identity}`;
    let window = this.windows.get(key);
    if (!window || nowMs >= window.endsAtMs) {
      window = { count: 0, endsAtMs: nowMs + seconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > limit;
  }

  /** Forgets every counter (a test control). */
  reset(): void {
    this.windows.clear();
  }
}
