import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorProfileName, isProfileName } from '../../../src/testing/profiles';
import { type RestSite, startSite } from './helpers';

/** The profiles that serve REST API v2 (v16 once the emulator has it). */
const V2_PROFILES: EmulatorProfileName[] = isProfileName('v16') ? ['v15', 'v16'] : ['v15'];

const document = (doctype: string, name?: string) =>
  `/api/v2/document/${encodeURIComponent(doctype)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

describe.each(V2_PROFILES)('REST API v2 on %s', (profile) => {
  let site: RestSite;
  beforeAll(async () => {
    site = await startSite(profile);
  });
  afterAll(() => site.stop());

  it('creates from the JSON body itself, reads, updates with PATCH and PUT, and deletes with 202 {"data": "ok"}', async () => {
    const created = await site.call('POST', document('Customer'), {
      json: { customer_name: 'V2 Create Ltd.', customer_group: 'Commercial' },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body.data).toMatchObject({ name: 'V2 Create Ltd.', doctype: 'Customer', docstatus: 0 });
    expect(created.body).not.toHaveProperty('message');

    const read = await site.call('GET', document('Customer', 'V2 Create Ltd.'));
    expect(read.status).toBe(200);
    expect(read.body.data.customer_group).toBe('Commercial');

    const patched = await site.call('PATCH', document('Customer', 'V2 Create Ltd.'), {
      json: { credit_limit: 10 },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.data.credit_limit).toBe(10);
    const put = await site.call('PUT', document('Customer', 'V2 Create Ltd.'), {
      json: { credit_limit: 20, modified: patched.body.data.modified },
    });
    expect(put.status, put.text).toBe(200);
    expect(site.emulator.getDocument('Customer', 'V2 Create Ltd.')?.credit_limit).toBe(20);

    const removed = await site.call('DELETE', document('Customer', 'V2 Create Ltd.'));
    expect(removed.status).toBe(202);
    expect(removed.body).toEqual({ data: 'ok' });
    expect(site.emulator.getDocument('Customer', 'V2 Create Ltd.')).toBeUndefined();
  });

  it('a stale modified is TimestampMismatchError (417) in the v2 envelope, with the message merged into the error', async () => {
    const before = site.emulator.getDocument('Customer', 'Grant Plastics Ltd.');
    site.emulator.updateDocument('Customer', 'Grant Plastics Ltd.', { credit_limit: 50001 });
    const response = await site.call('PUT', document('Customer', 'Grant Plastics Ltd.'), {
      json: { credit_limit: 1, modified: before?.modified },
    });
    expect(response.status).toBe(417);
    expect(Object.keys(response.body)).toEqual(['errors']);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors[0]).toMatchObject({
      type: 'TimestampMismatchError',
      indicator: 'red',
    });
    expect(response.body.errors[0].message).toContain('Document has been modified after you have opened it');
    expect(response.body.errors[0]).not.toHaveProperty('raise_exception');
    expect(response.body).not.toHaveProperty('exc_type');
    expect(response.body).not.toHaveProperty('_server_messages');
  });

  it('a missing document is 404 DoesNotExistError without a traceback; an unknown route too', async () => {
    const missing = await site.call('GET', document('Customer', 'Nobody Ltd.'));
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0]).toEqual({
      type: 'DoesNotExistError',
      message: 'Customer Nobody Ltd. not found',
      indicator: 'red',
    });
    const unknown = await site.call('GET', '/api/v2/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: [{ type: 'DoesNotExistError' }] });
  });

  it('a permission error carries its message in errors; tracebacks follow the profile', async () => {
    const response = await site.call('POST', document('Item'), {
      as: 'sales',
      json: { item_code: 'V2-NOPE', item_group: 'Products' },
    });
    expect(response.status).toBe(403);
    expect(response.body.errors[0].type).toBe('PermissionError');
    expect(response.body.errors[0].message).toContain('does not have doctype access');
    // A System User (sales) may see tracebacks on every profile that serves v2.
    expect(response.body.errors[0].exception).toContain('frappe.exceptions.PermissionError');
  });

  it('lists with start and limit, answers has_next_page, and limit=0 is an empty page', async () => {
    const all = await site.call('GET', document('Customer'), {
      query: { fields: ['name'], order_by: 'name asc', limit: 1000 },
    });
    expect(all.status, all.text).toBe(200);
    expect(all.body.has_next_page).toBe(false);
    const names = all.body.data.map((row: { name: string }) => row.name);
    expect(names.length).toBeGreaterThan(3);

    const page = await site.call('GET', document('Customer'), {
      query: { order_by: 'name asc', start: 1, limit: 2 },
    });
    expect(page.body.data.map((row: { name: string }) => row.name)).toEqual(names.slice(1, 3));
    expect(page.body.has_next_page).toBe(true);

    const last = await site.call('GET', document('Customer'), {
      query: { order_by: 'name asc', start: names.length - 2, limit: 2 },
    });
    expect(last.body.data).toHaveLength(2);
    expect(last.body.has_next_page).toBe(false);

    const empty = await site.call('GET', document('Customer'), { query: { limit: 0 } });
    expect(empty.status).toBe(200);
    expect(empty.body.data).toEqual([]);
    expect(empty.body.has_next_page).toBe(true);

    // v1's names are not read by v2: limit_page_length leaves the default 20 rows.
    site.emulator.generateDocuments('Customer', 25);
    const v1Names = await site.call('GET', document('Customer'), { query: { limit_page_length: 3 } });
    expect(v1Names.body.data).toHaveLength(20);
  });

  it('filters and or_filters apply to lists and counts', async () => {
    const filtered = await site.call('GET', document('Customer'), {
      query: { filters: [['customer_group', '=', 'Commercial']], fields: ['name', 'customer_group'] },
    });
    expect(filtered.body.data.length).toBeGreaterThan(0);
    expect(
      filtered.body.data.every((row: { customer_group: string }) => row.customer_group === 'Commercial'),
    ).toBe(true);
    const count = await site.call('GET', '/api/v2/doctype/Customer/count', {
      query: { filters: { customer_group: 'Commercial' } },
    });
    expect(count.status, count.text).toBe(200);
    expect(count.body).toEqual({ data: filtered.body.data.length });
  });

  it('methods answer {"data": …}; a method returning None answers no data; Guest is refused', async () => {
    const ping = await site.call('GET', '/api/v2/method/ping', { as: 'guest' });
    expect(ping.status).toBe(200);
    expect(ping.body).toEqual({ data: 'pong' });
    const value = await site.call('GET', '/api/v2/method/frappe.client.get_value', {
      query: { doctype: 'Customer', fieldname: 'customer_group', filters: 'Grant Plastics Ltd.', as_dict: 0 },
    });
    expect(value.body).toEqual({ data: 'Commercial' });
    const guest = await site.call('GET', '/api/v2/method/frappe.client.get_count', {
      as: 'guest',
      query: { doctype: 'Customer' },
    });
    expect(guest.status).toBe(403);
    expect(guest.body.errors[0].type).toBe('PermissionError');
    const unknown = await site.call('POST', '/api/v2/method/no.such.method', { json: {} });
    expect(unknown.status).toBe(417);
    expect(unknown.body.errors[0].type).toBe('ValidationError');
  });

  it('document methods: GET needs read, POST write; the result in data, the document in docs', async () => {
    const greeting = await site.call(
      'GET',
      `${document('Customer', 'Grant Plastics Ltd.')}/method/get_greeting`,
      { as: 'sales', query: { greeting: 'Hi' } },
    );
    expect(greeting.status, greeting.text).toBe(200);
    expect(greeting.body.data).toBe('Hi, Grant Plastics Ltd.!');
    expect(greeting.body.docs[0]).toMatchObject({ name: 'Grant Plastics Ltd.', doctype: 'Customer' });

    const draft = await site.call('POST', document('Sales Order'), {
      json: {
        customer: 'Grant Plastics Ltd.',
        delivery_date: '2031-01-01',
        items: [{ item_code: 'SKU001', qty: 1 }],
      },
    });
    expect(draft.status, draft.text).toBe(200);
    const submitted = await site.call(
      'POST',
      `${document('Sales Order', draft.body.data.name)}/method/submit`,
      {
        json: {},
      },
    );
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body).not.toHaveProperty('data');
    expect(submitted.body.docs[0].docstatus).toBe(1);
  });

  it('uploads through /api/v2/method/upload_file and answers the File under data', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello v2']), 'v2.txt');
    form.append('is_private', '0');
    const response = await site.call('POST', '/api/v2/method/upload_file', { multipart: form });
    expect(response.status, response.text).toBe(200);
    expect(response.body.data).toMatchObject({ file_name: 'v2.txt', is_private: 0 });
  });

  it('a known route with another verb is 405', async () => {
    const response = await site.call('DELETE', document('Customer'));
    expect(response.status).toBe(405);
  });
});

describe('REST API v2 on v14', () => {
  it('is an unknown route (404 in the v1 envelope)', async () => {
    const site = await startSite('v14');
    try {
      const response = await site.call('GET', '/api/v2/method/ping', { as: 'guest' });
      expect(response.status).toBe(404);
      expect(response.body).not.toHaveProperty('errors');
      expect(response.body).not.toHaveProperty('data');
    } finally {
      await site.stop();
    }
  });
});
