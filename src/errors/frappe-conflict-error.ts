import { defineErrorName } from './brand';
import type { FrappeErrorOptions } from './frappe-error';
import { FrappeValidationError } from './frappe-validation-error';

/**
 * Someone changed the document since you read it (`TimestampMismatchError`, a 417). Frappe makes it a
 * ValidationError, so this extends {@link FrappeValidationError}: `instanceof FrappeValidationError`
 * still holds for code that handles all validation failures alike.
 */
export class FrappeConflictError extends FrappeValidationError {
  static {
    defineErrorName(FrappeConflictError, 'FrappeConflictError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({
      ...options,
      status: options.status ?? 417,
      excType: options.excType ?? 'TimestampMismatchError',
      message: options.message ?? 'The document was modified after it was read',
    });
  }
}
