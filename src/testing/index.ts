/**
 * `frappe-oauth-client/testing`: an in-process Frappe emulator for offline integration tests.
 */
export type { EmulatorFault, FaultOptions } from './core/faults';
export { FrappeEmulator, type FrappeEmulatorOptions, type IssuedToken } from './emulator';
export type { EmulatorProfileName } from './profiles';
export type { RequestLogEntry } from './site';
export type { EmulatorClientOptions, TokenEndpointAuthMethod } from './state/clients';
export type { EmulatorUserOptions } from './state/users';
