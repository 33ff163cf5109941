import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestSite, startSite } from './helpers';

describe('generated data sets', () => {
  let site: RestSite;
  beforeAll(async () => {
    site = await startSite('v15', false);
  });
  afterAll(() => site.stop());

  it('generates 100,000 Customers that list queries and get_count can filter', async () => {
    const names = site.emulator.generateDocuments('Customer', 100_000);
    expect(names).toHaveLength(100_000);
    expect(names[0]).toBe('Generated Customer 000001');
    expect(names[99_999]).toBe('Generated Customer 100000');
    expect(site.emulator.documentCount('Customer')).toBe(100_000);

    const count = await site.call('GET', '/api/method/frappe.client.get_count', {
      query: { doctype: 'Customer', filters: { territory: 'India', disabled: 0 } },
    });
    // territory cycles with n % 5 (India at 1), disabled every 10th: n ≡ 1 (mod 5), n % 10 ≠ 0 → 20,000.
    expect(count.body.message).toBe(20_000);

    const page = await site.call('GET', '/api/resource/Customer', {
      query: {
        fields: ['name', 'credit_limit'],
        filters: [
          ['customer_name', 'like', '%9999%'],
          ['credit_limit', '>=', 90000],
        ],
        order_by: 'name asc',
      },
    });
    // 0X9999 for X = 0…9 (credit 99,000) and 09999Y for Y = 0…8 (credit 90,000 + Y·1,000): 19 rows.
    const rows = page.body.data as Array<{ name: string; credit_limit: number }>;
    expect(rows).toHaveLength(19);
    expect(rows[0]).toEqual({ name: 'Generated Customer 009999', credit_limit: 99000 });
    expect(rows[9]).toEqual({ name: 'Generated Customer 099990', credit_limit: 90000 });
    expect(rows.at(-1)).toEqual({ name: 'Generated Customer 099999', credit_limit: 99000 });
    expect(rows.every((row) => row.credit_limit >= 90000 && row.name.includes('9999'))).toBe(true);
  });

  it('gives every document a distinct, increasing modified, so keyset paging on (modified, name) is exact', async () => {
    const seen = new Set<string>();
    let after = '';
    for (let pages = 0; pages < 5; pages++) {
      const page = await site.call('GET', '/api/resource/Customer', {
        query: {
          fields: ['name', 'modified'],
          filters: after ? [['modified', '>', after]] : [],
          order_by: 'modified asc, name asc',
          limit_page_length: 1000,
        },
      });
      for (const row of page.body.data) seen.add(row.name);
      after = page.body.data.at(-1).modified;
    }
    expect(seen.size).toBe(5000);
    expect(seen.has('Generated Customer 005000')).toBe(true);
    expect(seen.has('Generated Customer 005001')).toBe(false);
  });

  it('continues numbering across calls and generates Items', () => {
    expect(site.emulator.generateDocuments('Customer', 2)).toEqual([
      'Generated Customer 100001',
      'Generated Customer 100002',
    ]);
    expect(site.emulator.generateDocuments('Item', 3)).toEqual([
      'Generated Item 000001',
      'Generated Item 000002',
      'Generated Item 000003',
    ]);
    expect(site.emulator.getDocument('Item', 'Generated Item 000002')).toMatchObject({
      item_group: 'Services',
      standard_rate: 2.5,
    });
    expect(() => site.emulator.generateDocuments('Sales Order' as 'Item', 1)).toThrow(TypeError);
  });
});

describe('server-side document controls', () => {
  let site: RestSite;
  beforeAll(async () => {
    site = await startSite('v15');
  });
  afterAll(() => site.stop());

  it('getDocument returns a deep copy', () => {
    const copy = site.emulator.getDocument(
      'Sales Order',
      `SAL-ORD-${new Date().toISOString().slice(0, 4)}-00002`,
    )!;
    (copy.items as Array<Record<string, unknown>>)[0]!.qty = 999;
    const again = site.emulator.getDocument('Sales Order', copy.name as string)!;
    expect((again.items as Array<Record<string, unknown>>)[0]!.qty).toBe(2);
    expect(site.emulator.getDocument('Customer', 'nope')).toBeUndefined();
  });

  it('insertDocument bypasses permissions but validates; the insert is visible over HTTP', async () => {
    const doc = site.emulator.insertDocument('Item', {
      item_code: 'SERVER-1',
      item_group: 'Products',
      stock_uom: 'Nos',
    });
    expect(doc).toMatchObject({ name: 'SERVER-1', owner: 'Administrator' });
    const read = await site.call('GET', '/api/resource/Item/SERVER-1', { as: 'sales' });
    expect(read.body.data.item_name).toBe('SERVER-1');
    expect(() =>
      site.emulator.insertDocument('Item', { item_code: 'SERVER-1', item_group: 'x', stock_uom: 'Nos' }),
    ).toThrow(/DuplicateEntryError/);
    expect(() => site.emulator.insertDocument('Nope', {})).toThrow(TypeError);
  });

  it('updateDocument bumps modified so a client holding the old one gets TimestampMismatchError', async () => {
    const read = await site.call('GET', '/api/resource/Customer/Jane%20Doe');
    const updated = site.emulator.updateDocument('Customer', 'Jane Doe', {
      mobile_no: '+1 555 0100',
      modified: 'ignored',
    });
    expect((updated.modified as string) > read.body.data.modified).toBe(true);
    expect(updated.mobile_no).toBe('+1 555 0100');
    const put = await site.call('PUT', '/api/resource/Customer/Jane%20Doe', {
      json: { territory: 'Mars', modified: read.body.data.modified },
    });
    expect(put.body.exc_type).toBe('TimestampMismatchError');
  });

  it('deleteDocument removes a document and documentCount follows', () => {
    const before = site.emulator.documentCount('Customer');
    expect(site.emulator.deleteDocument('Customer', 'Palmer Productions Ltd.')).toBe(true);
    expect(site.emulator.deleteDocument('Customer', 'Palmer Productions Ltd.')).toBe(false);
    expect(site.emulator.documentCount('Customer')).toBe(before - 1);
  });
});
