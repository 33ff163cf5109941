import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorProfileName } from '../../../src/testing/profiles';
import { type RestSite, serverMessages, startSite } from './helpers';

const PROFILES: EmulatorProfileName[] = ['v14', 'v15', 'develop'];

describe.each(PROFILES)('documents over /api/resource, profile %s', (profile) => {
  let site: RestSite;
  beforeAll(async () => {
    site = await startSite(profile);
  });
  afterAll(() => site.stop());

  describe('insert', () => {
    it('names by customer_name, sets the standard fields and ignores a body doctype/name', async () => {
      const response = await site.call('POST', site.resource('Customer'), {
        json: {
          doctype: 'Item',
          name: 'ignored',
          customer_name: '  Acme Inc  ',
          customer_group: 'Commercial',
        },
      });
      expect(response.status, response.text).toBe(200);
      const doc = response.body.data;
      expect(doc).toMatchObject({
        name: 'Acme Inc',
        doctype: 'Customer',
        owner: 'Administrator',
        modified_by: 'Administrator',
        docstatus: 0,
        customer_type: 'Company',
      });
      expect(doc.modified).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      expect(doc.creation).toBe(doc.modified);
      expect(site.emulator.getDocument('Customer', 'Acme Inc')).toMatchObject({
        customer_group: 'Commercial',
      });
    });

    it('a duplicate name is 409 DuplicateEntryError', async () => {
      const response = await site.call('POST', site.resource('Customer'), {
        json: { customer_name: 'Jane Doe' },
      });
      expect(response.status).toBe(409);
      expect(serverMessages(response.body)[0]).toContain('already exists');
      // A bare raise after msgprint: v14 leaves exc_type out, v15+ always set it (§8.2).
      expect(response.body.exc_type).toBe(profile === 'v14' ? undefined : 'DuplicateEntryError');
    });

    it('accepts the form field `data` holding JSON', async () => {
      const response = await site.call('POST', site.resource('Item'), {
        form: { data: JSON.stringify({ item_code: 'FORM-1', item_group: 'Products', stock_uom: 'Nos' }) },
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body.data).toMatchObject({ name: 'FORM-1', item_name: 'FORM-1', is_stock_item: 1 });
    });

    it('names Sales Orders by series and fills child rows', async () => {
      const response = await site.call('POST', site.resource('Sales Order'), {
        json: {
          customer: 'Jane Doe',
          items: [
            { item_code: 'SKU001', qty: 2 },
            { item_code: 'SKU003', qty: 1, rate: 10 },
          ],
        },
      });
      expect(response.status, response.text).toBe(200);
      const doc = response.body.data;
      expect(doc.name).toMatch(/^SAL-ORD-\d{4}-\d{5}$/);
      expect(doc).toMatchObject({
        status: 'Draft',
        grand_total: 810,
        total_qty: 3,
        customer_name: 'Jane Doe',
      });
      expect(doc.items[1]).toMatchObject({
        parent: doc.name,
        parenttype: 'Sales Order',
        parentfield: 'items',
        doctype: 'Sales Order Item',
        idx: 2,
        amount: 10,
        item_name: 'Book',
      });
      expect(doc.items[0].name).toMatch(/^[0-9a-f]{10}$/);
    });

    it('missing mandatory fields → 417 MandatoryError; a bad Link → 417 LinkValidationError', async () => {
      const mandatory = await site.call('POST', site.resource('Item'), { json: { item_code: 'NO-GROUP' } });
      expect(mandatory.status).toBe(417);
      expect(serverMessages(mandatory.body)[0]).toContain('Item Group');
      if (profile !== 'v14') expect(mandatory.body.exc_type).toBe('MandatoryError');
      const link = await site.call('POST', site.resource('Sales Order'), {
        json: { customer: 'Nobody Ltd', items: [{ item_code: 'SKU001', qty: 1 }] },
      });
      expect(link.status).toBe(417);
      expect(link.body.exc_type).toBe('LinkValidationError');
      expect(serverMessages(link.body)[0]).toContain('Nobody Ltd');
    });
  });

  describe('read', () => {
    it('returns the full doc with child tables', async () => {
      const response = await site.call('GET', site.resource('Sales Order', `SAL-ORD-${year()}-00002`));
      expect(response.status).toBe(200);
      expect(response.body.data.items).toHaveLength(2);
      expect(response.body.data.doctype).toBe('Sales Order');
    });

    it('a missing doc is 404 DoesNotExistError with "<DocType> <name> not found"', async () => {
      const response = await site.call('GET', site.resource('Customer', 'Missing Co'));
      expect(response.status).toBe(404);
      expect(response.body.exc_type).toBe('DoesNotExistError');
      expect(serverMessages(response.body)).toEqual(['Customer Missing Co not found']);
    });
  });

  describe('update', () => {
    it('merges the body, bumps modified and keeps other fields', async () => {
      const before = site.emulator.getDocument('Customer', 'Grant Plastics Ltd.')!;
      const response = await site.call('PUT', site.resource('Customer', 'Grant Plastics Ltd.'), {
        json: { territory: 'Canada', modified: before.modified },
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body.data).toMatchObject({ territory: 'Canada', customer_group: 'Commercial' });
      expect(response.body.data.modified > (before.modified as string)).toBe(true);
    });

    it('a stale modified is 417 TimestampMismatchError; no modified means last writer wins', async () => {
      const stale = site.emulator.getDocument('Customer', 'Palmer Productions Ltd.')!.modified as string;
      site.emulator.updateDocument('Customer', 'Palmer Productions Ltd.', { territory: 'France' });
      const conflict = await site.call('PUT', site.resource('Customer', 'Palmer Productions Ltd.'), {
        json: { territory: 'Spain', modified: stale },
      });
      expect(conflict.status).toBe(417);
      expect(conflict.body.exc_type).toBe('TimestampMismatchError');
      expect(serverMessages(conflict.body)[0]).toContain(
        'Document has been modified after you have opened it',
      );
      expect(site.emulator.getDocument('Customer', 'Palmer Productions Ltd.')!.territory).toBe('France');
      const blind = await site.call('PUT', site.resource('Customer', 'Palmer Productions Ltd.'), {
        json: { territory: 'Spain' },
      });
      expect(blind.body.data.territory).toBe('Spain');
    });

    it('a submitted doc only takes allow_on_submit fields (417 UpdateAfterSubmitError)', async () => {
      const name = `SAL-ORD-${year()}-00001`;
      const bad = await site.call('PUT', site.resource('Sales Order', name), {
        json: { delivery_date: '2031-01-01' },
      });
      expect(bad.status).toBe(417);
      expect(bad.body.exc_type).toBe('UpdateAfterSubmitError');
      const ok = await site.call('PUT', site.resource('Sales Order', name), { json: { po_no: 'PO-1' } });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.data.po_no).toBe('PO-1');
    });

    it('a cancelled doc cannot be edited', async () => {
      const response = await site.call('PUT', site.resource('Sales Order', `SAL-ORD-${year()}-00004`), {
        json: { po_no: 'x' },
      });
      expect(response.status).toBe(417);
      expect(serverMessages(response.body)[0]).toContain('Cannot edit cancelled document');
    });
  });

  describe('delete', () => {
    it(`answers 202 with the ${profile === 'v14' ? 'message' : 'data'} key`, async () => {
      await site.call('POST', site.resource('Customer'), { json: { customer_name: 'Short Lived' } });
      const response = await site.call('DELETE', site.resource('Customer', 'Short Lived'));
      expect(response.status).toBe(202);
      expect(response.body).toEqual(profile === 'v14' ? { message: 'ok' } : { data: 'ok' });
      expect(site.emulator.getDocument('Customer', 'Short Lived')).toBeUndefined();
    });

    it('refuses submitted documents and linked documents (417)', async () => {
      const submitted = await site.call('DELETE', site.resource('Sales Order', `SAL-ORD-${year()}-00003`));
      expect(submitted.status).toBe(417);
      expect(serverMessages(submitted.body)[0]).toContain('Submitted Record cannot be deleted');
      const linked = await site.call('DELETE', site.resource('Customer', 'West View Software Ltd.'));
      expect(linked.status).toBe(417);
      expect(linked.body.exc_type).toBe('LinkExistsError');
    });

    it('a missing doc is 404', async () => {
      const response = await site.call('DELETE', site.resource('Customer', 'Never Was'));
      expect(response.status).toBe(404);
    });
  });

  describe('submit and cancel via PUT docstatus and run_method', () => {
    it('PUT docstatus 1 submits, run_method=cancel cancels', async () => {
      const created = await site.call('POST', site.resource('Sales Order'), {
        json: { customer: 'Jane Doe', items: [{ item_code: 'SKU002', qty: 1 }] },
      });
      const name = created.body.data.name as string;
      const submitted = await site.call('PUT', site.resource('Sales Order', name), {
        json: { docstatus: 1 },
      });
      expect(submitted.body.data).toMatchObject({ docstatus: 1, status: 'To Deliver and Bill' });
      expect(submitted.body.data.items[0].docstatus).toBe(1);
      const cancelled = await site.call('POST', site.resource('Sales Order', name), {
        json: { run_method: 'cancel' },
      });
      expect(cancelled.status, cancelled.text).toBe(200);
      expect(site.emulator.getDocument('Sales Order', name)).toMatchObject({
        docstatus: 2,
        status: 'Cancelled',
      });
      const again = await site.call('PUT', site.resource('Sales Order', name), { json: { docstatus: 1 } });
      expect(again.status).toBe(417);
    });

    it('cancelling a draft is 417 DocstatusTransitionError', async () => {
      const response = await site.call('PUT', site.resource('Sales Order', `SAL-ORD-${year()}-00002`), {
        json: { docstatus: 2 },
      });
      expect(response.status).toBe(417);
      expect(response.body.exc_type).toBe('DocstatusTransitionError');
    });
  });

  describe('run_method', () => {
    it('GET runs a read method with query arguments: {data: value}', async () => {
      const response = await site.call('GET', site.resource('Customer', 'Jane Doe'), {
        query: { run_method: 'get_greeting', greeting: 'Hi' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: 'Hi, Jane Doe!' });
    });

    it('POST runs a write method (Sales Order update_status)', async () => {
      const name = `SAL-ORD-${year()}-00003`;
      const before = site.emulator.getDocument('Sales Order', name)!;
      const response = await site.call(
        'POST',
        `${site.resource('Sales Order', name)}?run_method=update_status`,
        {
          form: { status: 'On Hold' },
        },
      );
      expect(response.status, response.text).toBe(200);
      const after = site.emulator.getDocument('Sales Order', name)!;
      expect(after.status).toBe('On Hold');
      expect((after.modified as string) > (before.modified as string)).toBe(true);
    });

    it('an unknown method is 404, a non-whitelisted one 403', async () => {
      const unknown = await site.call('GET', site.resource('Customer', 'Jane Doe'), {
        query: { run_method: 'nope' },
      });
      expect(unknown.status).toBe(404);
      const hidden = await site.call('POST', site.resource('Customer', 'Jane Doe'), {
        json: { run_method: 'db_set' },
      });
      expect(hidden.status).toBe(403);
    });
  });

  describe('DocType metadata', () => {
    it('returns the doctype with its fields', async () => {
      const response = await site.call('GET', site.resource('DocType', 'Sales Order'), { as: 'sales' });
      expect(response.status).toBe(200);
      const meta = response.body.data;
      expect(meta).toMatchObject({ name: 'Sales Order', module: 'Selling', istable: 0, is_submittable: 1 });
      expect(meta.autoname).toBe('naming_series:');
      const items = meta.fields.find((field: { fieldname: string }) => field.fieldname === 'items');
      expect(items).toMatchObject({ fieldtype: 'Table', options: 'Sales Order Item', reqd: 1 });
      const child = await site.call('GET', site.resource('DocType', 'Sales Order Item'));
      expect(child.body.data.istable).toBe(1);
      const customer = await site.call('GET', site.resource('DocType', 'Customer'));
      expect(customer.body.data.autoname).toBe('field:customer_name');
    });

    it('lists doctypes and refuses to change them', async () => {
      const list = await site.call('GET', site.resource('DocType'), {
        query: { filters: { istable: 0 }, limit_page_length: 0 },
      });
      expect(list.body.data.map((row: { name: string }) => row.name)).toEqual(
        expect.arrayContaining(['Customer', 'Item', 'Sales Order', 'File']),
      );
      const edit = await site.call('PUT', site.resource('DocType', 'Customer'), {
        json: { module: 'Other' },
      });
      expect(edit.status).toBe(417);
    });
  });
});

function year(): string {
  return new Date().toISOString().slice(0, 4);
}
