import { scrubAndTruncate } from '../redaction/redact';
import { SecretSet } from '../redaction/secret-set';
import { MAX_MESSAGE_LENGTH } from '../responses/limits';
import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';
import { MAX_ERROR_CODE_LENGTH } from './limits';

export interface FrappeOAuthErrorOptions extends FrappeErrorOptions {
  /** The OAuth error code, e.g. `invalid_grant`, `invalid_client`, `invalid_token`. */
  error: string;
  /** `error_description` (RFC 6749) or `description` (Frappe's own shape). */
  errorDescription?: string;
  /** `error_uri`, if sent. */
  errorUri?: string;
}

/**
 * An OAuth error from Frappe's OAuth endpoints: the RFC 6749 shape `{error, error_description}`
 * (the token endpoint answers it with 400, even for `invalid_client`) or Frappe's
 * `{description, status_code, error}` (authorize, openid_profile). `status` is the HTTP status.
 * `error`, `errorDescription` and `errorUri` are scrubbed of the `redact` secrets like the rest.
 */
export class FrappeOAuthError extends FrappeError {
  static {
    defineErrorName(FrappeOAuthError, 'FrappeOAuthError');
  }

  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;

  constructor(options: FrappeOAuthErrorOptions) {
    const secrets = SecretSet.from(options?.redact);
    const error =
      typeof options?.error === 'string' && options.error
        ? scrubAndTruncate(options.error, secrets, MAX_ERROR_CODE_LENGTH)
        : 'unknown_error';
    const errorDescription = scrubOptional(options?.errorDescription, secrets);
    super({
      ...options,
      redact: secrets,
      message: options?.message ?? `OAuth error ${error}${errorDescription ? `: ${errorDescription}` : ''}`,
    });
    this.error = error;
    this.errorDescription = errorDescription;
    this.errorUri = scrubOptional(options?.errorUri, secrets);
  }

  override toJSON(): FrappeErrorJson {
    return {
      ...super.toJSON(),
      error: this.error,
      errorDescription: this.errorDescription,
      errorUri: this.errorUri,
    };
  }
}

function scrubOptional(text: unknown, secrets: SecretSet): string | undefined {
  return typeof text === 'string' ? scrubAndTruncate(text, secrets, MAX_MESSAGE_LENGTH) : undefined;
}
