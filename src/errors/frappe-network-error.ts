import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';

/**
 * Why no (usable) response arrived: the call's deadline passed, the connection failed (refused,
 * reset, DNS, TLS), the caller aborted it, the response exceeded `maxResponseBytes` (`too_large`:
 * the connection is closed and the request is not retried), or something else.
 */
export type NetworkFailureReason = 'timeout' | 'connection' | 'aborted' | 'too_large' | 'unknown';

export interface FrappeNetworkErrorOptions extends FrappeErrorOptions {
  reason?: NetworkFailureReason;
  /** The system or library error code, e.g. `ECONNREFUSED`, `ETIMEDOUT`, `ERR_CANCELED`. */
  code?: string;
}

/** No response from Frappe: the request failed before an HTTP status arrived. `status` is undefined. */
export class FrappeNetworkError extends FrappeError {
  static {
    defineErrorName(FrappeNetworkError, 'FrappeNetworkError');
  }

  readonly reason: NetworkFailureReason;
  /** The system or library error code, e.g. `ECONNRESET`, if one was given. */
  readonly code: string | undefined;

  constructor(options: FrappeNetworkErrorOptions = {}) {
    super({ ...options, status: undefined, message: options.message ?? 'No response from Frappe' });
    this.reason = options.reason ?? 'unknown';
    this.code =
      typeof options.code === 'string' && /^[\w.-]{1,64}$/.test(options.code) ? options.code : undefined;
  }

  override toJSON(): FrappeErrorJson {
    return { ...super.toJSON(), reason: this.reason, code: this.code };
  }
}
