// An incremental sync that mirrors inserts, updates AND deletes of Customers into a local store,
// runnable offline against the emulator:
//   npx tsx examples/sync-customers-with-deletes.mts
// Deletions come from Frappe's Deleted Document log, which only System Manager may read: give the
// sync user that role. Keep the client's store (Redis, or createFileStore on one machine) so the
// token and both checkpoints survive restarts: a killed run resumes where it stood.
import Keyv from 'keyv';
import { AuthorizationRequiredError, FrappeOAuthClient, FrappePermissionError } from '../src/index.js';
import { FrappeEmulator } from '../src/testing/index.js';

interface Customer {
  name: string;
  modified: string;
  customer_group: string;
}

const site = await FrappeEmulator.start({
  profile: 'v15',
  users: [{ email: 'sync@example.com', password: 'sync-pass', roles: ['System Manager'] }],
  clients: [{ clientId: 'sync-job', clientSecret: 'sync-secret', redirectUris: [] }],
});
site.generateDocuments('Customer', 300);

const client = new FrappeOAuthClient({
  baseUrl: site.url,
  clientId: 'sync-job',
  clientSecret: 'sync-secret',
  store: new Keyv(), // the token and the checkpoints live here
});
try {
  await client.getAccessToken();
} catch (error) {
  if (!(error instanceof AuthorizationRequiredError)) throw error;
  await client.loginWithPassword('sync@example.com', 'sync-pass');
}

/** The shop's copy. A real job writes to its own database. */
const mirror = new Map<string, Customer>();

async function syncOnce(label: string): Promise<void> {
  let upserts = 0;
  let deletes = 0;
  // 1. Everything added or modified since the last run.
  for await (const row of client.iterateList<Customer>('Customer', {
    fields: ['name', 'modified', 'customer_group'],
    checkpointKey: 'customers',
  })) {
    mirror.set(row.name, row);
    upserts += 1;
  }
  // 2. Everything deleted since the last run (its own checkpoint under the same key).
  try {
    for await (const gone of client.iterateDeleted('Customer', { checkpointKey: 'customers' })) {
      const held = mirror.get(gone.name);
      // A name deleted and then used again: the document modified after the deletion stays.
      if (held && !gone.restored && held.modified <= gone.deletedAt) {
        mirror.delete(gone.name);
        deletes += 1;
      }
    }
  } catch (error) {
    if (error instanceof FrappePermissionError) console.error(error.message); // needs System Manager
    throw error;
  }
  console.log(`${label}: ${upserts} upserted, ${deletes} deleted, mirror holds ${mirror.size}`);
}

await syncOnce('first run');
site.updateDocument('Customer', 'Generated Customer 000007', { customer_group: 'Commercial' });
site.deleteDocument('Customer', 'Generated Customer 000010');
site.deleteDocument('Customer', 'Generated Customer 000011');
await syncOnce('second run, one changed and two deleted');
console.log(`the site holds ${site.documentCount('Customer')} Customers`);

await client.close();
await site.stop();
