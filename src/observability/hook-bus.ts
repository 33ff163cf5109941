import type { LogLine } from './log-sink';

interface Subscription<E> {
  listener: (event: E) => unknown;
  /** Only events of this token key; undefined: every key (the client that made the others). */
  tokenKey: string | undefined;
  once: boolean;
}

/**
 * One kind of event (`token`, `request`, `retry`) of one client configuration. The client built
 * with `new` hears the events of every token key, so of its `withTokenKey` clients too; a
 * `withTokenKey` client hears its own key's. A listener that throws or rejects is contained: it
 * is logged and the call goes on. With no listener, `emit` is never reached (see `active`), so an
 * unheard event costs nothing to build.
 */
export class HookBus<E extends { tokenKey: string }> {
  private subscriptions: Subscription<E>[] = [];

  constructor(
    /** The event's name, for the log line of a listener that failed. */
    private readonly kind: string,
    private readonly log: LogLine,
  ) {}

  /** Whether anyone listens: callers skip building an event nobody hears. */
  get active(): boolean {
    return this.subscriptions.length > 0;
  }

  subscribe(listener: (event: E) => unknown, tokenKey: string | undefined, once = false): void {
    this.subscriptions = [...this.subscriptions, { listener, tokenKey, once }];
  }

  unsubscribe(listener: (event: E) => unknown, tokenKey: string | undefined): void {
    const index = this.subscriptions.findIndex(
      (subscription) => subscription.listener === listener && subscription.tokenKey === tokenKey,
    );
    if (index >= 0) this.subscriptions = this.subscriptions.filter((_, at) => at !== index);
  }

  emit(event: E): void {
    // Iterate a snapshot: listeners may subscribe or unsubscribe while being called.
    for (const subscription of this.subscriptions) {
      if (subscription.tokenKey !== undefined && subscription.tokenKey !== event.tokenKey) continue;
      if (subscription.once) this.unsubscribe(subscription.listener, subscription.tokenKey);
      const what = this.describe(event);
      try {
        const result = subscription.listener(event);
        if (result instanceof Promise) {
          result.catch(() => this.log('warn', `a ${this.kind} event listener rejected (${what}); ignored`));
        }
      } catch {
        this.log('warn', `a ${this.kind} event listener threw (${what}); ignored`);
      }
    }
  }

  private describe(event: E): string {
    const type = (event as { type?: unknown }).type;
    return typeof type === 'string' ? type : this.kind;
  }
}
