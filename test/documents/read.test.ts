import { afterAll, describe, expect, it } from 'vitest';
import { FrappeNotFoundError, FrappePermissionError } from '../../src';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS, pathsOf, served, signedIn } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

interface Customer {
  name: string;
  customer_name: string;
  customer_group: string | null;
  territory: string | null;
  credit_limit: number;
  [field: string]: unknown;
}

describe.each(API_VARIANTS)('reading documents on $label', (variant) => {
  const paths = pathsOf(variant);
  it('getDoc resolves the whole document, child tables included', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const customer = await client.getDoc<Customer>('Customer', 'Grant Plastics Ltd.');
    expect(customer).toMatchObject({
      name: 'Grant Plastics Ltd.',
      doctype: 'Customer',
      customer_group: 'Commercial',
      credit_limit: 50000,
    });
    expect(customer.modified).toBe(site.getDocument('Customer', 'Grant Plastics Ltd.')?.modified);

    const [draft] = await client.getList<{ name: string; docstatus: number }>('Sales Order', {
      filters: { docstatus: 0 },
    });
    const order = await client.getDoc<{ items: Array<{ item_code: string }> }>('Sales Order', draft!.name);
    expect(order.items.map((row) => row.item_code)).toEqual(['SKU002', 'SVC-INSTALL']);
  });

  it('getDoc of a missing document is FrappeNotFoundError (a readable doctype), 404 on every release', async () => {
    const { client } = await signedIn(variant, 'alice');
    const error = await rejectionOf(client.getDoc('Customer', 'No Such Customer'), FrappeNotFoundError);
    expect(error.status).toBe(404);
    expect(error.excType).toBe('DoesNotExistError');
  });

  it('getList without limit answers Frappe 20 rows, 0 answers all, start skips', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.generateDocuments('Customer', 30);
    const total = site.documentCount('Customer');
    expect(total).toBe(34);

    const page = await client.getList<{ name: string }>('Customer');
    expect(page).toHaveLength(20);
    expect(Object.keys(page[0]!)).toEqual(['name']);

    const all = await client.getList<{ name: string }>('Customer', { limit: 0, orderBy: 'name asc' });
    expect(all).toHaveLength(total);
    const names = all.map((row) => row.name);
    expect(names).toEqual([...names].sort());

    const window = await client.getList<{ name: string }>('Customer', {
      orderBy: 'name asc',
      limit: 5,
      start: 10,
    });
    expect(window.map((row) => row.name)).toEqual(names.slice(10, 15));
  });

  it('getList sends fields, list and dict filters, orFilters and orderBy as Frappe reads them', async () => {
    const { client } = await signedIn(variant, 'alice');
    const listForm = await client.getList<Customer>('Customer', {
      fields: ['name', 'customer_group', 'credit_limit'],
      filters: [['customer_group', '=', 'Commercial']],
      orderBy: 'credit_limit desc',
    });
    expect(listForm).toEqual([
      { name: 'Grant Plastics Ltd.', customer_group: 'Commercial', credit_limit: 50000 },
      { name: 'West View Software Ltd.', customer_group: 'Commercial', credit_limit: 20000 },
    ]);

    const dictForm = await client.getList<Customer>('Customer', {
      fields: ['name', 'customer_group', 'credit_limit'],
      filters: { customer_group: 'Commercial' },
      orderBy: 'credit_limit desc',
    });
    expect(dictForm).toEqual(listForm);

    const dictOperator = await client.getList<Customer>('Customer', {
      filters: { credit_limit: ['>', 30000] },
    });
    expect(dictOperator.map((row) => row.name)).toEqual(['Grant Plastics Ltd.']);

    const either = await client.getList<Customer>('Customer', {
      fields: ['name', 'territory'],
      orFilters: [
        ['territory', '=', 'India'],
        ['territory', '=', 'United Kingdom'],
      ],
      orderBy: 'name asc',
    });
    expect(either).toEqual([
      { name: 'Palmer Productions Ltd.', territory: 'United Kingdom' },
      { name: 'West View Software Ltd.', territory: 'India' },
    ]);

    const both = await client.getList<Customer>('Customer', {
      filters: { customer_group: 'Commercial' },
      orFilters: { territory: 'India', customer_name: 'Jane Doe' },
    });
    expect(both.map((row) => row.name)).toEqual(['West View Software Ltd.']);

    const like = await client.getList<Customer>('Customer', {
      fields: ['*'],
      filters: [['customer_name', 'like', '%Ltd.']],
      orderBy: 'name asc',
    });
    expect(like.map((row) => row.name)).toEqual([
      'Grant Plastics Ltd.',
      'Palmer Productions Ltd.',
      'West View Software Ltd.',
    ]);
    expect(like[0]).toHaveProperty('email_id');
  });

  it('getList of a doctype the user cannot read is FrappePermissionError', async () => {
    const { client } = await signedIn(variant, 'bob');
    const error = await rejectionOf(client.getList('Customer'), FrappePermissionError);
    expect(error.status).toBe(403);
  });

  it('getCount counts all rows or the filtered ones', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    expect(await client.getCount('Customer', { customer_group: 'Commercial' })).toBe(2);
    expect(await client.getCount('Customer', [['credit_limit', '>', 25000]])).toBe(1);
    site.generateDocuments('Customer', 7);
    expect(await client.getCount('Customer')).toBe(11);
    expect(served(site, 'GET', paths.count('Customer'))).toBe(3);
  });

  it('getValue answers one field as its value and several as an object, by name or by filters', async () => {
    const { client } = await signedIn(variant, 'alice');
    expect(await client.getValue('Customer', 'customer_group', 'Grant Plastics Ltd.')).toBe('Commercial');
    expect(await client.getValue('Customer', 'credit_limit', { territory: 'India' })).toBe(20000);
    expect(
      await client.getValue('Customer', ['customer_group', 'territory'], 'West View Software Ltd.'),
    ).toEqual({ customer_group: 'Commercial', territory: 'India' });
    expect(
      await client.getValue('Customer', ['name', 'customer_type'], [['email_id', '=', 'jane@example.com']]),
    ).toEqual({ name: 'Jane Doe', customer_type: 'Individual' });
    expect(await client.getValue('Item', 'item_name', 'SKU002')).toBe('Laptop');
  });

  it('getValue of no matching document resolves nothing rather than inventing a value', async () => {
    const { client } = await signedIn(variant, 'alice');
    expect(await client.getValue('Customer', 'customer_group', 'No Such Customer')).toBeUndefined();
    expect(await client.getValue('Customer', ['customer_group'], { territory: 'Mars' })).toEqual({});
  });

  it('call sends GET params in the query and POST params in the body, and resolves the message', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    expect(await client.call('frappe.auth.get_logged_user', {}, { httpMethod: 'GET' })).toBe(
      'alice@example.com',
    );
    const count = await client.call<number>(
      'frappe.client.get_count',
      { doctype: 'Customer', filters: { customer_group: 'Commercial' } },
      { httpMethod: 'GET' },
    );
    expect(count).toBe(2);
    expect(served(site, 'GET', paths.method('frappe.client.get_count'))).toBe(1);

    const rows = await client.call<Array<{ name: string }>>('frappe.client.get_list', {
      doctype: 'Item',
      filters: [['item_group', '=', 'Services']],
    });
    expect(rows).toEqual([{ name: 'SVC-INSTALL' }]);
    expect(served(site, 'POST', paths.method('frappe.client.get_list'))).toBe(1);

    const saved = await client.call<Customer>('frappe.client.set_value', {
      doctype: 'Customer',
      name: 'Jane Doe',
      fieldname: 'mobile_no',
      value: '+1 555 0100',
    });
    expect(saved.mobile_no).toBe('+1 555 0100');
    expect(site.getDocument('Customer', 'Jane Doe')?.mobile_no).toBe('+1 555 0100');
  });

  it('a GET call of a POST-only method is the site PermissionError, not a silent success', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const before = site.getDocument('Customer', 'Jane Doe');
    const error = await rejectionOf(
      client.call(
        'frappe.client.set_value',
        { doctype: 'Customer', name: 'Jane Doe', fieldname: 'mobile_no', value: 'x' },
        { httpMethod: 'GET' },
      ),
      FrappePermissionError,
    );
    expect(error.status).toBe(403);
    expect(site.getDocument('Customer', 'Jane Doe')).toEqual(before);
  });

  // `request` sends what it is given, whatever apiVersion says: these are v1 routes on every variant.
  it('request resolves the AxiosResponse with its JSON body parsed', async () => {
    const { client } = await signedIn(variant, 'alice');
    const response = await client.request<{ data: Customer }>({
      url: '/api/resource/Customer/Jane%20Doe',
    });
    expect(response.status).toBe(200);
    expect(response.data.data.customer_type).toBe('Individual');
    expect(String(response.headers['content-type'])).toContain('application/json');

    const posted = await client.request<{ message: string[] }>({
      method: 'POST',
      url: '/api/method/frappe.client.get_list',
      data: { doctype: 'Customer', filters: { territory: 'India' } },
    });
    expect(posted.data.message).toEqual([{ name: 'West View Software Ltd.' }]);

    const error = await rejectionOf(client.request({ url: '/api/resource/Item/NOPE' }), FrappeNotFoundError);
    expect(error.status).toBe(404);
  });
});
