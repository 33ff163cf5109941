import { HookBus } from '../observability/hook-bus';
import type { LogLine } from './safe-logger';
import type { TokenEvent } from './token-events';

/**
 * Token events of one client configuration (see HookBus): the client built with `new` hears every
 * token key's, a `withTokenKey` client its own key's; a listener that throws or rejects is logged
 * and ignored.
 */
export class TokenEventBus extends HookBus<TokenEvent> {
  constructor(log: LogLine) {
    super('token', log);
  }
}
