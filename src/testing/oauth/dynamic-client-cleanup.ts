import type { Site } from '../site';

/** `DYNAMIC_CLIENT_GRACE_PERIOD_MINUTES` in develop's oauth_client.py. */
const GRACE_PERIOD_MS = 10 * 60 * 1000;

/**
 * develop's scheduled `delete_unused_dynamic_clients`: every client made by register_client at
 * least 10 minutes ago (server clock) that has no OAuth Bearer Token row, of any status, is
 * deleted with its authorization codes. Returns the deleted client ids.
 */
export function deleteUnusedDynamicClients(site: Site): string[] {
  if (!site.profile.deletesUnusedDynamicClients) return [];
  const cutoff = site.clock.nowMs() - GRACE_PERIOD_MS;
  const used = new Set(site.tokens.all().map((row) => row.clientId));
  const deleted: string[] = [];
  for (const client of site.clients.all()) {
    if (!client.dynamic || client.createdAtMs > cutoff || used.has(client.clientId)) continue;
    site.clients.delete(client.clientId);
    site.tokens.deleteCodesOf(client.clientId);
    deleted.push(client.clientId);
  }
  return deleted;
}
