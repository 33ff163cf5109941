import type { FrappeOAuthClient, FrappeOAuthClientOptions } from '../../src';
import type { EmulatorProfileName, FrappeEmulator } from '../../src/testing';
import { authorizeAs, clientFor, startSite, USERS } from '../helpers/frappe-site';

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
  profile: EmulatorProfileName,
  user: UserName = 'alice',
  overrides: Partial<FrappeOAuthClientOptions> = {},
): Promise<SignedIn> {
  const site = await startSite(profile);
  const client = clientFor(site, { retry: { ...FAST_RETRY }, ...overrides });
  await authorizeAs(client, site, USERS[user].email);
  site.clearRequests();
  return { site, client };
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
