import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';

/**
 * A method was called with an argument it cannot use (an empty name, a non-JSON token string, …).
 * Thrown before any request is sent.
 */
export class FrappeInputError extends FrappeError {
  static {
    defineErrorName(FrappeInputError, 'FrappeInputError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({ ...options, message: options.message ?? 'Invalid argument' });
  }
}
