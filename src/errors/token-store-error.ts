import { defineErrorName } from './brand';
import { FrappeError, type FrappeErrorJson, type FrappeErrorOptions } from './frappe-error';

/**
 * `failed`: the store (Keyv or its backend) threw or refused; `timeout`: it did not answer within
 * `storeTimeoutMs` (or what was left of the call); `unreadable`: it holds a value that is not a token.
 */
export type TokenStoreFailureReason = 'failed' | 'timeout' | 'unreadable';

export interface TokenStoreErrorOptions extends FrappeErrorOptions {
  reason?: TokenStoreFailureReason;
}

/**
 * The token store failed (Keyv or its backend threw or refused a write) or holds a value that
 * cannot be read as a token. Never put the stored value in the message; a JSON.parse cause loses
 * V8's input snippet when attached.
 */
export class TokenStoreError extends FrappeError {
  static {
    defineErrorName(TokenStoreError, 'TokenStoreError');
  }

  readonly reason: TokenStoreFailureReason;

  constructor(options: TokenStoreErrorOptions = {}) {
    super({ ...options, message: options.message ?? 'The token store failed' });
    this.reason = options.reason === 'unreadable' || options.reason === 'timeout' ? options.reason : 'failed';
  }

  override toJSON(): FrappeErrorJson {
    return { ...super.toJSON(), reason: this.reason };
  }
}
