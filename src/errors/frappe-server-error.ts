import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';
import { validSeconds } from './frappe-rate-limit-error';

export interface FrappeServerErrorOptions extends FrappeErrorOptions {
  /** How long the server asked to wait (`Retry-After` on a 503), in seconds. */
  retryAfterSeconds?: number;
}

/**
 * The server failed: any 5xx — a Python error in Frappe (500), a proxy's 502/504, maintenance or
 * read-only mode (503 `SessionStopped`/`InReadOnlyMode`) — and an OAuth-shaped error answered
 * with a 5xx status.
 */
export class FrappeServerError extends FrappeError {
  static {
    defineErrorName(FrappeServerError, 'FrappeServerError');
  }

  /** Seconds to wait before trying again, when the server sent `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: FrappeServerErrorOptions = {}) {
    super({ ...options, status: options.status ?? 500, message: options.message ?? 'Frappe server error' });
    this.retryAfterSeconds = validSeconds(options.retryAfterSeconds);
  }

  override toJSON(): FrappeErrorJson {
    return { ...super.toJSON(), retryAfterSeconds: this.retryAfterSeconds };
  }
}
