import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';

/**
 * A document with this name already exists: HTTP 409 (`DuplicateEntryError`, `NameError`).
 */
export class FrappeDuplicateEntryError extends FrappeError {
  static {
    defineErrorName(FrappeDuplicateEntryError, 'FrappeDuplicateEntryError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({ ...options, status: options.status ?? 409, message: options.message ?? 'Duplicate entry' });
  }
}
