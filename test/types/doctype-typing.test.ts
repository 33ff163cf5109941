/**
 * Type tests of the DocType typing (src/documents/doctype-typing.ts): `npx tsc --noEmit` (part of
 * `npm test`) checks this file, so a field name the typing should refuse but accepts fails the
 * build at the `@ts-expect-error` above it ("unused directive"), and one it should accept but
 * refuses fails at the line itself. The calls sit in functions that are never called: nothing here
 * talks to a site; vitest only runs the (no-op at run time) `expectTypeOf` assertions.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { FieldName, FrappeOAuthClient, ListOptions } from '../../src';

/** Declared as an interface: no index signature, which the old typing required. */
interface SalesOrder {
  name: string;
  customer: string;
  status: 'Draft' | 'To Deliver and Bill' | 'Completed';
  grand_total: number;
  modified: string;
}

/** Declared as a type alias: must behave the same. */
type Item = {
  item_code: string;
  item_name: string;
  disabled: 0 | 1;
};

declare const client: FrappeOAuthClient;

describe('DocType typing', () => {
  it('field names: the type’s own and Frappe’s standard fields, or any string untyped', () => {
    expectTypeOf<FieldName<SalesOrder>>().toEqualTypeOf<
      | 'name'
      | 'customer'
      | 'status'
      | 'grand_total'
      | 'modified'
      | 'owner'
      | 'creation'
      | 'modified_by'
      | 'docstatus'
      | 'idx'
    >();
    expectTypeOf<FieldName<Item>>().toEqualTypeOf<
      | 'item_code'
      | 'item_name'
      | 'disabled'
      | 'name'
      | 'owner'
      | 'creation'
      | 'modified'
      | 'modified_by'
      | 'docstatus'
      | 'idx'
    >();
    expectTypeOf<FieldName<Record<string, unknown>>>().toEqualTypeOf<string>();
    expectTypeOf<FieldName<unknown>>().toEqualTypeOf<string>();
    // biome-ignore lint/suspicious/noExplicitAny: `any` must read as untyped too
    expectTypeOf<FieldName<any>>().toEqualTypeOf<string>();
  });

  it('getList<T>: fields are checked, for interfaces and type aliases alike', () => {
    const known = () =>
      client.getList<SalesOrder>('Sales Order', {
        fields: ['name', 'grand_total', 'customer', 'owner', 'creation', 'modified_by', 'docstatus', 'idx'],
      });
    expectTypeOf(known).returns.resolves.toEqualTypeOf<SalesOrder[]>();
    const all = () => client.getList<SalesOrder>('Sales Order', { fields: ['*'] });
    expectTypeOf(all).returns.resolves.toEqualTypeOf<SalesOrder[]>();
    // @ts-expect-error `grand_totl` is not a field of SalesOrder
    const misspelt = () => client.getList<SalesOrder>('Sales Order', { fields: ['name', 'grand_totl'] });
    // @ts-expect-error `item_nam` is not a field of Item (a type alias)
    const misspeltAlias = () => client.getList<Item>('Item', { fields: ['item_code', 'item_nam'] });
    const alias = () => client.getList<Item>('Item', { fields: ['item_code', 'disabled'] });
    expectTypeOf(alias).returns.resolves.toEqualTypeOf<Item[]>();
    expectTypeOf(misspelt).toBeFunction();
    expectTypeOf(misspeltAlias).toBeFunction();
  });

  it('getList<T, F>: the rows are narrowed to the fields named', () => {
    const picked = () =>
      client.getList<SalesOrder, 'name' | 'grand_total'>('Sales Order', { fields: ['name', 'grand_total'] });
    expectTypeOf(picked).returns.resolves.toEqualTypeOf<Pick<SalesOrder, 'name' | 'grand_total'>[]>();
    // A standard field the type does not declare comes with Frappe's type.
    const withOwner = () =>
      client.getList<Item, 'item_code' | 'owner'>('Item', { fields: ['item_code', 'owner'] });
    expectTypeOf(withOwner).returns.resolves.toEqualTypeOf<{ item_code: string; owner: string }[]>();
    const outside = () =>
      // @ts-expect-error `customer` is not among the fields the rows were narrowed to
      client.getList<SalesOrder, 'name' | 'grand_total'>('Sales Order', { fields: ['name', 'customer'] });
    // @ts-expect-error the narrowing itself must name fields of the type
    type Wrong = ListOptions<SalesOrder, 'name' | 'grand_totl'>;
    expectTypeOf(outside).toBeFunction();
    expectTypeOf<Wrong>().not.toBeNever();
  });

  it('filters and orFilters: keys and condition fields are checked, standard fields allowed', () => {
    const good = () =>
      client.getList<SalesOrder>('Sales Order', {
        filters: { status: 'To Deliver and Bill', docstatus: 1, grand_total: ['>', 100] },
        orFilters: [
          ['customer', 'like', 'A%'],
          ['modified_by', '=', 'Administrator'],
          // the child-table form names another DocType, so its field is not checked
          ['Sales Order Item', 'item_code', '=', 'X'],
        ],
      });
    // @ts-expect-error `statuss` is not a field of SalesOrder (dict form)
    const badDict = () => client.getList<SalesOrder>('Sales Order', { filters: { statuss: 'Draft' } });
    // @ts-expect-error `custmer` is not a field of SalesOrder (list form)
    const badList = () => client.getList<SalesOrder>('Sales Order', { filters: [['custmer', '=', 'A']] });
    // @ts-expect-error `grand_totl` is not a field of SalesOrder (orFilters)
    const badOr = () => client.getList<SalesOrder>('Sales Order', { orFilters: { grand_totl: 1 } });
    // @ts-expect-error not one of Frappe's operators
    const badOperator = () => client.getList<SalesOrder>('Sales Order', { filters: [['status', '~', 'A']] });
    for (const call of [good, badDict, badList, badOr, badOperator]) expectTypeOf(call).toBeFunction();
  });

  it("orderBy: '<field> asc|desc', the field checked", () => {
    const good = [
      () => client.getList<SalesOrder>('Sales Order', { orderBy: 'modified desc' }),
      () => client.getList<SalesOrder>('Sales Order', { orderBy: 'grand_total ASC' }),
      () => client.getList<SalesOrder>('Sales Order', { orderBy: 'creation asc' }),
      () => client.getList<SalesOrder>('Sales Order', { orderBy: 'modified desc, name asc' }),
      () => client.getList<Item>('Item', { orderBy: 'item_name asc' }),
    ];
    // @ts-expect-error `grand_totl` is not a field of SalesOrder
    const badField = () => client.getList<SalesOrder>('Sales Order', { orderBy: 'grand_totl desc' });
    // @ts-expect-error a direction is needed, and it is asc or desc
    const badDirection = () => client.getList<SalesOrder>('Sales Order', { orderBy: 'modified downwards' });
    for (const call of [...good, badField, badDirection]) expectTypeOf(call).toBeFunction();
  });

  it('untyped use stays easy: any field, filter or order string', () => {
    const untyped = () =>
      client.getList('Customer', {
        fields: ['name', 'customer_name', 'count(name) as total'],
        filters: { customer_group: 'Commercial' },
        orFilters: [['territory', 'in', ['Europe', 'Asia']]],
        orderBy: 'customer_name asc',
      });
    expectTypeOf(untyped).returns.resolves.toEqualTypeOf<Record<string, unknown>[]>();
    const count = () => client.getCount('Item', [['disabled', '=', 0]]);
    expectTypeOf(count).returns.resolves.toEqualTypeOf<number>();
    const inserted = () => client.insertDoc('Customer', { customer_name: 'Acme', anything: [1, 2] });
    expectTypeOf(inserted).returns.resolves.toEqualTypeOf<Record<string, unknown>>();
    const doc = () => client.getDoc('Customer', 'Acme');
    expectTypeOf(doc).returns.resolves.toEqualTypeOf<Record<string, unknown>>();
  });

  it('getDoc<T>, insertDoc<T> and updateDoc<T> take interfaces; known fields keep their types', () => {
    const read = () => client.getDoc<SalesOrder>('Sales Order', 'SO-1');
    expectTypeOf(read).returns.resolves.toEqualTypeOf<SalesOrder>();
    const order: SalesOrder = {
      name: 'SO-1',
      customer: 'Acme',
      status: 'Draft',
      grand_total: 10,
      modified: '2026-01-01 00:00:00',
    };
    const fromInterface = () => client.insertDoc<SalesOrder>('Sales Order', order);
    expectTypeOf(fromInterface).returns.resolves.toEqualTypeOf<SalesOrder>();
    // Fields the type leaves out (a child table here) are sent as they are.
    const partial = () =>
      client.insertDoc<SalesOrder>('Sales Order', { customer: 'Acme', items: [{ item_code: 'X', qty: 1 }] });
    // @ts-expect-error grand_total is a number in SalesOrder
    const wrongType = () => client.insertDoc<SalesOrder>('Sales Order', { grand_total: 'ten' });
    // @ts-expect-error status is one of SalesOrder's statuses
    const wrongUpdate = () => client.updateDoc<SalesOrder>('Sales Order', 'SO-1', { status: 'Shipped' });
    const update = () => client.updateDoc<Item>('Item', 'X', { disabled: 1 });
    expectTypeOf(update).returns.resolves.toEqualTypeOf<Item>();
    for (const call of [partial, wrongType, wrongUpdate]) expectTypeOf(call).toBeFunction();
  });

  it('iterateList<T> and getCount<T> check their fields and filters too', () => {
    const rows = () =>
      client.iterateList<SalesOrder>('Sales Order', { fields: ['grand_total'], filters: { docstatus: 1 } });
    expectTypeOf(rows).returns.toEqualTypeOf<AsyncIterable<SalesOrder>>();
    // @ts-expect-error `grand_totl` is not a field of SalesOrder
    const badFields = () => client.iterateList<SalesOrder>('Sales Order', { fields: ['grand_totl'] });
    const badIterateFilter = () =>
      // @ts-expect-error `statuss` is not a field of SalesOrder
      client.iterateList<SalesOrder>('Sales Order', { filters: { statuss: 'Draft' } });
    const count = () => client.getCount<SalesOrder>('Sales Order', { status: 'Draft', idx: 1 });
    // @ts-expect-error `custmer` is not a field of SalesOrder
    const badCount = () => client.getCount<SalesOrder>('Sales Order', [['custmer', '=', 'A']]);
    for (const call of [badFields, badIterateFilter, count, badCount]) expectTypeOf(call).toBeFunction();
  });
});
