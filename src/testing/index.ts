/**
 * `frappe-oauth-client/testing`: an in-process Frappe emulator for offline integration tests.
 */
export type { DocEventMethod } from './core/document-events';
export type { EmulatorFault, FaultOptions } from './core/faults';
export type { SiteRateLimitControl, SiteRateLimitOptions } from './core/rate-limiter';
export {
  type EmulatorClientInfo,
  FrappeEmulator,
  type FrappeEmulatorOptions,
  type IssuedToken,
} from './emulator';
export type { EmulatorProfileName } from './profiles';
export type { RequestLogEntry } from './site';
export type { EmulatorClientOptions, TokenEndpointAuthMethod } from './state/clients';
export type { EmulatorUserOptions } from './state/users';
export type { WebhookAttempt } from './webhooks/webhook-delivery';
export type { WebhookDataField } from './webhooks/webhook-payload';
export type { EmulatorWebhookOptions, WebhookControl } from './webhooks/webhook-registry';
