import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';

/**
 * The user may not do this: HTTP 403 (`PermissionError`). Before v15 an expired token also looks like
 * this (frappe-reference.md §5); newer sites mask a missing document the user cannot read as 403.
 */
export class FrappePermissionError extends FrappeError {
  static {
    defineErrorName(FrappePermissionError, 'FrappePermissionError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({ ...options, status: options.status ?? 403, message: options.message ?? 'Not permitted' });
  }
}
