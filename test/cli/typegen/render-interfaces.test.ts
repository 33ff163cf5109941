import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { interfaceName, renderInterfaces } from '../../../src/cli/typegen/render-interfaces';

describe('renderInterfaces', () => {
  const text = renderInterfaces(
    [
      {
        name: 'Project Task',
        module: 'Projects',
        istable: 0,
        fields: [
          { fieldname: 'section_1', fieldtype: 'Section Break', label: 'Details' },
          { fieldname: 'priority', fieldtype: 'Select', options: "Low\nIt's urgent\n\n", label: 'Priority' },
          { fieldname: 'party_type', fieldtype: 'Link', options: 'DocType', reqd: 1 },
          { fieldname: 'party', fieldtype: 'Dynamic Link', options: 'party_type', label: 'Party */ x' },
          { fieldname: 'done', fieldtype: 'Check' },
          { fieldname: 'starts', fieldtype: 'Datetime' },
          { fieldname: 'weight', fieldtype: 'Percent' },
          { fieldname: 'users', fieldtype: 'Table MultiSelect', options: 'Task User' },
          { fieldname: 'orphans', fieldtype: 'Table', options: 'Not Loaded' },
          { fieldname: 'odd-name', fieldtype: 'Data' },
        ],
      },
      {
        name: 'Task User',
        istable: 1,
        fields: [{ fieldname: 'user', fieldtype: 'Link', options: 'User', reqd: 1 }],
      },
    ],
    'https://erp.example.com',
  );

  it('types each field by its fieldtype and leaves layout fields out', () => {
    expect(text).not.toContain('section_1');
    expect(text).toContain("priority?: 'Low' | 'It\\'s urgent' | '' | null;");
    expect(text).toMatch(/Link to DocType \(required\)\. \*\/\n {2}party_type: string;/);
    expect(text).toContain('Party * / x — Dynamic Link (its DocType is in party_type)');
    expect(text).toContain('done?: 0 | 1 | null;');
    expect(text).toContain('Datetime YYYY-MM-DD HH:mm:ss[.ffffff]');
    expect(text).toContain('weight?: number | null;');
    expect(text).toContain('users?: TaskUser[] | null;');
    expect(text).toContain('orphans?: Record<string, unknown>[] | null;'); // a child table not loaded
    expect(text).toContain('"odd-name"?: string | null;');
    expect(text).toContain("  'Task User': TaskUser;".replaceAll("'", '"'));
  });

  it('is valid TypeScript', () => {
    const output = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { strict: true } });
    expect(output.diagnostics).toEqual([]);
  });

  it('names interfaces as TypeScript identifiers', () => {
    expect(interfaceName('Sales Order Item')).toBe('SalesOrderItem');
    expect(interfaceName('e-Invoice Log')).toBe('EInvoiceLog');
    expect(interfaceName('2FA Setting')).toBe('_2FASetting');
  });
});
