// A strict TypeScript ES module project: typed DocType calls against the package's declarations
// (a misspelt field must not compile), then the same calls run against the emulator.
import assert from 'node:assert/strict';
import { type FieldName, FrappeNotFoundError, FrappeOAuthClient, isFrappeError } from 'frappe-oauth-client';
import { FrappeEmulator } from 'frappe-oauth-client/testing';
import { legacyClient } from './legacy.cjs';

interface Customer {
  customer_name: string;
  customer_group: string;
  territory: string;
}

const field: FieldName<Customer> = 'customer_group';
// @ts-expect-error `customer_nam` is not a field of Customer
const misspelt: FieldName<Customer> = 'customer_nam';

const USER = { email: 'ts@example.com', password: 'ts-pass', roles: ['Sales User'] };
const CLIENT = {
  clientId: 'ts-app',
  clientSecret: 'ts-app-secret',
  scopes: ['all', 'openid'],
  redirectUris: [],
};

const site = await FrappeEmulator.start({ profile: 'v15', port: 0, users: [USER], clients: [CLIENT] });
const client = new FrappeOAuthClient({
  baseUrl: site.url,
  clientId: CLIENT.clientId,
  clientSecret: CLIENT.clientSecret,
});
try {
  await client.loginWithPassword(USER.email, USER.password);
  const created = await client.insertDoc<Customer>('Customer', {
    customer_name: 'Typed Consumer Ltd',
    customer_group: 'Commercial',
  });
  assert.equal(created.customer_name, 'Typed Consumer Ltd');

  const rows = await client.getList<Customer, 'name' | 'customer_group'>('Customer', {
    fields: ['name', field],
    filters: { customer_name: 'Typed Consumer Ltd' },
    orderBy: 'modified desc',
  });
  const first: { name: string; customer_group: string } | undefined = rows[0];
  assert.deepEqual(first, { name: 'Typed Consumer Ltd', customer_group: 'Commercial' });

  const missing = await client
    .getDoc<Customer>('Customer', 'No Such Customer')
    .catch((error: unknown) => error);
  assert.ok(missing instanceof FrappeNotFoundError && isFrappeError(missing));
  assert.equal(legacyClient(site.url).toJSON().clientId, 'legacy');
  console.log(`typescript nodenext consumer: ok (${misspelt === field ? 'same' : 'typed'} fields)`);
} finally {
  await client.close();
  await site.stop();
}
