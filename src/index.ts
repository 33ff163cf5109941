/**
 * frappe-oauth-client: act on a Frappe/ERPNext site through Frappe's own OAuth2 provider.
 * Public exports only; the emulator for tests lives at `frappe-oauth-client/testing`.
 */
export type { FrappeProfile } from './auth/profile-endpoint';
export type { StoredToken } from './auth/stored-token';
export { FrappeOAuthClient } from './client';
export * from './errors';
export type { TokenEvent, TokenEventListener, TokenEventType } from './events';
export type { RequestOptions } from './http/transport';
export type { FrappeLogger, FrappeOAuthClientOptions } from './options';
