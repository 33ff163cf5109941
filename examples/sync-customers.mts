// An incremental sync job, runnable offline against the emulator:
//   npx tsx examples/sync-customers.mts
// Against a real site, drop the emulator and pass your baseUrl, clientId and clientSecret; keep the
// same store (Redis for a job that runs on several hosts) so the token and the checkpoint survive.
import Keyv from 'keyv';
import { AuthorizationRequiredError, FrappeOAuthClient } from '../src/index.js';
import { FrappeEmulator } from '../src/testing/index.js';

const site = await FrappeEmulator.start({
  profile: 'v15',
  users: [{ email: 'sync@example.com', password: 'sync-pass', roles: ['Sales User'] }],
  clients: [{ clientId: 'sync-job', clientSecret: 'sync-secret', redirectUris: [] }],
});
site.generateDocuments('Customer', 1200);

const store = new Keyv(); // the token and the checkpoint live here
const client = new FrappeOAuthClient({
  baseUrl: site.url,
  clientId: 'sync-job',
  clientSecret: 'sync-secret',
  store,
  logger: console,
});
client.on('token', (event) => console.log(`token event: ${event.type} (${event.fingerprint ?? '-'})`));

async function runOnce(label: string): Promise<void> {
  let seen = 0;
  for await (const customer of client.iterateList<{ name: string; customer_group: string }>('Customer', {
    fields: ['name', 'customer_group'],
    pageSize: 500,
    checkpointKey: 'customer-sync',
  })) {
    seen += 1; // upsert `customer` into your shop here
    void customer;
  }
  console.log(`${label}: ${seen} customers synced`);
}

try {
  await client.getAccessToken();
} catch (error) {
  if (!(error instanceof AuthorizationRequiredError)) throw error;
  // A terminal job without a browser: the password grant, where the site still has it (v13–v15).
  await client.loginWithPassword('sync@example.com', 'sync-pass');
}

await runOnce('first run');
await runOnce('second run, nothing changed');
await client.updateDoc('Customer', 'Generated Customer 000007', { customer_group: 'Commercial' });
await client.insertDoc('Customer', { customer_name: 'Fresh Customer', customer_group: 'Individual' });
await runOnce('third run, one changed and one added');

await client.close();
await site.stop();
