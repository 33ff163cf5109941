/**
 * Every error this package throws extends {@link FrappeError}. `errorFromResponse` maps a Frappe
 * error response to its class; `errorFromNetworkFailure` covers requests without a response.
 * Reading Frappe's answers lives in `../responses`, scrubbing secrets in `../redaction`.
 */

// The shape of FrappeRateLimitError's `rateLimit`, public with the class.
export type { RateLimitWindow } from '../responses/rate-limit-headers';
export { AuthorizationCallbackError } from './authorization-callback-error';
export { AuthorizationDeniedError, type AuthorizationDeniedErrorOptions } from './authorization-denied-error';
export {
  AuthorizationRequiredError,
  type AuthorizationRequiredErrorOptions,
} from './authorization-required-error';
export { FrappeAuthenticationError } from './frappe-authentication-error';
export { FrappeConfigurationError } from './frappe-configuration-error';
export { FrappeConflictError } from './frappe-conflict-error';
export { FrappeDuplicateEntryError } from './frappe-duplicate-entry-error';
export { FrappeError, type FrappeErrorJson, type FrappeErrorOptions, isFrappeError } from './frappe-error';
export { FrappeInputError } from './frappe-input-error';
export {
  FrappeNetworkError,
  type FrappeNetworkErrorOptions,
  type NetworkFailureReason,
} from './frappe-network-error';
export { FrappeNotFoundError } from './frappe-not-found-error';
export { FrappeOAuthError, type FrappeOAuthErrorOptions } from './frappe-oauth-error';
export { FrappePermissionError } from './frappe-permission-error';
export { FrappeRateLimitError, type FrappeRateLimitErrorOptions } from './frappe-rate-limit-error';
export { FrappeServerError, type FrappeServerErrorOptions } from './frappe-server-error';
export { FrappeValidationError } from './frappe-validation-error';
export { classifyNetworkFailure, errorFromNetworkFailure, type FailedRequest } from './from-network-failure';
export { type ErrorResponse, errorFromResponse } from './from-response';
// Not re-exported from the package root: a helper for this package's own layers.
export { scrubError } from './scrub-error';
export {
  TokenStoreError,
  type TokenStoreErrorOptions,
  type TokenStoreFailureReason,
} from './token-store-error';
