import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';

/**
 * The client's options are invalid (missing clientId, a non-http(s) baseUrl, plain http to a
 * non-loopback host without `allowInsecureHttp`, …). Thrown synchronously by the constructor or by
 * the first call that needs the option.
 */
export class FrappeConfigurationError extends FrappeError {
  static {
    defineErrorName(FrappeConfigurationError, 'FrappeConfigurationError');
  }

  constructor(options: FrappeErrorOptions = {}) {
    super({ ...options, message: options.message ?? 'Invalid client configuration' });
  }
}
