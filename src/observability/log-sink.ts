import { SecretSet } from '../redaction/secret-set';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The facts of one log line, as a structured logger keeps them: flat, short, never a secret. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/**
 * Receives redacted log lines only; any of the four methods may be omitted. Each method is called
 * with the line's text and, except for `console`, an object of its fields (`event`, `method`,
 * `route`, `status`, `durationMs`, …), which winston and most loggers merge into the record. pino
 * is recognised and called the way it wants, fields first: `logger.info(fields, message)`.
 */
export interface FrappeLogger {
  debug?(message: string, fields?: LogFields): void;
  info?(message: string, fields?: LogFields): void;
  warn?(message: string, fields?: LogFields): void;
  error?(message: string, fields?: LogFields): void;
}

/** Writes one line; a logger that throws (or rejects) cannot break a call. */
export type LogLine = (level: LogLevel, message: string, fields?: LogFields) => void;

const PREFIX = '[frappe-oauth-client]';

/** pino marks its loggers (and their children) with this registered symbol. */
const PINO_MARK = Symbol.for('pino.serializers');

/** A field value is cut to this: a line is for reading, not for carrying a body. */
const MAX_FIELD_LENGTH = 500;
const MAX_MESSAGE_LENGTH = 2000;

type Style = 'text' | 'text-and-fields' | 'fields-first';

/**
 * The one way a line reaches the user's logger. Every line — its text and each field — is scrubbed
 * of every secret the client holds now (`secrets`, the same set errors are scrubbed with), in the
 * forms a server may echo it in, before the logger sees it. A level the logger does not have, or
 * has turned off (`isLevelEnabled`, as pino and winston offer), costs nothing.
 */
export function createLogSink(
  logger: FrappeLogger,
  secrets: () => SecretSet = () => SecretSet.NONE,
): LogLine {
  const style = styleOf(logger);
  const levelCheck = (logger as { isLevelEnabled?: unknown }).isLevelEnabled;
  return (level, message, fields) => {
    try {
      const write = logger[level] as ((...args: unknown[]) => unknown) | undefined;
      if (typeof write !== 'function') return;
      if (typeof levelCheck === 'function' && levelCheck.call(logger, level) === false) return;
      const set = secrets();
      const text = `${PREFIX} ${set.truncate(message, MAX_MESSAGE_LENGTH)}`;
      let written: unknown;
      if (style === 'text' || fields === undefined) {
        written = write.call(logger, text);
      } else {
        const clean = cleanFields(fields, set);
        written =
          style === 'fields-first' ? write.call(logger, clean, text) : write.call(logger, text, clean);
      }
      // An async logger's rejection would otherwise be unhandled.
      if (written instanceof Promise) written.catch(() => undefined);
    } catch {
      // Nothing sensible to do: the line is lost, the call goes on.
    }
  };
}

function styleOf(logger: FrappeLogger): Style {
  // The console prints an object after the text in full: the text already says it all.
  if (logger === globalThis.console) return 'text';
  if (PINO_MARK in (logger as object)) return 'fields-first';
  return 'text-and-fields';
}

function cleanFields(fields: LogFields, secrets: SecretSet): Record<string, string | number | boolean> {
  const clean: Record<string, string | number | boolean> = { library: 'frappe-oauth-client' };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    clean[key] = typeof value === 'string' ? secrets.truncate(value, MAX_FIELD_LENGTH) : value;
  }
  return clean;
}
