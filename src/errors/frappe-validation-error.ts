import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';

/**
 * Frappe refused the data: HTTP 417 and the `ValidationError` family (`MandatoryError`,
 * `LinkValidationError`, `DataError`, `UpdateAfterSubmitError`, …, and any unknown `exc_type`
 * answered with 417). `excType` names the exact class.
 */
export class FrappeValidationError extends FrappeError {
  static {
    defineErrorName(FrappeValidationError, 'FrappeValidationError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({
      ...options,
      status: options.status ?? 417,
      message: options.message ?? 'Frappe rejected the request (validation failed)',
    });
  }
}
