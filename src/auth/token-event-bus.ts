import type { LogLine } from './safe-logger';
import type { TokenEvent, TokenEventListener } from './token-events';

interface Subscription {
  listener: TokenEventListener;
  /** Only events of this token key; undefined: every key (the client that made the others). */
  tokenKey: string | undefined;
  once: boolean;
}

/**
 * Token events of one client configuration. The client built with `new` hears the events of
 * every token key, so of its `withTokenKey` clients too; a `withTokenKey` client hears its own
 * key's. A listener that throws or rejects is contained: it is logged and the call goes on.
 */
export class TokenEventBus {
  private subscriptions: Subscription[] = [];

  constructor(private readonly log: LogLine) {}

  subscribe(listener: TokenEventListener, tokenKey: string | undefined, once = false): void {
    this.subscriptions = [...this.subscriptions, { listener, tokenKey, once }];
  }

  unsubscribe(listener: TokenEventListener, tokenKey: string | undefined): void {
    const index = this.subscriptions.findIndex(
      (subscription) => subscription.listener === listener && subscription.tokenKey === tokenKey,
    );
    if (index >= 0) this.subscriptions = this.subscriptions.filter((_, at) => at !== index);
  }

  emit(event: TokenEvent): void {
    // Iterate a snapshot: listeners may subscribe or unsubscribe while being called.
    for (const subscription of this.subscriptions) {
      if (subscription.tokenKey !== undefined && subscription.tokenKey !== event.tokenKey) continue;
      if (subscription.once) this.unsubscribe(subscription.listener, subscription.tokenKey);
      try {
        const result = subscription.listener(event) as unknown;
        if (result instanceof Promise) {
          result.catch(() => this.log('warn', `a token event listener rejected (${event.type}); ignored`));
        }
      } catch {
        this.log('warn', `a token event listener threw (${event.type}); ignored`);
      }
    }
  }
}
