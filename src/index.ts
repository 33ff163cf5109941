/**
 * frappe-oauth-client: act on a Frappe/ERPNext site through Frappe's own OAuth2 provider.
 * Public exports only; the emulator for tests lives at `frappe-oauth-client/testing`.
 */
export type { FrappeProfile } from './auth/profile-endpoint';
export type { StoredToken } from './auth/stored-token';
export type { KeyvLike } from './auth/token-store';
export { FrappeOAuthClient } from './client';
export type { DocMethodOptions } from './documents/document-actions';
export type { FieldName, FilterCondition, FilterDict, FilterOperator, Filters } from './documents/filters';
export type { IterateOptions, IterationCheckpoint } from './documents/iterate-list';
export type { ListOptions } from './documents/list-query';
export type { CallOptions } from './documents/read-documents';
export type { FrappeFileDoc, UploadFileInput } from './documents/upload-file';
export type { UpdateOptions } from './documents/write-documents';
export * from './errors';
export type { TokenEvent, TokenEventListener, TokenEventType } from './events';
export type { RetryPolicy } from './http/retry-policy';
export type { RequestOptions } from './http/transport';
export type { FrappeLogger, FrappeOAuthClientOptions } from './options';
