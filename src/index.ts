/**
 * frappe-oauth-client: act on a Frappe/ERPNext site through Frappe's own OAuth2 provider.
 * Public exports only; the emulator for tests lives at `frappe-oauth-client/testing`.
 */
export type { AuthorizationBindingOptions } from './auth/authorization-flow';
export { createFileRefreshLock, type FileRefreshLockOptions } from './auth/file-refresh-lock';
export { createFileStore, FileStore, type FileStoreOptions } from './auth/file-store';
export type { LoopbackOptions } from './auth/loopback-receiver';
export type { FrappeProfile } from './auth/profile-endpoint';
export {
  createRedisRefreshLock,
  type RedisLockClient,
  type RedisRefreshLock,
  type RedisRefreshLockOptions,
} from './auth/redis-refresh-lock';
export type { RefreshLease, RefreshLock } from './auth/refresh-lock';
export type { StoredToken } from './auth/stored-token';
export type { TokenEvent, TokenEventListener, TokenEventType } from './auth/token-events';
export type { KeyvLike } from './auth/token-store';
export type { EncryptionOptions } from './auth/value-encryption';
export { FrappeOAuthClient } from './client';
export type { ApiVersion } from './documents/api-version';
export type {
  DocInput,
  FieldName,
  ListRow,
  OrderBy,
  SortDirection,
  StandardField,
  StandardFields,
} from './documents/doctype-typing';
export type { DocMethodOptions } from './documents/document-actions';
export type { FilterCondition, FilterDict, FilterOperator, Filters } from './documents/filters';
export type { InsertManyOptions } from './documents/insert-documents';
export type { DeletedDocument, IterateDeletedOptions } from './documents/iterate-deleted';
export type { IterateOptions, IterationCheckpoint } from './documents/iterate-list';
export type { ListOptions } from './documents/list-query';
export type { CallOptions } from './documents/read-documents';
export type { FrappeFileDoc, UploadFileInput } from './documents/upload-file';
export type { UpdateOptions } from './documents/write-documents';
// Named one by one (not `export *`): Node detects the named exports of the CommonJS build only so.
export {
  AuthorizationCallbackError,
  AuthorizationDeniedError,
  type AuthorizationDeniedErrorOptions,
  AuthorizationRequiredError,
  type AuthorizationRequiredErrorOptions,
  FrappeAuthenticationError,
  FrappeConfigurationError,
  FrappeConflictError,
  FrappeDuplicateEntryError,
  FrappeError,
  type FrappeErrorJson,
  type FrappeErrorOptions,
  FrappeInputError,
  FrappeNetworkError,
  type FrappeNetworkErrorOptions,
  FrappeNotFoundError,
  FrappeOAuthError,
  type FrappeOAuthErrorOptions,
  FrappePermissionError,
  FrappeRateLimitError,
  type FrappeRateLimitErrorOptions,
  FrappeServerError,
  type FrappeServerErrorOptions,
  FrappeValidationError,
  isFrappeError,
  type NetworkFailureReason,
  type RateLimitWindow,
  TokenStoreError,
  type TokenStoreErrorOptions,
  type TokenStoreFailureReason,
} from './errors';
export type {
  ObservedError,
  RequestEvent,
  RequestEventListener,
  RetryEvent,
  RetryEventListener,
  RetryReason,
} from './observability/hook-events';
export type { FrappeProgress, ProgressListener } from './observability/progress';
export type { FrappeLogger, FrappeOAuthClientOptions, LogFields, OpenTelemetryOptions } from './options';
export type { RegisterClientOptions, RegisteredClient, RegistrationAuthMethod } from './register-client';
export type { FrappeRequestConfig, FrappeResponse } from './requests/request-config';
export type { RetryPolicy } from './requests/retry-policy';
export type { RequestOptions } from './transport/http-transport';
export { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './webhooks/verify-signature';
export {
  createWebhookReceiver,
  type FrappeWebhook,
  type WebhookReceiver,
  type WebhookReceiverOptions,
  type WebhookRequest,
} from './webhooks/webhook-receiver';
