import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../../../src/testing/profiles';
import { type RestSite, startSite } from './helpers';

describe.each(PROFILE_NAMES)('Deleted Document on %s', (profile) => {
  let site: RestSite;
  beforeAll(async () => {
    site = await startSite(profile);
  });
  afterAll(() => site.stop());

  const deletedRows = async (deletedName: string) => {
    const list = await site.call('GET', site.resource('Deleted Document'), {
      query: {
        fields: ['name', 'deleted_name', 'deleted_doctype', 'data', 'restored', 'new_name', 'owner'],
        filters: [['deleted_name', '=', deletedName]],
      },
    });
    expect(list.status, list.text).toBe(200);
    return list.body.data as Array<Record<string, unknown>>;
  };

  it('a DELETE leaves one row with the name, the DocType and doc.as_json() (sorted keys, indent 1, Python floats)', async () => {
    const created = await site.call('POST', site.resource('Customer'), {
      as: 'sales',
      json: { customer_name: 'Gone Ltd. Ü', customer_group: 'Commercial', credit_limit: 1250 },
    });
    expect(created.status, created.text).toBe(200);
    const removed = await site.call('DELETE', site.resource('Customer', 'Gone Ltd. Ü'));
    expect(removed.status, removed.text).toBeLessThan(300);

    const rows = await deletedRows('Gone Ltd. Ü');
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(row).toMatchObject({
      deleted_doctype: 'Customer',
      restored: 0,
      new_name: null,
      owner: 'Administrator',
    });
    const data = String(row.data);
    // Frappe's as_json: one key per line, sorted, ensure_ascii, floats as Python writes them.
    expect(data.startsWith('{\n "creation": ')).toBe(true);
    expect(data).toContain('\n "credit_limit": 1250.0,\n');
    expect(data).toContain('"customer_name": "Gone Ltd. \\u00dc"');
    expect(data).toContain('\n "docstatus": 0,\n');
    const parsed = JSON.parse(data);
    expect(parsed).toMatchObject({ name: 'Gone Ltd. Ü', doctype: 'Customer', customer_group: 'Commercial' });
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
  });

  it('frappe.client.delete and the server-side control record it too; a failed delete records nothing', async () => {
    site.emulator.insertDocument('Customer', { customer_name: 'Control Gone', customer_group: 'Commercial' });
    expect(site.emulator.deleteDocument('Customer', 'Control Gone')).toBe(true);
    expect(await deletedRows('Control Gone')).toHaveLength(1);

    site.emulator.insertDocument('Customer', { customer_name: 'Client Gone', customer_group: 'Commercial' });
    const viaClient = await site.call('POST', '/api/method/frappe.client.delete', {
      json: { doctype: 'Customer', name: 'Client Gone' },
    });
    expect(viaClient.status, viaClient.text).toBe(200);
    expect(await deletedRows('Client Gone')).toHaveLength(1);

    const refused = await site.call('DELETE', site.resource('Customer', 'Grant Plastics Ltd.'), {
      as: 'sales',
    });
    expect(refused.status).toBe(403);
    expect(await deletedRows('Grant Plastics Ltd.')).toHaveLength(0);
  });

  it("the Files attached to a deleted document are deleted and recorded with it (Frappe's remove_all)", async () => {
    site.emulator.insertDocument('Customer', {
      customer_name: 'With File Ltd.',
      customer_group: 'Commercial',
    });
    const file = site.emulator.insertDocument('File', {
      file_name: 'contract.pdf',
      file_url: '/files/contract.pdf',
      attached_to_doctype: 'Customer',
      attached_to_name: 'With File Ltd.',
    });
    const removed = await site.call('DELETE', site.resource('Customer', 'With File Ltd.'));
    expect(removed.status, removed.text).toBeLessThan(300);
    expect(site.emulator.getDocument('File', String(file.name))).toBeUndefined();
    const [row] = await deletedRows(String(file.name));
    expect(row).toMatchObject({ deleted_doctype: 'File' });
    expect(JSON.parse(String(row?.data))).toMatchObject({ attached_to_name: 'With File Ltd.' });
  });

  it('only System Manager reads Deleted Document; admins may clear it, and clearing it records nothing', async () => {
    const denied = await site.call('GET', site.resource('Deleted Document'), { as: 'sales' });
    expect(denied.status).toBe(403);
    expect(denied.body.exc_type ?? denied.text).toContain('PermissionError');

    site.emulator.insertDocument('Customer', { customer_name: 'Cleared Ltd.', customer_group: 'Commercial' });
    site.emulator.deleteDocument('Customer', 'Cleared Ltd.');
    const [row] = await deletedRows('Cleared Ltd.');
    const cleared = await site.call('DELETE', site.resource('Deleted Document', String(row?.name)));
    expect(cleared.status, cleared.text).toBeLessThan(300);
    expect(await deletedRows('Cleared Ltd.')).toHaveLength(0);
    expect(await deletedRows(String(row?.name))).toHaveLength(0);
  });
});
