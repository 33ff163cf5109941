import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';

/**
 * Frappe did not accept the credentials: HTTP 401 (`AuthenticationError`, `SessionExpired`), and the 400
 * `InvalidAuthorizationHeader`/`Prefix`/`Token` errors for a malformed Authorization header.
 */
export class FrappeAuthenticationError extends FrappeError {
  static {
    defineErrorName(FrappeAuthenticationError, 'FrappeAuthenticationError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({
      ...options,
      status: options.status ?? 401,
      message: options.message ?? 'Frappe did not accept the credentials (authentication failed)',
    });
  }
}
