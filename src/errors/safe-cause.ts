import { scrubAndTruncate, scrubText } from '../redaction/redact';
import { SecretSet, type SecretSource } from '../redaction/secret-set';
import { FRAPPE_ERROR_BRAND } from './brand';
import { MAX_CAUSE_MESSAGE_LENGTH } from './limits';

/** How deep a chain of causes is copied; deeper causes are dropped. */
export const MAX_CAUSE_DEPTH = 4;

/** Stack frames kept from a foreign error (Node records 10 by default). */
const MAX_FRAMES = 50;
/** The part of a foreign stack read for frames. */
const MAX_STACK_LENGTH = 20_000;

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
 * SafeCause naming only its type (a thrown string may be anything, a token included). The secrets
 * are scrubbed from the message and frames; a name or code that held one is replaced.
 */
export function toSafeCause(cause: unknown, secretSource: SecretSource = [], depth = 0): Error | undefined {
  const secrets = SecretSet.from(secretSource);
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
  const codeText = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  return new SafeCause(
    typeof name === 'string' && /^[\w$.-]{1,100}$/.test(name) && secrets.scrub(name) === name
      ? name
      : 'Error',
    typeof message === 'string' ? scrubAndTruncate(message, secrets, MAX_CAUSE_MESSAGE_LENGTH) : '',
    /^[\w.-]{1,64}$/.test(codeText) && secrets.scrub(codeText) === codeText ? codeText : undefined,
    typeof stack === 'string' ? stackFrames(stack, secrets) : '',
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

/** Only the `    at …` lines, scrubbed: the first lines of a stack repeat the (unsafe) message. */
function stackFrames(stack: string, secrets: SecretSet): string {
  const frames = secrets
    .cut(stack, MAX_STACK_LENGTH)
    .text.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .join('\n');
  return scrubText(frames, secrets);
}

function safeRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
