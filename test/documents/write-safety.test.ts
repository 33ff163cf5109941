import { afterAll, describe, expect, it } from 'vitest';
import {
  FrappeConflictError,
  FrappeDuplicateEntryError,
  FrappeNetworkError,
  FrappeServerError,
} from '../../src';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS, newSalesOrder, pathsOf, served, signedIn } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

type Doc = Record<string, unknown> & { name: string; modified: string };

describe.each(API_VARIANTS)(
  'writes are never duplicated nor turned into errors by retries on $label',
  (variant) => {
    const paths = pathsOf(variant);
    const CUSTOMERS = paths.resource('Customer');
    it('an insert without a chosen name is not repeated after a 502: one request, no document', async () => {
      const { site, client } = await signedIn(variant, 'alice');
      const before = site.documentCount('Customer');
      site.injectFault(CUSTOMERS, { kind: 'status', status: 502 }, { method: 'POST' });
      const error = await rejectionOf(
        client.insertDoc('Customer', { customer_name: 'Once Ltd.' }),
        FrappeServerError,
      );
      expect(error.status).toBe(502);
      expect(served(site, 'POST', CUSTOMERS)).toBe(1);
      expect(site.documentCount('Customer')).toBe(before);
    });

    it('an insert without a chosen name is not repeated after a dropped connection', async () => {
      const { site, client } = await signedIn(variant, 'alice');
      const before = site.documentCount('Customer');
      site.injectFault(CUSTOMERS, { kind: 'drop' }, { method: 'POST' });
      await rejectionOf(client.insertDoc('Customer', { customer_name: 'Once Ltd.' }), FrappeNetworkError);
      expect(served(site, 'POST', CUSTOMERS)).toBe(1);
      expect(site.documentCount('Customer')).toBe(before);
    });

    it('an insert without a chosen name whose answer was lost after the save rejects, and exists once', async () => {
      const { site, client } = await signedIn(variant, 'admin');
      const before = site.documentCount('Sales Order');
      site.injectFault(paths.resource('Sales Order'), { kind: 'drop-after-write' }, { method: 'POST' });
      await rejectionOf(client.insertDoc('Sales Order', newSalesOrder()), FrappeNetworkError);
      expect(served(site, 'POST', paths.resource('Sales Order'))).toBe(1);
      expect(site.documentCount('Sales Order')).toBe(before + 1);

      site.injectFault(paths.resource('Sales Order'), { kind: 'truncate' }, { method: 'POST' });
      await rejectionOf(client.insertDoc('Sales Order', newSalesOrder()), FrappeNetworkError);
      expect(served(site, 'POST', paths.resource('Sales Order'))).toBe(2);
      expect(site.documentCount('Sales Order')).toBe(before + 2);
    });

    it('a 429 on a POST is retried: the rate limiter turned it away before the handler', async () => {
      const { site, client } = await signedIn(variant, 'alice');
      const before = site.documentCount('Customer');
      site.injectFault(CUSTOMERS, { kind: 'rate-limit', retryAfterSeconds: 0 }, { method: 'POST' });
      const saved = await client.insertDoc<Doc>('Customer', { customer_name: 'Patient Ltd.' });
      expect(saved.name).toBe('Patient Ltd.');
      expect(site.requests().map((entry) => entry.status)).toEqual([429, 200]);
      expect(site.documentCount('Customer')).toBe(before + 1);
    });

    it('an insert with a chosen name whose answer was lost after the save resolves with the one document', async () => {
      const { site, client } = await signedIn(variant, 'alice');
      const before = site.documentCount('Customer');
      site.injectFault(CUSTOMERS, { kind: 'drop-after-write' }, { method: 'POST' });
      const saved = await client.insertDoc<Doc>('Customer', {
        name: 'Chosen Ltd.',
        customer_name: 'Chosen Ltd.',
        territory: 'India',
      });
      expect(saved).toMatchObject({ name: 'Chosen Ltd.', territory: 'India', owner: 'alice@example.com' });
      expect(site.documentCount('Customer')).toBe(before + 1);
      expect(served(site, 'POST', CUSTOMERS)).toBe(1);
      expect(served(site, 'GET', `${CUSTOMERS}/Chosen Ltd.`)).toBe(1); // it looked before sending again
    });

    it('an insert with a chosen name is sent again when the lookup finds it did not land', async () => {
      const { site, client } = await signedIn(variant, 'bob');
      const before = site.documentCount('Item');
      site.injectFault(paths.resource('Item'), { kind: 'drop' }, { method: 'POST' });
      site.injectFault(paths.resource('Item'), { kind: 'status', status: 502 }, { method: 'POST' });
      const saved = await client.insertDoc<Doc>('Item', {
        name: 'SKU-NEW',
        item_code: 'SKU-NEW',
        item_group: 'Products',
        stock_uom: 'Nos',
      });
      expect(saved).toMatchObject({ name: 'SKU-NEW', item_name: 'SKU-NEW' });
      expect(site.requests().map((entry) => `${entry.method} ${entry.status}`)).toEqual([
        'POST 0',
        'GET 404',
        'POST 502',
        'GET 404',
        'POST 200',
      ]);
      expect(site.documentCount('Item')).toBe(before + 1);
    });

    it('an insert with a chosen name that finds another document under that name is a duplicate, not a success', async () => {
      const { site, client } = await signedIn(variant, 'alice');
      site.insertDocument('Customer', {
        customer_name: 'Taken Ltd.',
        customer_group: 'Commercial',
        territory: 'India',
      });
      site.injectFault(CUSTOMERS, { kind: 'drop' }, { method: 'POST' });
      const error = await rejectionOf(
        client.insertDoc('Customer', {
          name: 'Taken Ltd.',
          customer_name: 'Taken Ltd.',
          territory: 'Europe',
        }),
        FrappeDuplicateEntryError,
      );
      expect(error.status).toBe(409);
      expect(site.getDocument('Customer', 'Taken Ltd.')).toMatchObject({ territory: 'India' });
    });

    it('insertMany is not repeated after the answer was lost: the chunk exists once', async () => {
      const { site, client } = await signedIn(variant, 'bob');
      const before = site.documentCount('Item');
      const docs = ['A', 'B', 'C'].map((code) => ({
        item_code: `IM-${code}`,
        item_group: 'Products',
        stock_uom: 'Nos',
      }));
      site.injectFault(paths.method('frappe.client.insert_many'), { kind: 'drop-after-write' });
      await rejectionOf(client.insertMany('Item', docs), FrappeNetworkError);
      expect(served(site, 'POST', paths.method('frappe.client.insert_many'))).toBe(1);
      expect(site.documentCount('Item')).toBe(before + 3);
    });

    it('a DELETE whose answer was lost after the delete resolves on retry: gone, no error', async () => {
      const { site, client } = await signedIn(variant, 'admin');
      site.insertDocument('Customer', { customer_name: 'Deleted Once' });
      site.injectFault(`${CUSTOMERS}/Deleted Once`, { kind: 'drop-after-write' });
      await expect(client.deleteDoc('Customer', 'Deleted Once')).resolves.toBeUndefined();
      expect(site.getDocument('Customer', 'Deleted Once')).toBeUndefined();
      expect(site.requests().map((entry) => `${entry.method} ${entry.status}`)).toEqual([
        'DELETE 0',
        'DELETE 404',
      ]);
    });

    it('an updateDoc with modified whose answer was lost resolves on retry with its own change in place', async () => {
      const { site, client } = await signedIn(variant, 'alice');
      const read = await client.getDoc<Doc>('Customer', 'West View Software Ltd.');
      site.injectFault(
        `${CUSTOMERS}/West View Software Ltd.`,
        { kind: 'drop-after-write' },
        { method: 'PUT' },
      );
      const updated = await client.updateDoc<Doc>(
        'Customer',
        'West View Software Ltd.',
        { credit_limit: 25000, territory: 'Germany' },
        { modified: read.modified },
      );
      expect(updated).toMatchObject({
        name: 'West View Software Ltd.',
        credit_limit: 25000,
        territory: 'Germany',
      });
      expect(updated.modified > read.modified).toBe(true);
      expect(site.getDocument('Customer', 'West View Software Ltd.')?.modified).toBe(updated.modified);
      // the retry met the conflict its own first attempt caused, and recognised the change
      expect(site.requests().map((entry) => `${entry.method} ${entry.status}`)).toEqual([
        'GET 200',
        'PUT 0',
        'PUT 417',
        'GET 200',
      ]);
    });

    it('a stale modified is still a conflict when the first attempt was dropped before reaching the site', async () => {
      const { site, client } = await signedIn(variant, 'alice');
      const read = await client.getDoc<Doc>('Customer', 'Jane Doe');
      site.updateDocument('Customer', 'Jane Doe', { territory: 'India' });
      site.injectFault(`${CUSTOMERS}/Jane Doe`, { kind: 'drop' }, { method: 'PUT' });
      await rejectionOf(
        client.updateDoc('Customer', 'Jane Doe', { territory: 'Germany' }, { modified: read.modified }),
        FrappeConflictError,
      );
      expect(site.getDocument('Customer', 'Jane Doe')?.territory).toBe('India');
    });

    it('submit, cancel and rename whose answers were lost resolve on retry with the change done once', async () => {
      const { site, client } = await signedIn(variant, 'admin');
      const draft = await client.insertDoc<Doc>('Sales Order', newSalesOrder());
      site.injectFault(paths.method('frappe.client.submit'), { kind: 'drop-after-write' });
      expect((await client.submitDoc<Doc>('Sales Order', draft.name)).docstatus).toBe(1);
      site.injectFault(paths.method('frappe.client.cancel'), { kind: 'drop-after-write' });
      expect((await client.cancelDoc<Doc>('Sales Order', draft.name)).docstatus).toBe(2);
      expect(site.getDocument('Sales Order', draft.name)?.status).toBe('Cancelled');

      site.injectFault(paths.method('frappe.client.rename_doc'), { kind: 'drop-after-write' });
      expect(await client.renameDoc('Customer', 'Jane Doe', 'Jane Roe')).toBe('Jane Roe');
      expect(site.getDocument('Customer', 'Jane Roe')).toBeDefined();
      expect(site.getDocument('Customer', 'Jane Doe')).toBeUndefined();
    });
  },
);
