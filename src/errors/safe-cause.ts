import { FRAPPE_ERROR_BRAND } from './brand';
import { scrubText } from './redact';

/** How deep a chain of causes is copied; deeper causes are dropped. */
const MAX_CAUSE_DEPTH = 4;

/**
 * A copy of a foreign error that keeps only what is safe to log: its name, a scrubbed message, a
 * short `code` (e.g. `ECONNRESET`), the stack frames and a likewise copied cause. Everything else —
 * an axios error's request config and headers, a Redis error's command arguments — is left behind.
 */
export class SafeCause extends Error {
  readonly code: string | undefined;

  constructor(name: string, message: string, code: string | undefined, frames: string, cause: unknown) {
    super(message);
    Object.defineProperty(this, 'name', {
      value: name,
      writable: true,
      enumerable: false,
      configurable: true,
    });
    this.code = code;
    Object.defineProperty(this, 'stack', {
      value: `${name}: ${message}${frames ? `\n${frames}` : ''}`,
      writable: true,
      enumerable: false,
      configurable: true,
    });
    if (cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: cause,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
  }
}

/**
 * The cause to attach to a FrappeError: FrappeErrors are kept as they are (they are safe by
 * construction); any other error is replaced by a {@link SafeCause}; a non-error value becomes a
 * SafeCause naming only its type (a thrown string may be anything, a token included).
 */
export function toSafeCause(cause: unknown, secrets: readonly string[] = [], depth = 0): Error | undefined {
  if (cause === undefined || cause === null || depth > MAX_CAUSE_DEPTH) return undefined;
  if (isBranded(cause)) return cause as Error;
  if (!isErrorLike(cause)) {
    return new SafeCause('Error', `A non-Error value (${typeof cause}) was thrown`, undefined, '', undefined);
  }
  const name = safeRead(() => cause.name);
  const message = safeRead(() => cause.message);
  const code = safeRead(() => (cause as { code?: unknown }).code);
  const stack = safeRead(() => cause.stack);
  const inner = safeRead(() => (cause as { cause?: unknown }).cause);
  return new SafeCause(
    typeof name === 'string' && /^[\w$.-]{1,100}$/.test(name) ? name : 'Error',
    typeof message === 'string' ? scrubText(message, secrets).slice(0, 1000) : '',
    (typeof code === 'string' || typeof code === 'number') && /^[\w.-]{1,64}$/.test(String(code))
      ? String(code)
      : undefined,
    typeof stack === 'string' ? stackFrames(stack) : '',
    toSafeCause(inner, secrets, depth + 1),
  );
}

function isBranded(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    safeRead(() => (value as never)[FRAPPE_ERROR_BRAND]) === true
  );
}

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value);
}

/** Only the `    at …` lines: the first lines of a stack repeat the (unsafe) message. */
function stackFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

function safeRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
