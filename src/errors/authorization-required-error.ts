import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';

export interface AuthorizationRequiredErrorOptions extends FrappeErrorOptions {
  /** Where to send the user to authorize (when a redirectUri is configured). */
  authorizationUrl?: string;
}

/**
 * There is no usable token — none stored, an unreadable stored value, or a refresh the server
 * refused — and the user has to authorize (again). The refusal, if any, is the `cause`.
 */
export class AuthorizationRequiredError extends FrappeError {
  static {
    defineErrorName(AuthorizationRequiredError, 'AuthorizationRequiredError');
  }

  /**
   * The authorize URL to open, when one could be built. It carries `client_id`, `state`, `nonce`
   * and the PKCE challenge — none of them a secret — and is kept as it is.
   */
  readonly authorizationUrl: string | undefined;

  constructor(options: AuthorizationRequiredErrorOptions = {}) {
    super({ ...options, message: options.message ?? 'Authorization required: no usable token is stored' });
    this.authorizationUrl =
      typeof options.authorizationUrl === 'string' ? options.authorizationUrl : undefined;
  }

  override toJSON(): FrappeErrorJson {
    return { ...super.toJSON(), authorizationUrl: this.authorizationUrl };
  }
}
