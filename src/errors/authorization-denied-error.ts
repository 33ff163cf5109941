import { scrubAndTruncate } from '../redaction/redact';
import { SecretSet } from '../redaction/secret-set';
import { MAX_MESSAGE_LENGTH } from '../responses/limits';
import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';
import { MAX_ERROR_CODE_LENGTH } from './limits';

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
    const secrets = SecretSet.from(options.redact);
    super({
      ...options,
      redact: secrets,
      message: options.message ?? 'The user denied the authorization request',
    });
    // The callback's query is the other side's text: scrubbed and bounded like a server's.
    this.error =
      typeof options.error === 'string' && options.error
        ? scrubAndTruncate(options.error, secrets, MAX_ERROR_CODE_LENGTH)
        : 'access_denied';
    this.errorDescription =
      typeof options.errorDescription === 'string'
        ? scrubAndTruncate(options.errorDescription, secrets, MAX_MESSAGE_LENGTH)
        : undefined;
  }

  override toJSON(): FrappeErrorJson {
    return { ...super.toJSON(), error: this.error, errorDescription: this.errorDescription };
  }
}
