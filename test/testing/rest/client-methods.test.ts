import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestSite, serverMessages, startSite } from './helpers';

const M = (name: string) => `/api/method/frappe.client.${name}`;

let site: RestSite;
beforeAll(async () => {
  site = await startSite('v15');
});
afterAll(() => site.stop());

describe('frappe.client read methods', () => {
  it('get_count counts with filters as JSON, dict or a bare name', async () => {
    const all = await site.call('GET', M('get_count'), { query: { doctype: 'Item' } });
    expect(all.body).toEqual({ message: 5 });
    const filtered = await site.call('GET', M('get_count'), {
      query: { doctype: 'Item', filters: [['item_group', '=', 'Products']] },
    });
    expect(filtered.body.message).toBe(4);
    const posted = await site.call('POST', M('get_count'), {
      json: { doctype: 'Sales Order', filters: { docstatus: 1 } },
    });
    expect(posted.body.message).toBe(2);
    const byName = await site.call('GET', M('get_count'), { query: { doctype: 'Item', filters: 'SKU001' } });
    expect(byName.body.message).toBe(1);
  });

  it('get_value: one field, a list of fields, as_dict=0, filters by name or dict', async () => {
    const single = await site.call('GET', M('get_value'), {
      query: { doctype: 'Item', fieldname: 'item_name', filters: 'SKU002' },
    });
    expect(single.body).toEqual({ message: { item_name: 'Laptop' } });
    const several = await site.call('GET', M('get_value'), {
      query: { doctype: 'Item', fieldname: ['item_name', 'standard_rate'], filters: { item_code: 'SKU003' } },
    });
    expect(several.body.message).toEqual({ item_name: 'Book', standard_rate: 20.5 });
    const bare = await site.call('GET', M('get_value'), {
      query: { doctype: 'Item', fieldname: 'standard_rate', filters: 'SKU002', as_dict: 0 },
    });
    expect(bare.body).toEqual({ message: 1200 });
    const pair = await site.call('POST', M('get_value'), {
      json: { doctype: 'Item', fieldname: ['item_name', 'stock_uom'], filters: 'SKU001', as_dict: false },
    });
    expect(pair.body.message).toEqual(['T-shirt', 'Nos']);
    const none = await site.call('GET', M('get_value'), {
      query: { doctype: 'Item', fieldname: 'item_name', filters: 'NOPE' },
    });
    expect(none.body).toEqual({ message: {} });
  });

  it('get_value needs read permission on the doctype', async () => {
    const response = await site.call('GET', M('get_value'), {
      as: 'stock',
      query: { doctype: 'Customer', fieldname: 'territory', filters: 'Jane Doe' },
    });
    expect(response.status).toBe(403);
    expect(serverMessages(response.body)).toEqual(['No permission for Customer']);
  });

  it('get_list and get', async () => {
    const list = await site.call('GET', M('get_list'), {
      query: { doctype: 'Customer', fields: ['name', 'territory'], filters: { territory: 'India' } },
    });
    expect(list.body.message).toEqual([{ name: 'West View Software Ltd.', territory: 'India' }]);
    const doc = await site.call('GET', M('get'), { query: { doctype: 'Item', name: 'SKU004' } });
    expect(doc.body.message).toMatchObject({ name: 'SKU004', disabled: 1, doctype: 'Item' });
    const byFilter = await site.call('GET', M('get'), {
      query: { doctype: 'Item', filters: { item_name: 'Book' } },
    });
    expect(byFilter.body.message.name).toBe('SKU003');
    const missing = await site.call('GET', M('get'), { query: { doctype: 'Item', name: 'NOPE' } });
    expect(missing.status).toBe(404);
  });
});

