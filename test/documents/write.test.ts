import { afterAll, describe, expect, it } from 'vitest';
import { FrappeDuplicateEntryError, FrappeNotFoundError, FrappePermissionError } from '../../src';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS, newSalesOrder, pathsOf, served, signedIn } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

type Doc = Record<string, unknown> & { name: string; modified: string };

describe.each(API_VARIANTS)('writing documents on $label', (variant) => {
  const paths = pathsOf(variant);
  it('insertDoc resolves the saved document with the server fields', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const before = site.documentCount('Customer');
    const saved = await client.insertDoc<Doc>('Customer', {
      customer_name: 'Acme Corp',
      customer_group: 'Commercial',
      credit_limit: '1500',
    });
    expect(saved).toMatchObject({
      name: 'Acme Corp',
      doctype: 'Customer',
      owner: 'alice@example.com',
      customer_type: 'Company',
      credit_limit: 1500,
      docstatus: 0,
    });
    expect(site.documentCount('Customer')).toBe(before + 1);
    expect(site.getDocument('Customer', 'Acme Corp')?.modified).toBe(saved.modified);
    expect(served(site, 'POST', paths.resource('Customer'))).toBe(1);
  });

  it('insertMany chunks more than 200 documents by Frappe limit and resolves every name in order', async () => {
    const { site, client } = await signedIn(variant, 'bob');
    const before = site.documentCount('Item');
    const docs = Array.from({ length: 401 }, (_, index) => ({
      item_code: `BULK-${String(index).padStart(4, '0')}`,
      item_group: 'Products',
      stock_uom: 'Nos',
    }));
    const names = await client.insertMany('Item', docs);
    expect(names).toEqual(docs.map((doc) => doc.item_code));
    expect(served(site, 'POST', paths.method('frappe.client.insert_many'))).toBe(3);
    expect(site.documentCount('Item')).toBe(before + 401);
    expect(site.getDocument('Item', 'BULK-0400')?.item_name).toBe('BULK-0400');
    expect(await client.insertMany('Item', [])).toEqual([]);
    expect(served(site, 'POST', paths.method('frappe.client.insert_many'))).toBe(3);
  });

  it('setValue sets one field, or several given as an object, and resolves the document', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const one = await client.setValue<Doc>('Customer', 'Jane Doe', 'mobile_no', '+44 20 7946 0000');
    expect(one.mobile_no).toBe('+44 20 7946 0000');
    const several = await client.setValue<Doc>('Customer', 'Jane Doe', {
      territory: 'Germany',
      credit_limit: 750,
    });
    expect(several).toMatchObject({ territory: 'Germany', credit_limit: 750, mobile_no: '+44 20 7946 0000' });
    expect(site.getDocument('Customer', 'Jane Doe')).toMatchObject({
      territory: 'Germany',
      credit_limit: 750,
    });
    expect(served(site, 'POST', paths.method('frappe.client.set_value'))).toBe(2);
  });

  it('updateDoc merges the changes and resolves the saved document; with modified it saves when current', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const updated = await client.updateDoc<Doc>('Customer', 'Palmer Productions Ltd.', {
      email_id: 'hello@palmer.example',
    });
    expect(updated).toMatchObject({ email_id: 'hello@palmer.example', customer_group: 'Government' });

    const current = await client.getDoc<Doc>('Customer', 'Palmer Productions Ltd.');
    const again = await client.updateDoc<Doc>(
      'Customer',
      'Palmer Productions Ltd.',
      { credit_limit: 999 },
      { modified: current.modified },
    );
    expect(again.credit_limit).toBe(999);
    expect(again.modified > current.modified).toBe(true);
    expect(site.getDocument('Customer', 'Palmer Productions Ltd.')?.credit_limit).toBe(999);
  });

  it('deleteDoc resolves to nothing for this release delete envelope, and the document is gone', async () => {
    const { site, client } = await signedIn(variant, 'admin');
    site.insertDocument('Customer', { customer_name: 'Short Lived' });
    // v14 answers 202 {"message": "ok"}; v15 and develop 202 {"data": "ok"}
    await expect(client.deleteDoc('Customer', 'Short Lived')).resolves.toBeUndefined();
    expect(site.getDocument('Customer', 'Short Lived')).toBeUndefined();
    expect(site.requests().at(-1)).toMatchObject({ method: 'DELETE', status: 202 });
  });

  it('deleteDoc of a missing document (not a retry) is FrappeNotFoundError', async () => {
    const { client } = await signedIn(variant, 'admin');
    const error = await rejectionOf(client.deleteDoc('Item', 'NO-SUCH-ITEM'), FrappeNotFoundError);
    expect(error.status).toBe(404);
  });

  it('submitDoc moves a Sales Order draft to docstatus 1 and cancelDoc to 2', async () => {
    const { site, client } = await signedIn(variant, 'admin');
    const draft = await client.insertDoc<Doc>('Sales Order', newSalesOrder());
    expect(draft).toMatchObject({ docstatus: 0, status: 'Draft', grand_total: 800 });

    const submitted = await client.submitDoc<Doc>('Sales Order', draft.name);
    expect(submitted).toMatchObject({ name: draft.name, docstatus: 1, status: 'To Deliver and Bill' });
    expect(site.getDocument('Sales Order', draft.name)?.docstatus).toBe(1);
    // submitting again finds it submitted and changes nothing
    const modified = site.getDocument('Sales Order', draft.name)?.modified;
    expect((await client.submitDoc<Doc>('Sales Order', draft.name)).docstatus).toBe(1);
    expect(site.getDocument('Sales Order', draft.name)?.modified).toBe(modified);

    const cancelled = await client.cancelDoc<Doc>('Sales Order', draft.name);
    expect(cancelled).toMatchObject({ name: draft.name, docstatus: 2, status: 'Cancelled' });
    expect(site.getDocument('Sales Order', draft.name)?.docstatus).toBe(2);
  });

  it('submitDoc by a user who may only read Sales Orders is FrappePermissionError', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const draft = site.insertDocument('Sales Order', newSalesOrder('Jane Doe'));
    await rejectionOf(client.submitDoc('Sales Order', String(draft.name)), FrappePermissionError);
    expect(site.getDocument('Sales Order', String(draft.name))?.docstatus).toBe(0);
  });

  it('renameDoc resolves the new name, and links follow it', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const [order] = await client.getList<{ name: string; customer: string }>('Sales Order', {
      filters: { customer: 'Jane Doe' },
    });
    expect(await client.renameDoc('Customer', 'Jane Doe', 'Jane Roe')).toBe('Jane Roe');
    expect(site.getDocument('Customer', 'Jane Doe')).toBeUndefined();
    expect(site.getDocument('Customer', 'Jane Roe')?.customer_name).toBe('Jane Roe');
    expect(site.getDocument('Sales Order', order!.name)?.customer).toBe('Jane Roe');
  });

  it('renameDoc onto an existing name is FrappeDuplicateEntryError and changes nothing', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const error = await rejectionOf(
      client.renameDoc('Customer', 'Jane Doe', 'Grant Plastics Ltd.'),
      FrappeDuplicateEntryError,
    );
    expect(error.status).toBe(409);
    expect(site.getDocument('Customer', 'Jane Doe')).toBeDefined();
  });

  it('runDocMethod runs a whitelisted document method by GET (read) or POST (write)', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    expect(
      await client.runDocMethod(
        'Customer',
        'Jane Doe',
        'get_greeting',
        { greeting: 'Hi' },
        { httpMethod: 'GET' },
      ),
    ).toBe('Hi, Jane Doe!');
    expect(served(site, 'GET', paths.docMethod('Customer', 'Jane Doe', 'get_greeting'))).toBe(1);
    expect(await client.runDocMethod('Customer', 'Jane Doe', 'get_greeting')).toBe('Hello, Jane Doe!');
    expect(served(site, 'POST', paths.docMethod('Customer', 'Jane Doe', 'get_greeting'))).toBe(1);
  });

  it('runDocMethod changes a document (Sales Order update_status, submit) and refuses a non-whitelisted one', async () => {
    const { site, client } = await signedIn(variant, 'admin');
    const order = await client.insertDoc<Doc>('Sales Order', newSalesOrder());
    await client.runDocMethod('Sales Order', order.name, 'submit');
    expect(site.getDocument('Sales Order', order.name)?.docstatus).toBe(1);
    await client.runDocMethod('Sales Order', order.name, 'update_status', { status: 'On Hold' });
    expect(site.getDocument('Sales Order', order.name)?.status).toBe('On Hold');

    const error = await rejectionOf(
      client.runDocMethod('Sales Order', order.name, 'save'),
      FrappePermissionError,
    );
    expect(error.messages.join(' ')).toContain('is not whitelisted');
    expect(error.messages.join(' ')).not.toContain('<b>');
  });
});
