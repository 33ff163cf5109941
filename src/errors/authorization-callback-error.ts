import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';

/**
 * The authorization callback cannot be accepted: it does not parse, carries no code, its state
 * matches no pending authorization (expired, used, or forged: CSRF), or its id_token fails
 * verification. Nothing is stored; start a new authorization.
 */
export class AuthorizationCallbackError extends FrappeError {
  static {
    defineErrorName(AuthorizationCallbackError, 'AuthorizationCallbackError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({ ...options, message: options.message ?? 'The authorization callback was rejected' });
  }
}
