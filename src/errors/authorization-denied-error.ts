import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';

export interface AuthorizationDeniedErrorOptions extends FrappeErrorOptions {
  /** The OAuth `error` of the callback; `access_denied` by default. */
  error?: string;
  /** The callback's `error_description`, if any. */
  errorDescription?: string;
}

/** The user refused the authorization (clicked Deny): the callback carried `error=access_denied`. */
export class AuthorizationDeniedError extends FrappeError {
  static {
    defineErrorName(AuthorizationDeniedError, 'AuthorizationDeniedError');
  }

  readonly error: string;
  readonly errorDescription: string | undefined;

  constructor(options: AuthorizationDeniedErrorOptions = {}) {
    super({ ...options, message: options.message ?? 'The user denied the authorization request' });
    this.error = options.error ?? 'access_denied';
    this.errorDescription = options.errorDescription;
  }

  override toJSON(): FrappeErrorJson {
    return { ...super.toJSON(), error: this.error, errorDescription: this.errorDescription };
  }
}
