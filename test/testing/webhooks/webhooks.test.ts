import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../../src';
import { inTransaction } from '../../../src/testing/core/document-events';
import { PROFILE_NAMES } from '../../../src/testing/profiles';
import { type RestSite, startSite } from '../rest/helpers';
import { startReceiver } from './receiver-stub';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe.each(PROFILE_NAMES)('outgoing webhooks on %s', (profile) => {
  let site: RestSite;
  let receiver: Receiver;
  beforeEach(async () => {
    site = await startSite(profile);
    site.emulator.webhooks.retryDelayScale = 0;
  });
  afterEach(async () => {
    await site.stop();
    await receiver?.stop();
  });

  const insertCustomer = (name: string, extra: Record<string, unknown> = {}) =>
    site.call('POST', site.resource('Customer'), {
      json: { customer_name: name, customer_group: 'Commercial', ...extra },
    });

  /** A webhook that posts the name of each new Customer to the current receiver. */
  const hookCustomerInserts = (options: { timeoutSeconds?: number } = {}) =>
    site.emulator.webhooks.register({
      url: receiver.url,
      doctype: 'Customer',
      event: 'after_insert',
      fields: ['name'],
      ...options,
    });

  it('after_insert: the body is Python json.dumps of the selected fields, signed over those bytes', async () => {
    receiver = await startReceiver();
    site.emulator.webhooks.register({
      url: receiver.url,
      doctype: 'Customer',
      event: 'after_insert',
      secret: 'hook-secret',
      fields: ['name', { fieldname: 'credit_limit', key: 'limit' }, 'customer_group'],
    });
    expect((await insertCustomer('Zoë Hooks', { credit_limit: 1250 })).status).toBe(200);
    await site.emulator.webhooks.settled();

    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    const body = got?.body.toString('utf8');
    expect(body).toBe('{"name": "Zo\\u00eb Hooks", "limit": 1250.0, "customer_group": "Commercial"}');
    expect(got?.method).toBe('POST');
    expect(got?.headers['content-type']).toBeUndefined();
    expect(got?.headers['user-agent']).toMatch(/^python-requests\//);
    const expected = createHmac('sha256', 'hook-secret')
      .update(got?.body ?? '')
      .digest('base64');
    expect(got?.headers['x-frappe-webhook-signature']).toBe(expected);
    expect(verifyWebhookSignature(got?.body ?? '', expected, 'hook-secret')).toBe(true);
    expect(site.emulator.webhooks.requestLog()).toMatchObject([
      { webhook: 'HOOK-0001', doctype: 'Customer', name: 'Zoë Hooks', attempt: 1, status: 200 },
    ]);
  });

  it('on_update fires on insert and save, on_change only on save, on_trash on delete; a failed request fires none', async () => {
    receiver = await startReceiver();
    for (const event of ['on_update', 'on_change', 'on_trash'] as const) {
      site.emulator.webhooks.register({
        url: `${receiver.url}?${event}`,
        doctype: 'Customer',
        event,
        fields: ['name'],
      });
    }
    await insertCustomer('Life Cycle Ltd.');
    await site.call('PUT', site.resource('Customer', 'Life Cycle Ltd.'), { json: { credit_limit: 5 } });
    await site.call('DELETE', site.resource('Customer', 'Life Cycle Ltd.'));
    // insert_many rolls back as a whole when one document fails: nothing was committed.
    const failed = await site.call('POST', '/api/method/frappe.client.insert_many', {
      json: {
        docs: JSON.stringify([
          { doctype: 'Customer', customer_name: 'Rolled Back', customer_group: 'Commercial' },
          { doctype: 'Customer' },
        ]),
      },
    });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    await site.emulator.webhooks.settled();

    expect(receiver.received.map((entry) => entry.path.split('?')[1])).toEqual([
      'on_update', // insert
      'on_update', // save
      'on_change', // save
      'on_trash', // delete
      'on_change', // delete
    ]);
    expect(receiver.received.every((entry) => entry.body.toString() === '{"name": "Life Cycle Ltd."}')).toBe(
      true,
    );
  });

  it('on_submit and on_cancel of a Sales Order; the condition filters on the document', async () => {
    receiver = await startReceiver();
    site.emulator.webhooks.register({
      url: `${receiver.url}?submit`,
      doctype: 'Sales Order',
      event: 'on_submit',
      fields: ['name', 'docstatus', 'grand_total'],
    });
    site.emulator.webhooks.register({
      url: `${receiver.url}?cancel`,
      doctype: 'Sales Order',
      event: 'on_cancel',
      fields: ['name', 'docstatus'],
    });
    site.emulator.webhooks.register({
      url: `${receiver.url}?big`,
      doctype: 'Customer',
      event: 'after_insert',
      fields: ['name'],
      condition: (doc) => Number(doc.credit_limit) > 1000,
    });
    const order = site.emulator.insertDocument('Sales Order', {
      customer: 'Grant Plastics Ltd.',
      delivery_date: '2030-01-01',
      items: [{ item_code: 'SKU001', qty: 3 }],
    });
    const name = String(order.name);
    const path = `${site.resource('Sales Order', name)}`;
    expect((await site.call('POST', path, { query: { run_method: 'submit' } })).status).toBeLessThan(300);
    expect((await site.call('POST', path, { query: { run_method: 'cancel' } })).status).toBeLessThan(300);
    await insertCustomer('Small Ltd.', { credit_limit: 10 });
    await insertCustomer('Big Ltd.', { credit_limit: 5000 });
    await site.emulator.webhooks.settled();

    const bodies = receiver.received.map((entry) => [entry.path.split('?')[1], entry.body.toString()]);
    expect(bodies[0]?.[0]).toBe('submit');
    expect(bodies[0]?.[1]).toMatch(
      new RegExp(`^\\{"name": "${name}", "docstatus": 1, "grand_total": \\d+\\.\\d+\\}$`),
    );
    expect(bodies[1]).toEqual(['cancel', `{"name": "${name}", "docstatus": 2}`]);
    expect(bodies.slice(2)).toEqual([['big', '{"name": "Big Ltd."}']]);
  });

  it('retries as Frappe: 3 tries after non-2xx answers, each logged; a timeout is a failed try too', async () => {
    receiver = await startReceiver([500, 503, 200]);
    hookCustomerInserts();
    await insertCustomer('Retry Ltd.');
    await site.emulator.webhooks.settled();
    expect(receiver.received).toHaveLength(3);
    expect(
      site.emulator.webhooks.requestLog().map((entry) => [entry.attempt, entry.status, entry.error]),
    ).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 503, 'HTTP 503'],
      [3, 200, undefined],
    ]);
    await receiver.stop();

    receiver = await startReceiver(['hang']);
    hookCustomerInserts({ timeoutSeconds: 0.2 });
    await insertCustomer('Slow Receiver Ltd.');
    await site.emulator.webhooks.settled();
    const slow = site.emulator.webhooks
      .requestLog()
      .filter((entry) => entry.name === 'Slow Receiver Ltd.' && entry.url === receiver.url);
    expect(slow.map((entry) => entry.error)).toEqual(['timeout', 'timeout', 'timeout']);
  });

  it("waits Frappe's 1, 4 and 7 s after failed tries (scaled here), none after a timeout", async () => {
    expect(site.emulator.webhooks.retryDelayScale).toBe(0); // set by this suite; the default is 1
    site.emulator.webhooks.retryDelayScale = 0.001;
    receiver = await startReceiver([502]);
    hookCustomerInserts();
    await insertCustomer('Always Failing Ltd.');
    await site.emulator.webhooks.settled();
    expect(site.emulator.webhooks.requestLog().map((entry) => entry.waitedMs)).toEqual([1, 4, 7]);
  });

  it('one delivery per (webhook, document) per transaction, with the last state', async () => {
    receiver = await startReceiver();
    site.emulator.webhooks.register({
      url: receiver.url,
      doctype: 'Customer',
      event: 'on_update',
      fields: ['name', 'credit_limit'],
    });
    site.emulator.insertDocument('Customer', { customer_name: 'Twice Ltd.', customer_group: 'Commercial' });
    await site.emulator.webhooks.settled();
    receiver.received.length = 0;
    // Two saves of one document in one request's transaction, as a controller saving twice would.
    await inTransaction(
      site.emulator.site,
      async () => {
        site.emulator.updateDocument('Customer', 'Twice Ltd.', { credit_limit: 1 });
        site.emulator.updateDocument('Customer', 'Twice Ltd.', { credit_limit: 2 });
      },
      () => true,
    );
    await site.emulator.webhooks.settled();
    expect(receiver.received.map((entry) => entry.body.toString())).toEqual([
      '{"name": "Twice Ltd.", "credit_limit": 2.0}',
    ]);
  });

  it('refuses a registration Frappe would refuse', () => {
    const webhooks = site.emulator.webhooks;
    expect(() => webhooks.register({ url: 'not a url', doctype: 'Customer', event: 'after_insert' })).toThrow(
      TypeError,
    );
    expect(() =>
      webhooks.register({ url: 'http://127.0.0.1/x', doctype: 'Customer', event: 'on_submit' }),
    ).toThrow(/Submittable/);
    expect(() =>
      webhooks.register({ url: 'http://127.0.0.1/x', doctype: 'Nope', event: 'after_insert' }),
    ).toThrow(TypeError);
    expect(() =>
      webhooks.register({
        url: 'http://127.0.0.1/x',
        doctype: 'Customer',
        event: 'after_insert',
        fields: ['name', 'name'],
      }),
    ).toThrow(/more than once/);
  });
});
