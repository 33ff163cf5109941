import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { countRequests, startSite } from '../helpers/frappe-site';
import { cli, passwordLoginAsAlice } from './cli-harness';

/** Type-checks `files` (strict, as a user's project would) and returns the diagnostics' text. */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: ['node'],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('frappe-oauth typegen', () => {
  it('writes interfaces from the site metadata that make getDoc<SalesOrder> typed', async () => {
    const site = await startSite('v15');
    const { home, login } = await passwordLoginAsAlice(site.url);
    expect(login.status).toBe(0);
    const out = join(home, 'frappe-types.mts');
    const run = await cli(home, ['typegen', 'Sales Order', 'Customer', '--out', out]);
    expect(run.json()).toEqual({
      written: out,
      interfaces: [
        { doctype: 'Sales Order', interface: 'SalesOrder' },
        { doctype: 'Customer', interface: 'Customer' },
        { doctype: 'Sales Order Item', interface: 'SalesOrderItem' },
      ],
    });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('export interface SalesOrder {');
    expect(text).toContain('items: SalesOrderItem[];'); // a required child table
    expect(text).toMatch(/Customer — Link to Customer \(required\)\. \*\/\n {2}customer: string;/);
    expect(text).toContain("status: 'Draft' | 'On Hold' | 'To Deliver and Bill'");
    expect(text).toContain("customer_type: 'Company' | 'Individual' | 'Partnership';");
    expect(text).toContain('disabled?: 0 | 1 | null;');
    expect(text).toContain('parenttype?: string;');
    const stdout = await cli(home, ['typegen', 'Item']);
    expect(stdout.stdout).toContain('export interface Item {');

    const usage = join(home, 'usage.mts');
    const sdk = resolve(__dirname, '../../src/index.ts').replace(/\.ts$/, '.js');
    writeFileSync(
      usage,
      `import type { FrappeOAuthClient } from ${JSON.stringify(sdk)};
import type { DocTypes, SalesOrder } from './frappe-types.mjs';
export async function use(client: FrappeOAuthClient): Promise<string> {
  const order = await client.getDoc<SalesOrder>('Sales Order', 'SAL-ORD-2026-00001');
  const status: 'Draft' | 'On Hold' | 'To Deliver and Bill' | 'To Bill' | 'To Deliver' | 'Completed' | 'Cancelled' | 'Closed' = order.status;
  const first = order.items[0];
  const total: number = (first?.qty ?? 0) * (first?.rate ?? 0);
  const customer: DocTypes['Customer']['customer_name'] = order.customer;
  // @ts-expect-error not one of the Select's options
  const wrong: SalesOrder['status'] = 'Shipped';
  // @ts-expect-error no such field
  order.no_such_field;
  return \`\${status} \${total} \${customer} \${wrong}\`;
}
`,
    );
    expect(typeCheck([usage])).toEqual([]);
  }, 60_000);

  it('reads metadata as Desk does (getdoctype, one request per DocType), and falls back to the DocType records', async () => {
    const site = await startSite('v15');
    const { home } = await passwordLoginAsAlice(site.url);
    site.clearRequests();
    const desk = await cli(home, ['typegen', 'Sales Order']);
    expect(desk.stdout).toContain('export interface SalesOrderItem {');
    expect(countRequests(site, 'frappe.desk.form.load.getdoctype')).toBe(1); // the child table came with it
    expect(countRequests(site, '/api/resource/DocType/Sales%20Order')).toBe(0);
    // a site that does not serve getdoctype
    site.injectFault(/getdoctype$/, { kind: 'status', status: 404 }, { times: 10 });
    site.clearRequests();
    const records = await cli(home, ['typegen', 'Sales Order']);
    expect(records.stdout).toBe(desk.stdout);
    expect(countRequests(site, '/api/resource/DocType/Sales%20Order')).toBe(1);
    expect(countRequests(site, '/api/resource/DocType/Sales%20Order%20Item')).toBe(1);
    const unknown = await cli(home, ['typegen', 'No Such DocType']);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe('');
  });
});
