import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';
import { scrubText } from './redact';

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
 */
export class FrappeOAuthError extends FrappeError {
  static {
    defineErrorName(FrappeOAuthError, 'FrappeOAuthError');
  }

  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;

  constructor(options: FrappeOAuthErrorOptions) {
    const error = typeof options?.error === 'string' && options.error ? options.error : 'unknown_error';
    super({
      ...options,
      message:
        options?.message ??
        `OAuth error ${error}${options?.errorDescription ? `: ${options.errorDescription}` : ''}`,
    });
    const secrets = options?.redact ? [...options.redact] : [];
    this.error = error;
    this.errorDescription = scrubOptional(options?.errorDescription, secrets);
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

function scrubOptional(text: unknown, secrets: readonly string[]): string | undefined {
  return typeof text === 'string' ? scrubText(text, secrets) : undefined;
}
