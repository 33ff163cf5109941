/**
 * Who may refresh a stored token right now. A refresh holds the lease for its store key while it
 * reads the store, asks the token endpoint and writes the new pair; whoever waits for the lease
 * re-reads the store once it has it, and finds the winner's pair there instead of refreshing again.
 */
export interface RefreshLock {
  /**
   * Resolves once the caller holds the lease for `key`. `ttlMs` bounds how long it may be held (a
   * lease must end by itself, even if its holder never releases it); `signal` gives up waiting.
   */
  acquire(key: string, options: { ttlMs: number; signal?: AbortSignal }): Promise<RefreshLease>;
}

export interface RefreshLease {
  release(): Promise<void>;
}

/**
 * The default lock: in this process only. One instance serves every client of the process that
 * uses the same store (see `inProcessLockFor`), so two clients built from the same options do not
 * refresh the same token twice.
 */
export class InProcessRefreshLock implements RefreshLock {
  /** Store key → the tail of the queue of holders and waiters. */
  private readonly tails = new Map<string, Promise<void>>();

  acquire(key: string, { ttlMs, signal }: { ttlMs: number; signal?: AbortSignal }): Promise<RefreshLease> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    // Forget the queue once its last member is done (not before: later arrivals must wait for it).
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    const expiry = setTimeout(() => release(), ttlMs);
    // The lease's own expiry is bookkeeping, never a reason for Node to stay alive.
    expiry.unref();
    let released = false;
    const lease: RefreshLease = {
      release: async () => {
        if (released) return;
        released = true;
        clearTimeout(expiry);
        release();
      },
    };
    return new Promise<RefreshLease>((resolve, reject) => {
      const onAbort = () => {
        // Give up our place; whoever queued behind us still waits for the holder before us.
        void lease.release();
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      previous.then(() => {
        signal?.removeEventListener('abort', onAbort);
        if (released) return;
        resolve(lease);
      });
    });
  }
}

const locksByStore = new WeakMap<object, InProcessRefreshLock>();

/** The in-process lock shared by every client of this process that uses `store`. */
export function inProcessLockFor(store: object): InProcessRefreshLock {
  let lock = locksByStore.get(store);
  if (!lock) {
    lock = new InProcessRefreshLock();
    locksByStore.set(store, lock);
  }
  return lock;
}
