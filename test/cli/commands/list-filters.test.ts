import { describe, expect, it } from 'vitest';
import { fieldsFrom, filtersFrom } from '../../../src/cli/commands/list-filters';
import { CliUsageError } from '../../../src/cli/usage-error';

describe('list filters and fields', () => {
  it('--filter FIELD<op>VALUE for each operator, ANDed with --filters in list or dict form', () => {
    expect(
      filtersFrom({
        filters: '{"status":"Open","grand_total":[">",100]}',
        filter: ['customer_group=Commercial', 'qty>=2', 'name~%Ltd%', 'territory!=India', 'a<b=c'],
      }),
    ).toEqual([
      ['status', '=', 'Open'],
      ['grand_total', '>', 100],
      ['customer_group', '=', 'Commercial'],
      ['qty', '>=', '2'],
      ['name', 'like', '%Ltd%'],
      ['territory', '!=', 'India'],
      ['a', '<', 'b=c'],
    ]);
    expect(filtersFrom({ filters: '[["disabled","=",0]]' })).toEqual([['disabled', '=', 0]]);
    expect(filtersFrom({})).toBeUndefined();
  });

  it('refuses what it cannot read', () => {
    expect(() => filtersFrom({ filter: ['no operator'] })).toThrow(CliUsageError);
    expect(() => filtersFrom({ filters: '{not json' })).toThrow(CliUsageError);
    expect(() => filtersFrom({ filters: '42' })).toThrow(CliUsageError);
    expect(() => fieldsFrom({ fields: '[1,2]' })).toThrow(CliUsageError);
  });

  it('--fields as a comma list or a JSON list', () => {
    expect(fieldsFrom({ fields: 'name, customer_group,,' })).toEqual(['name', 'customer_group']);
    expect(fieldsFrom({ fields: '["name","sum(qty) as total"]' })).toEqual(['name', 'sum(qty) as total']);
    expect(fieldsFrom({})).toBeUndefined();
  });
});
