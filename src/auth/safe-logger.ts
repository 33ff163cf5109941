import type { FrappeLogger } from './lifecycle-options';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** Writes one line to the user's logger; a logger that throws (or rejects) cannot break a call. */
export type LogLine = (level: Level, message: string) => void;

export function safeLogger(logger: FrappeLogger): LogLine {
  return (level, message) => {
    try {
      const written = logger[level]?.call(logger, `[frappe-oauth-client] ${message}`) as unknown;
      // An async logger's rejection would otherwise be unhandled.
      if (written instanceof Promise) written.catch(() => undefined);
    } catch {
      // Nothing sensible to do: the line is lost, the call goes on.
    }
  };
}
