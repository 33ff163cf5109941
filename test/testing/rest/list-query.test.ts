import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestSite, serverMessages, startSite } from './helpers';

/**
 * `GET /api/resource/<DocType>` list queries: every filter operator in both forms, or_filters,
 * order_by, paging and field selection. 30 generated Items (`Generated Item 000001`…, rate n + 0.5,
 * item_group cycling by n % 5) sit next to the 5 seeded Items.
 */
let site: RestSite;
const GENERATED = ['item_code', 'like', 'Generated%'];

beforeAll(async () => {
  site = await startSite('v15');
  site.emulator.generateDocuments('Item', 30);
});
afterAll(() => site.stop());

async function names(query: Record<string, unknown>, doctype = 'Item'): Promise<string[]> {
  const response = await site.call('GET', site.resource(doctype), {
    query: { limit_page_length: 0, ...query },
  });
  expect(response.status, response.text).toBe(200);
  return response.body.data.map((row: { name: string }) => row.name);
}

const item = (n: number) => `Generated Item ${String(n).padStart(6, '0')}`;

describe('filter operators (list form)', () => {
  it('= and != compare strings exactly', async () => {
    expect(await names({ filters: [GENERATED, ['item_group', '=', 'Services']] })).toHaveLength(6);
    expect(await names({ filters: [GENERATED, ['item_group', '!=', 'Services']] })).toHaveLength(24);
  });

  it('> < >= <= compare numeric fields as numbers, not strings', async () => {
    // As strings "10.5" < "9"; numerically 9.5…30.5 are the 22 rates above 9.
    expect(await names({ filters: [GENERATED, ['standard_rate', '>', 9]] })).toHaveLength(22);
    expect((await names({ filters: [GENERATED, ['standard_rate', '<', 3]] })).sort()).toEqual([
      item(1),
      item(2),
    ]);
    expect((await names({ filters: [GENERATED, ['standard_rate', '>=', '29.5']] })).sort()).toEqual([
      item(29),
      item(30),
    ]);
    expect(await names({ filters: [GENERATED, ['standard_rate', '<=', 1.5]] })).toEqual([item(1)]);
  });

  it('compares datetimes as strings', async () => {
    const all = await site.call('GET', site.resource('Item'), {
      query: { fields: ['name', 'modified'], order_by: 'modified asc', limit_page_length: 0 },
    });
    const pivot = all.body.data[10].modified as string;
    expect(await names({ filters: [['modified', '>', pivot]] })).toHaveLength(all.body.data.length - 11);
  });

  it('like and not like follow SQL LIKE (% and _, case-insensitive)', async () => {
    expect(await names({ filters: [['item_code', 'like', 'Generated Item 00002_']] })).toHaveLength(10);
    expect(await names({ filters: [['item_code', 'like', 'generated item 000001']] })).toEqual([item(1)]);
    expect(await names({ filters: [['item_code', 'like', '%KU00%']] })).toHaveLength(4);
    expect(await names({ filters: [GENERATED, ['item_code', 'not like', '%1']] })).toHaveLength(27);
  });

  it('in and not in take a list or a comma-separated string', async () => {
    expect((await names({ filters: [['name', 'in', [item(1), item(2), 'missing']]] })).sort()).toEqual([
      item(1),
      item(2),
    ]);
    expect((await names({ filters: [['name', 'in', 'SKU001, SKU002']] })).sort()).toEqual([
      'SKU001',
      'SKU002',
    ]);
    expect(
      await names({ filters: [GENERATED, ['item_group', 'not in', ['Services', 'Products']]] }),
    ).toHaveLength(18);
    expect(await names({ filters: [GENERATED, ['item_group', 'not in', 'Services,Products']] })).toHaveLength(
      18,
    );
  });

  it('between is inclusive; a date-only upper bound on a datetime covers the whole day', async () => {
    expect((await names({ filters: [['standard_rate', 'between', [10.5, 12]]] })).sort()).toEqual([
      item(10),
      item(11),
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const all = await names({});
    expect(await names({ filters: [['creation', 'between', [today, today]]] })).toHaveLength(all.length);
  });

  it('is set / is not set', async () => {
    expect(await names({ filters: [['email_id', 'is', 'set']] }, 'Customer')).toEqual(['Jane Doe']);
    expect(await names({ filters: [['email_id', 'is', 'not set']] }, 'Customer')).toHaveLength(3);
  });

  it('accepts the [doctype, field, op, value] form, also for child-table fields', async () => {
    expect(await names({ filters: [['Item', 'item_group', '=', 'Services'], GENERATED] })).toHaveLength(6);
    const orders = await names(
      { filters: [['Sales Order Item', 'item_code', '=', 'SKU001']] },
      'Sales Order',
    );
    expect(orders).toHaveLength(2);
  });

  it('rejects an unknown operator with 417', async () => {
    const response = await site.call('GET', site.resource('Item'), {
      query: { filters: [['name', '~', 'x']] },
    });
    expect(response.status).toBe(417);
    expect(response.body.exc_type).toBe('ValidationError');
  });
});

describe('dict filters and or_filters', () => {
  it('dict form: {field: value} and {field: [op, value]}', async () => {
    expect(
      await names({ filters: { item_group: 'Services', item_code: ['like', 'Generated%'] } }),
    ).toHaveLength(6);
    expect(await names({ filters: { standard_rate: ['>', 28] } })).toEqual(
      expect.arrayContaining([item(28), item(29), item(30)]),
    );
  });

  it('or_filters OR their conditions, and AND with filters', async () => {
    const either = await names({
      or_filters: [
        ['name', '=', 'SKU001'],
        ['name', '=', 'SKU002'],
      ],
    });
    expect(either.sort()).toEqual(['SKU001', 'SKU002']);
    const both = await names({
      filters: { item_name: 'Laptop' },
      or_filters: { name: 'SKU001', item_group: 'Products' },
    });
    expect(both).toEqual(['SKU002']);
  });
});

describe('order_by, limit_start, limit_page_length', () => {
  it('defaults to modified desc and 20 rows', async () => {
    const response = await site.call('GET', site.resource('Item'));
    expect(response.body.data).toHaveLength(20);
    expect(response.body.data[0].name).toBe(item(30));
  });

  it('limit_page_length 0 returns every row; limit is an alias', async () => {
    expect(await names({ limit_page_length: 0 })).toHaveLength(35);
    const aliased = await site.call('GET', site.resource('Item'), { query: { limit: 7 } });
    expect(aliased.body.data).toHaveLength(7);
  });

  it('orders by several fields and pages with limit_start', async () => {
    const page = await site.call('GET', site.resource('Item'), {
      query: { filters: [GENERATED], order_by: 'item_code asc', limit_start: 5, limit_page_length: 3 },
    });
    expect(page.body.data.map((row: { name: string }) => row.name)).toEqual([item(6), item(7), item(8)]);
    const multi = await names({
      filters: [GENERATED],
      order_by: 'item_group asc, standard_rate desc',
      limit_page_length: 2,
    });
    expect(multi).toEqual([item(29), item(24)]); // Consumable: 4, 9, … 29
  });

  it('sorts numeric fields numerically', async () => {
    const rows = await names({
      filters: [GENERATED],
      order_by: '`tabItem`.`standard_rate` asc',
      limit_page_length: 3,
    });
    expect(rows).toEqual([item(1), item(2), item(3)]);
  });
});

describe('fields', () => {
  it('defaults to name; ["*"] gives every column but no child tables', async () => {
    const plain = await site.call('GET', site.resource('Customer'), { query: { limit_page_length: 1 } });
    expect(Object.keys(plain.body.data[0])).toEqual(['name']);
    const all = await site.call('GET', site.resource('Sales Order'), {
      query: { fields: ['*'], limit_page_length: 1 },
    });
    expect(all.body.data[0]).toMatchObject({ docstatus: expect.any(Number), customer: expect.any(String) });
    expect(all.body.data[0]).toHaveProperty('modified');
    expect(all.body.data[0]).not.toHaveProperty('items');
  });

  it('supports aliases, comma strings and as_dict=0', async () => {
    const aliased = await site.call('GET', site.resource('Item', undefined), {
      query: { fields: ['name', 'item_name as title'], filters: { name: 'SKU001' } },
    });
    expect(aliased.body.data).toEqual([{ name: 'SKU001', title: 'T-shirt' }]);
    const comma = await site.call('GET', site.resource('Item'), {
      query: { fields: 'name,item_group', filters: { name: 'SKU002' } },
    });
    expect(comma.body.data).toEqual([{ name: 'SKU002', item_group: 'Products' }]);
    const lists = await site.call('GET', site.resource('Item'), {
      query: { fields: ['name', 'standard_rate'], filters: { name: 'SKU003' }, as_dict: 0 },
    });
    expect(lists.body.data).toEqual([['SKU003', 20.5]]);
  });

  it('unknown fields are a 417 DataError; invalid JSON filters a 417 with a clear message', async () => {
    const badField = await site.call('GET', site.resource('Item'), {
      query: { fields: ['name', 'no_such_field'] },
    });
    expect(badField.status).toBe(417);
    expect(badField.body.exc_type).toBe('DataError');
    expect(serverMessages(badField.body)[0]).toContain('no_such_field');
    const badFilter = await site.call('GET', site.resource('Item'), {
      query: { filters: [['nope', '=', 1]] },
    });
    expect(badFilter.body.exc_type).toBe('DataError');
    const badOrder = await site.call('GET', site.resource('Item'), { query: { order_by: 'nope desc' } });
    expect(badOrder.status).toBe(417);
    const badJson = await site.call('GET', site.resource('Item'), { query: { filters: '[["name", "=",' } });
    expect(badJson.status).toBe(417);
    expect(serverMessages(badJson.body)[0]).toContain("Invalid JSON in 'filters'");
  });
});

describe('child doctypes and unknown doctypes', () => {
  it('lists child rows only with a parent doctype', async () => {
    const missing = await site.call('GET', site.resource('Sales Order Item'));
    expect(missing.status).toBe(417);
    const rows = await site.call('GET', site.resource('Sales Order Item'), {
      query: {
        parent: 'Sales Order',
        fields: ['parent', 'item_code', 'qty'],
        filters: { item_code: 'SVC-INSTALL' },
      },
    });
    expect(rows.body.data).toEqual([
      { parent: expect.stringMatching(/^SAL-ORD-/), item_code: 'SVC-INSTALL', qty: 4 },
    ]);
  });

  it('an unknown doctype is 404 DoesNotExistError', async () => {
    const response = await site.call('GET', site.resource('No Such Doctype'));
    expect(response.status).toBe(404);
    expect(response.body.exc_type).toBe('DoesNotExistError');
  });
});
