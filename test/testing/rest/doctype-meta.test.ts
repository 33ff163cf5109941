import { afterEach, describe, expect, it } from 'vitest';
import { type RestSite, startSite } from './helpers';

const GETDOCTYPE = '/api/method/frappe.desk.form.load.getdoctype';
const sites: RestSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((site) => site.stop()));
});

async function site(): Promise<RestSite> {
  const started = await startSite('v15');
  sites.push(started);
  return started;
}

describe('frappe.desk.form.load.getdoctype', () => {
  it('answers {docs} at the top level: the DocType with its fields, then its child tables', async () => {
    const rest = await site();
    const answer = await rest.call('GET', GETDOCTYPE, { as: 'sales', query: { doctype: 'Sales Order' } });
    expect(answer.status).toBe(200);
    expect(answer.body.message).toBeUndefined();
    expect(answer.body.docs.map((doc: { name: string }) => doc.name)).toEqual([
      'Sales Order',
      'Sales Order Item',
    ]);
    const [order] = answer.body.docs;
    expect(order).toMatchObject({ doctype: 'DocType', is_submittable: 1 });
    expect(order.fields).toContainEqual(
      expect.objectContaining({ fieldname: 'items', fieldtype: 'Table', options: 'Sales Order Item' }),
    );
    expect(order.fields).toContainEqual(
      expect.objectContaining({
        fieldname: 'status',
        fieldtype: 'Select',
        options: expect.stringContaining('Draft\nOn Hold'),
      }),
    );
  });

  it('a user without any role still reads it (no DocType permission needed); Guest does not; unknown DocTypes are 404', async () => {
    const rest = await site();
    expect((await rest.call('GET', GETDOCTYPE, { as: 'plain', query: { doctype: 'Customer' } })).status).toBe(
      200,
    );
    expect((await rest.call('GET', GETDOCTYPE, { as: 'guest', query: { doctype: 'Customer' } })).status).toBe(
      403,
    );
    const unknown = await rest.call('GET', GETDOCTYPE, { as: 'sales', query: { doctype: 'No Such Thing' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.exc_type).toBe('DoesNotExistError');
  });
});
