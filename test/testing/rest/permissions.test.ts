import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorProfileName } from '../../../src/testing/profiles';
import { type RestSite, serverMessages, startSite } from './helpers';

const PROFILES: EmulatorProfileName[] = ['v14', 'v15', 'develop'];

/** Issue 2's fixed role table, each denial a genuine 403 for a valid, logged-in user. */
describe.each(PROFILES)('role permissions, profile %s', (profile) => {
  let site: RestSite;
  beforeAll(async () => {
    site = await startSite(profile);
  });
  afterAll(() => site.stop());

  // v14 raises these PermissionErrors bare (no frappe.throw), so its bodies lack exc_type (§8.2).
  const excType = profile === 'v14' ? undefined : 'PermissionError';

  it('Sales User may read, create and write Customer but not delete it', async () => {
    const created = await site.call('POST', site.resource('Customer'), {
      as: 'sales',
      json: { customer_name: 'Sales Made' },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body.data.owner).toBe('sales@example.com');
    const updated = await site.call('PUT', site.resource('Customer', 'Sales Made'), {
      as: 'sales',
      json: { territory: 'India' },
    });
    expect(updated.status).toBe(200);
    const deleted = await site.call('DELETE', site.resource('Customer', 'Sales Made'), { as: 'sales' });
    expect(deleted.status).toBe(403);
    expect(deleted.body.exc_type).toBe(excType);
    const messages = serverMessages(deleted.body);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('sales@example.com');
    expect(deleted.body._error_message).toContain('Insufficient Permission for Customer');
    expect(site.emulator.getDocument('Customer', 'Sales Made')).toBeDefined();
  });

  it('Sales User only reads Sales Orders and Items', async () => {
    const list = await site.call('GET', site.resource('Sales Order'), { as: 'sales' });
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    const insert = await site.call('POST', site.resource('Sales Order'), {
      as: 'sales',
      json: { customer: 'Jane Doe', items: [{ item_code: 'SKU001', qty: 1 }] },
    });
    expect(insert.status).toBe(403);
    const editItem = await site.call('PUT', site.resource('Item', 'SKU001'), {
      as: 'sales',
      json: { item_name: 'x' },
    });
    expect(editItem.status).toBe(403);
    const readItem = await site.call('GET', site.resource('Item', 'SKU001'), { as: 'sales' });
    expect(readItem.status).toBe(200);
  });

  it('Stock User reading Customer gets the list 403 with _error_message', async () => {
    const response = await site.call('GET', site.resource('Customer'), { as: 'stock' });
    expect(response.status).toBe(403);
    expect(response.body.exc_type).toBe(excType);
    expect(response.body._error_message).toBe('Insufficient Permission for Customer');
    expect(typeof response.body._server_messages).toBe('string');
    expect(JSON.parse(response.body._server_messages)).toBeInstanceOf(Array);
  });

  it('Stock User may create and write Item, not delete it, and nothing on Sales Order', async () => {
    const created = await site.call('POST', site.resource('Item'), {
      as: 'stock',
      json: { item_code: 'STOCK-1', item_group: 'Products', stock_uom: 'Nos' },
    });
    expect(created.status, created.text).toBe(200);
    expect((await site.call('DELETE', site.resource('Item', 'STOCK-1'), { as: 'stock' })).status).toBe(403);
    expect((await site.call('GET', site.resource('Sales Order'), { as: 'stock' })).status).toBe(403);
    const count = await site.call('GET', '/api/method/frappe.client.get_count', {
      as: 'stock',
      query: { doctype: 'Customer' },
    });
    expect(count.status).toBe(403);
  });

  it('a user without roles and Guest get 403', async () => {
    expect((await site.call('GET', site.resource('Item'), { as: 'plain' })).status).toBe(403);
    const guest = await site.call('GET', site.resource('Customer', 'Jane Doe'), { as: 'guest' });
    expect(guest.status).toBe(403);
    const guestMethod = await site.call('GET', '/api/method/frappe.client.get_count', {
      as: 'guest',
      query: { doctype: 'Item' },
    });
    expect(guestMethod.status).toBe(403);
  });

  it('System Manager may delete what Sales User may not', async () => {
    await site.call('POST', site.resource('Customer'), { json: { customer_name: 'Admin Deletes' } });
    expect((await site.call('DELETE', site.resource('Customer', 'Admin Deletes'))).status).toBe(202);
  });

  it('tracebacks per profile: develop hides them from Guest only', async () => {
    const asUser = await site.call('GET', site.resource('Customer'), { as: 'stock' });
    expect(asUser.body.exc).toEqual(expect.any(String));
    const asGuest = await site.call('GET', site.resource('Customer'), { as: 'guest' });
    if (profile === 'develop') expect(asGuest.body.exc).toBeUndefined();
    else expect(asGuest.body.exc).toEqual(expect.any(String));
  });

  it(`a missing document of an unreadable doctype is ${profile === 'v14' ? '404' : '403 (masked)'}`, async () => {
    const response = await site.call('GET', site.resource('Customer', 'Does Not Exist'), { as: 'stock' });
    expect(response.status).toBe(profile === 'v14' ? 404 : 403);
    const readable = await site.call('GET', site.resource('Item', 'Does Not Exist'), { as: 'stock' });
    expect(readable.status).toBe(404);
  });

  it('develop adds WWW-Authenticate to the 403', async () => {
    const response = await site.call('GET', site.resource('Customer'), { as: 'stock' });
    expect(response.headers.get('www-authenticate') !== null).toBe(profile === 'develop');
  });
});
