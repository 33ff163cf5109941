import type { Site } from '../site';
import { ADMINISTRATOR } from '../state/users';
import type { StoredDoc } from './document-store';

export type GeneratedDoctype = 'Customer' | 'Item';

const CUSTOMER_GROUPS = ['Commercial', 'Individual', 'Government', 'Non Profit'];
const TERRITORIES = ['United States', 'India', 'United Kingdom', 'Germany', 'Rest Of The World'];
const ITEM_GROUPS = ['Products', 'Raw Material', 'Services', 'Sub Assemblies', 'Consumable'];

/** Per site, how many documents of each doctype were generated so far (names continue). */
const counters = new WeakMap<Site, Map<string, number>>();

/**
 * Bulk data for benchmarks and paging tests: `Generated Customer 000001`… with deterministic
 * field values derived from the number. Written straight to the store (no per-document
 * validation pipeline) so 100,000 documents take well under a second; each still gets its own
 * strictly increasing `modified`.
 */
export function generateDocuments(site: Site, doctype: GeneratedDoctype, count: number): string[] {
  if (doctype !== 'Customer' && doctype !== 'Item') {
    throw new TypeError(
      `generateDocuments: only 'Customer' and 'Item' can be generated, not ${String(doctype)}`,
    );
  }
  if (!Number.isInteger(count) || count < 0)
    throw new TypeError('generateDocuments: count must be a non-negative integer');
  let perSite = counters.get(site);
  if (!perSite) {
    perSite = new Map();
    counters.set(site, perSite);
  }
  const start = perSite.get(doctype) ?? 0;
  const table = site.docs.table(doctype);
  const names: string[] = [];
  let number = start;
  while (names.length < count) {
    number += 1;
    const name = `Generated ${doctype} ${String(number).padStart(6, '0')}`;
    if (table.has(name)) continue;
    const stamp = site.docs.timestamp();
    const doc = doctype === 'Customer' ? customer(name, number, stamp) : item(name, number, stamp);
    table.set(name, doc);
    names.push(name);
  }
  perSite.set(doctype, number);
  return names;
}

// Plain object literals with every column: spreading a shared base made V8 build slow
// dictionary-mode objects, ten times slower for 100,000 documents.
function customer(name: string, number: number, stamp: string): StoredDoc {
  return {
    name,
    owner: ADMINISTRATOR,
    creation: stamp,
    modified: stamp,
    modified_by: ADMINISTRATOR,
    docstatus: 0,
    idx: 0,
    customer_name: name,
    customer_type: number % 3 === 0 ? 'Individual' : 'Company',
    customer_group: CUSTOMER_GROUPS[number % CUSTOMER_GROUPS.length],
    territory: TERRITORIES[number % TERRITORIES.length],
    email_id: `customer${number}@example.com`,
    mobile_no: null,
    default_currency: null,
    credit_limit: (number % 100) * 1000,
    disabled: number % 10 === 0 ? 1 : 0,
    doctype: 'Customer',
  };
}

function item(name: string, number: number, stamp: string): StoredDoc {
  return {
    name,
    owner: ADMINISTRATOR,
    creation: stamp,
    modified: stamp,
    modified_by: ADMINISTRATOR,
    docstatus: 0,
    idx: 0,
    item_code: name,
    item_name: `Item number ${number}`,
    item_group: ITEM_GROUPS[number % ITEM_GROUPS.length],
    stock_uom: 'Nos',
    description: null,
    standard_rate: (number % 1000) + 0.5,
    opening_stock: 0,
    is_stock_item: 1,
    disabled: number % 10 === 0 ? 1 : 0,
    doctype: 'Item',
  };
}
