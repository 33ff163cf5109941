/**
 * An incremental sync job: mirror the site's Customers into a local JSON store (one file per
 * Customer), resuming where it stopped. Run it from cron as often as you like: each run reads only
 * what was added or modified since the last one, and a run killed half-way resumes from its last
 * finished page (at-least-once: a row may come twice, the upsert makes that harmless).
 *
 *   npx tsx examples/sync-customers.mts                  # offline: starts an emulator, syncs 3 times
 *
 * Against your site (the token and the checkpoint live in SYNC_DIR/state, the mirror in
 * SYNC_DIR/customers, both on this machine's disk):
 *
 *   FRAPPE_URL=https://erp.example.com FRAPPE_CLIENT_ID=… FRAPPE_CLIENT_SECRET=… \
 *   FRAPPE_USER=sync@example.com FRAPPE_PASSWORD=… SYNC_DIR=/var/lib/customer-sync \
 *   npx tsx examples/sync-customers.mts
 *
 * FRAPPE_USER/FRAPPE_PASSWORD are only needed for the first run, on a site that still has the
 * password grant (v13-v15); the token is refreshed and kept from then on. In your own project,
 * import from 'frappe-oauth-client' instead of the source path.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizationRequiredError,
  createFileRefreshLock,
  createFileStore,
  type FileStore,
  FrappeOAuthClient,
} from '../src/index.js';
import { FrappeEmulator } from '../src/testing/index.js';

interface Customer {
  name: string;
  customer_name: string;
  customer_group: string;
  territory: string;
  modified: string;
}

const PAGE_SIZE = Number(process.env.SYNC_PAGE_SIZE ?? 200);

/** One run: every Customer added or modified since the checkpoint, upserted into `mirror`. */
export async function syncOnce(client: FrappeOAuthClient, mirror: FileStore, label: string): Promise<number> {
  let seen = 0;
  for await (const customer of client.iterateList<Customer>('Customer', {
    fields: ['name', 'customer_name', 'customer_group', 'territory', 'modified'],
    pageSize: PAGE_SIZE,
    checkpointKey: 'customer-sync', // the position, kept in the client's store as rows are consumed
  })) {
    await mirror.set(customer.name, customer); // the upsert into your shop, CRM, warehouse…
    seen += 1;
    if (seen % PAGE_SIZE === 0) console.log(`${label}: ${seen} customers synced so far`);
  }
  console.log(`${label}: done, ${seen} customers synced`);
  return seen;
}

/** A client whose token and checkpoint survive the process: a file store and a file lease. */
function clientFor(baseUrl: string, clientId: string, clientSecret: string | undefined, stateDir: string) {
  return new FrappeOAuthClient({
    baseUrl,
    clientId,
    clientSecret,
    store: createFileStore(stateDir),
    refreshLock: createFileRefreshLock(stateDir), // two overlapping cron runs refresh once
  });
}

async function ensureSignedIn(client: FrappeOAuthClient, user?: string, password?: string): Promise<void> {
  try {
    await client.getAccessToken();
  } catch (error) {
    if (!(error instanceof AuthorizationRequiredError) || !user || !password) throw error;
    // First run only: the password grant, where the site still has it (v13-v15).
    await client.loginWithPassword(user, password);
  }
}

async function againstYourSite(url: string): Promise<void> {
  const dir = process.env.SYNC_DIR ?? join(process.cwd(), 'customer-sync');
  const client = clientFor(
    url,
    process.env.FRAPPE_CLIENT_ID ?? '',
    process.env.FRAPPE_CLIENT_SECRET,
    join(dir, 'state'),
  );
  try {
    await ensureSignedIn(client, process.env.FRAPPE_USER, process.env.FRAPPE_PASSWORD);
    await syncOnce(client, createFileStore(join(dir, 'customers')), 'sync');
  } finally {
    await client.close();
  }
}

async function offline(): Promise<void> {
  const site = await FrappeEmulator.start({
    profile: 'v15',
    users: [{ email: 'sync@example.com', password: 'sync-pass', roles: ['Sales User'] }],
    clients: [{ clientId: 'sync-job', clientSecret: 'sync-secret', redirectUris: [] }],
  });
  site.generateDocuments('Customer', 1200);
  const dir = mkdtempSync(join(tmpdir(), 'customer-sync-'));
  const mirror = createFileStore(join(dir, 'customers'));
  const client = clientFor(site.url, 'sync-job', 'sync-secret', join(dir, 'state'));
  try {
    await ensureSignedIn(client, 'sync@example.com', 'sync-pass');
    await syncOnce(client, mirror, 'first run');
    await syncOnce(client, mirror, 'second run, nothing changed');
    site.updateDocument('Customer', 'Generated Customer 000007', { customer_group: 'Commercial' });
    site.insertDocument('Customer', { customer_name: 'Fresh Customer', customer_group: 'Individual' });
    await syncOnce(client, mirror, 'third run, one changed and one added');
    console.log(`mirror in ${join(dir, 'customers')}`);
  } finally {
    await client.close();
    await site.stop();
  }
}

if (process.env.FRAPPE_URL) await againstYourSite(process.env.FRAPPE_URL);
else await offline();
