import type { FrappeOAuthClient, FrappeOAuthClientOptions } from '../../src';
import type { EmulatorProfileName, FrappeEmulator } from '../../src/testing';
import { isProfileName } from '../../src/testing/profiles';
import { authorizeAs, clientFor, PROFILES, startSite, USERS } from '../helpers/frappe-site';

/** One REST API version on one emulator profile: what every documents test runs on. */
export interface ApiVariant {
  readonly profile: EmulatorProfileName;
  readonly apiVersion: 'v1' | 'v2';
  /** `v15 over v2`, for test titles (`$label`). */
  readonly label: string;
}

/** The profiles that serve REST API v2 (the v16 profile once the emulator has it). */
export const V2_PROFILES: readonly EmulatorProfileName[] = isProfileName('v16') ? ['v15', 'v16'] : ['v15'];

/** v1 on every profile, v2 on each profile that has it. */
export const API_VARIANTS: readonly ApiVariant[] = [
  ...PROFILES.map((profile) => variant(profile, 'v1')),
  ...V2_PROFILES.map((profile) => variant(profile, 'v2')),
];

function variant(profile: EmulatorProfileName, apiVersion: 'v1' | 'v2'): ApiVariant {
  return { profile, apiVersion, label: `${profile} over ${apiVersion}` };
}

/**
 * The decoded paths (as `served` and `injectFault` take them) a documents call reaches on a
 * variant: v1 `/api/resource/…` and `/api/method/…`; v2 `/api/v2/document/…`, `/api/v2/method/…`,
 * counts at `/api/v2/doctype/<DocType>/count` and document methods in the path.
 */
export interface ApiPaths {
  resource(doctype: string, name?: string): string;
  method(dottedPath: string): string;
  count(doctype: string): string;
  docMethod(doctype: string, name: string, method: string): string;
}

export function pathsOf(target: ApiVariant | 'v1' | 'v2'): ApiPaths {
  const v2 = (typeof target === 'string' ? target : target.apiVersion) === 'v2';
  const resource = (doctype: string, name?: string) =>
    `${v2 ? '/api/v2/document' : '/api/resource'}/${doctype}${name === undefined ? '' : `/${name}`}`;
  return {
    resource,
    method: (dottedPath) => `${v2 ? '/api/v2/method' : '/api/method'}/${dottedPath}`,
    count: (doctype) => (v2 ? `/api/v2/doctype/${doctype}/count` : '/api/method/frappe.client.get_count'),
    docMethod: (doctype, name, method) =>
      v2 ? `${resource(doctype, name)}/method/${method}` : resource(doctype, name),
  };
}

/** Backoff of a few milliseconds, and a `Retry-After` capped at one second, so retries stay fast. */
export const FAST_RETRY = { minDelayMs: 1, maxDelayMs: 5, maxRetryAfterSeconds: 1 } as const;

export type UserName = keyof typeof USERS;

export interface SignedIn {
  site: FrappeEmulator;
  client: FrappeOAuthClient;
}

/**
 * A fresh site (seeded) and a client authorized as `user` through the authorization-code flow,
 * with fast retries; the request log starts empty afterwards.
 */
export async function signedIn(
  target: EmulatorProfileName | ApiVariant,
  user: UserName = 'alice',
  overrides: Partial<FrappeOAuthClientOptions> = {},
): Promise<SignedIn> {
  const site = await startSite(typeof target === 'string' ? target : target.profile);
  const client = clientFor(site, { retry: { ...FAST_RETRY }, ...apiOf(target), ...overrides });
  await authorizeAs(client, site, USERS[user].email);
  site.clearRequests();
  return { site, client };
}

/** The `apiVersion` option of a variant (nothing for a bare profile: the default v1). */
export function apiOf(target: EmulatorProfileName | ApiVariant): Partial<FrappeOAuthClientOptions> {
  return typeof target === 'string' ? {} : { apiVersion: target.apiVersion };
}

/** Another client on the same site, authorized as `user` (its own store). */
export async function otherUser(
  site: FrappeEmulator,
  user: UserName,
  overrides: Partial<FrappeOAuthClientOptions> = {},
): Promise<FrappeOAuthClient> {
  const client = clientFor(site, { retry: { ...FAST_RETRY }, ...overrides });
  await authorizeAs(client, site, USERS[user].email);
  return client;
}

/** How many requests the site served with this method to exactly this path (decoded, no query). */
export function served(site: FrappeEmulator, method: string, path: string): number {
  return site.requests().filter((entry) => entry.method === method && decodeURIComponent(entry.path) === path)
    .length;
}

/** Every request the site served, as `METHOD /decoded/path`. */
export function servedRequests(site: FrappeEmulator): string[] {
  return site.requests().map((entry) => `${entry.method} ${decodeURIComponent(entry.path)}`);
}

/** A valid new Sales Order for an existing customer and item. */
export function newSalesOrder(customer = 'Grant Plastics Ltd.'): Record<string, unknown> {
  return { customer, delivery_date: '2031-01-01', items: [{ item_code: 'SKU001', qty: 2 }] };
}
