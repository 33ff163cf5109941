/**
 * At most one run per key at a time in this process: callers that arrive while a run is in
 * flight share its result instead of starting another (one refresh for 100 concurrent callers).
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const started = (async () => {
      try {
        return await work();
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, started);
    return started;
  }

  isRunning(key: string): boolean {
    return this.inFlight.has(key);
  }
}