describe('frappe.client write methods', () => {
  it('refuse GET (whitelisted for POST/PUT only → 403)', async () => {
    const response = await site.call('GET', M('set_value'), {
      query: { doctype: 'Item', name: 'SKU001', fieldname: 'item_name', value: 'x' },
    });
    expect(response.status).toBe(403);
    expect(site.emulator.getDocument('Item', 'SKU001')!.item_name).toBe('T-shirt');
  });

  it('set_value sets one field or a JSON dict, returns the doc, never conflicts on modified', async () => {
    const one = await site.call('POST', M('set_value'), {
      form: { doctype: 'Item', name: 'SKU001', fieldname: 'item_name', value: 'Tee' },
    });
    expect(one.status, one.text).toBe(200);
    expect(one.body.message).toMatchObject({ name: 'SKU001', item_name: 'Tee', doctype: 'Item' });
    const many = await site.call('POST', M('set_value'), {
      json: { doctype: 'Item', name: 'SKU001', fieldname: { standard_rate: 450, description: 'Cotton' } },
    });
    expect(many.body.message).toMatchObject({ standard_rate: 450, description: 'Cotton', item_name: 'Tee' });
    expect(many.body.message.modified > one.body.message.modified).toBe(true);
    const standard = await site.call('POST', M('set_value'), {
      json: { doctype: 'Item', name: 'SKU001', fieldname: 'modified', value: '2000-01-01' },
    });
    expect(standard.status).toBe(417);
  });

  it('insert and insert_many (names; at most 200; all or nothing)', async () => {
    const inserted = await site.call('POST', M('insert'), {
      form: { doc: JSON.stringify({ doctype: 'Customer', customer_name: 'Inserted Co' }) },
    });
    expect(inserted.body.message).toMatchObject({ name: 'Inserted Co', doctype: 'Customer' });
    const docs = [1, 2, 3].map((n) => ({ doctype: 'Customer', customer_name: `Bulk ${n}` }));
    const many = await site.call('POST', M('insert_many'), { json: { docs } });
    expect(many.body).toEqual({ message: ['Bulk 1', 'Bulk 2', 'Bulk 3'] });
    const before = site.emulator.documentCount('Customer');
    const broken = await site.call('POST', M('insert_many'), {
      form: {
        docs: JSON.stringify([
          { doctype: 'Customer', customer_name: 'Bulk 4' },
          { doctype: 'Customer', customer_name: 'Bulk 1' },
        ]),
      },
    });
    expect(broken.status).toBe(409);
    expect(site.emulator.documentCount('Customer')).toBe(before);
    const tooMany = Array.from({ length: 201 }, (_, n) => ({
      doctype: 'Customer',
      customer_name: `Over ${n}`,
    }));
    const refused = await site.call('POST', M('insert_many'), { json: { docs: tooMany } });
    expect(refused.status).toBe(417);
    expect(serverMessages(refused.body)[0]).toContain('200');
    expect(site.emulator.documentCount('Customer')).toBe(before);
  });

  it('insert of a child row appends it to the parent and returns the parent', async () => {
    const name = site.emulator.insertDocument('Sales Order', {
      customer: 'Jane Doe',
      items: [{ item_code: 'SKU001', qty: 1 }],
    }).name as string;
    const response = await site.call('POST', M('insert'), {
      json: {
        doc: {
          doctype: 'Sales Order Item',
          parent: name,
          parenttype: 'Sales Order',
          parentfield: 'items',
          item_code: 'SKU003',
          qty: 2,
        },
      },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.message.name).toBe(name);
    expect(response.body.message.items).toHaveLength(2);
  });

  it('save compares modified; submit and cancel move docstatus', async () => {
    const draft = site.emulator.insertDocument('Sales Order', {
      customer: 'Jane Doe',
      items: [{ item_code: 'SKU002', qty: 1 }],
    });
    const saved = await site.call('POST', M('save'), { json: { doc: { ...draft, po_no: 'SAVE-1' } } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.message.po_no).toBe('SAVE-1');
    const stale = await site.call('POST', M('save'), { json: { doc: { ...draft, po_no: 'SAVE-2' } } });
    expect(stale.body.exc_type).toBe('TimestampMismatchError');
    const submitted = await site.call('POST', M('submit'), {
      form: { doc: JSON.stringify(saved.body.message) },
    });
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.message).toMatchObject({ docstatus: 1, status: 'To Deliver and Bill' });
    const cancelled = await site.call('POST', M('cancel'), {
      form: { doctype: 'Sales Order', name: draft.name as string },
    });
    expect(cancelled.body.message).toMatchObject({ docstatus: 2, status: 'Cancelled' });
    const salesCancel = await site.call('POST', M('cancel'), {
      as: 'sales',
      form: { doctype: 'Sales Order', name: `SAL-ORD-${new Date().toISOString().slice(0, 4)}-00001` },
    });
    expect(salesCancel.status).toBe(403);
  });

  it('delete removes the doc (message absent)', async () => {
    site.emulator.insertDocument('Customer', { customer_name: 'Delete Me' });
    const response = await site.call('POST', M('delete'), {
      form: { doctype: 'Customer', name: 'Delete Me' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expect(site.emulator.getDocument('Customer', 'Delete Me')).toBeUndefined();
  });

  it('rename_doc renames, moves links, refuses a taken name unless merging', async () => {
    const order = site.emulator.insertDocument('Sales Order', {
      customer: 'Inserted Co',
      items: [{ item_code: 'SKU003', qty: 1 }],
    });
    const renamed = await site.call('POST', M('rename_doc'), {
      json: { doctype: 'Customer', old_name: 'Inserted Co', new_name: 'Renamed Co' },
    });
    expect(renamed.body).toEqual({ message: 'Renamed Co' });
    expect(site.emulator.getDocument('Customer', 'Inserted Co')).toBeUndefined();
    expect(site.emulator.getDocument('Customer', 'Renamed Co')!.customer_name).toBe('Renamed Co');
    expect(site.emulator.getDocument('Sales Order', order.name as string)!.customer).toBe('Renamed Co');
    const taken = await site.call('POST', M('rename_doc'), {
      json: { doctype: 'Customer', old_name: 'Renamed Co', new_name: 'Jane Doe' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.exc_type).toBe('DuplicateEntryError');
    const merged = await site.call('POST', M('rename_doc'), {
      json: { doctype: 'Customer', old_name: 'Renamed Co', new_name: 'Jane Doe', merge: 1 },
    });
    expect(merged.body.message).toBe('Jane Doe');
    expect(site.emulator.getDocument('Sales Order', order.name as string)!.customer).toBe('Jane Doe');
    const notAllowed = await site.call('POST', M('rename_doc'), {
      json: { doctype: 'Sales Order', old_name: order.name, new_name: 'X' },
    });
    expect(notAllowed.status).toBe(417);
  });

  it('unknown methods are 417 (quirk 20)', async () => {
    const response = await site.call('POST', M('no_such_method'));
    expect(response.status).toBe(417);
  });
});
