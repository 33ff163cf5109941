import type { LogLine } from './safe-logger';
import type { KeyvLike } from './token-store';

interface ErrorSwitches {
  throwOnErrors?: unknown;
  throwOnConnectError?: unknown;
}

/**
 * Makes a Keyv (and its adapter, such as `@keyv/redis`) throw on failures instead of answering
 * `undefined`: by default both swallow errors, so a Redis outage would read as "no token stored"
 * and send a person to sign in again. The SDK switches them on rather than only warning, because
 * the silent mode is never what a token store wants; it logs once that it did, with the options to
 * set to say so in your own code. Objects without these switches are left alone.
 */
export function makeStoreThrow(store: KeyvLike, log: LogLine): void {
  const switched: string[] = [];
  const keyv = store as KeyvLike & ErrorSwitches & { store?: unknown };
  if (keyv.throwOnErrors === false) {
    keyv.throwOnErrors = true;
    switched.push('Keyv throwOnErrors');
  }
  const adapter = keyv.store as ErrorSwitches | undefined;
  if (adapter && typeof adapter === 'object' && adapter !== (store as unknown)) {
    for (const name of ['throwOnErrors', 'throwOnConnectError'] as const) {
      if (adapter[name] === false) {
        adapter[name] = true;
        switched.push(`adapter ${name}`);
      }
    }
  }
  if (switched.length > 0) {
    log(
      'info',
      `the token store swallowed errors; switched on ${switched.join(', ')} so a store outage is a TokenStoreError, not "no token" (pass these options yourself to silence this line)`,
    );
  }
}
