import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';

/**
 * The document, doctype or route does not exist: HTTP 404 (`DoesNotExistError`,
 * `PageDoesNotExistError`). An unknown *method* is a 417 validation error on Frappe, not this.
 */
export class FrappeNotFoundError extends FrappeError {
  static {
    defineErrorName(FrappeNotFoundError, 'FrappeNotFoundError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({ ...options, status: options.status ?? 404, message: options.message ?? 'Not found' });
  }
}
