import type { Site } from '../site';
import { ADMINISTRATOR } from '../state/users';
import { DOCTYPES } from './doctypes';
import type { StoredDoc } from './document-store';
import { type Actor, insertDoc, updateDoc } from './documents';

const SERVER: Actor = { user: ADMINISTRATOR, ignorePermissions: true };

/** When the emulator's standard DocTypes were "installed": a fixed stamp, as their JSON files carry. */
const METADATA_STAMP = '2024-01-01 00:00:00.000000';

/**
 * The DocType records behind `/api/resource/DocType/<name>`: one per emulated doctype, its fields
 * as DocField rows, exactly as `frappe.get_doc("DocType", name).as_dict()` shapes them.
 */
export function installMetadata(site: Site): void {
  for (const meta of DOCTYPES.values()) {
    const doc: StoredDoc = {
      name: meta.name,
      doctype: 'DocType',
      owner: ADMINISTRATOR,
      creation: METADATA_STAMP,
      modified: METADATA_STAMP,
      modified_by: ADMINISTRATOR,
      docstatus: 0,
      idx: 0,
      module: meta.module,
      istable: meta.istable,
      is_submittable: meta.is_submittable,
      allow_rename: meta.allow_rename,
      autoname: meta.autoname,
      sort_field: meta.sort_field,
      sort_order: meta.sort_order,
      title_field: meta.title_field ?? null,
      fields: meta.fields.map((field, index) => ({
        name: `${meta.name.toLowerCase().replaceAll(' ', '_')}_${field.fieldname}`,
        owner: ADMINISTRATOR,
        creation: METADATA_STAMP,
        modified: METADATA_STAMP,
        modified_by: ADMINISTRATOR,
        docstatus: 0,
        idx: index + 1,
        parent: meta.name,
        parentfield: 'fields',
        parenttype: 'DocType',
        doctype: 'DocField',
        label: field.label,
        fieldtype: field.fieldtype,
        fieldname: field.fieldname,
        options: field.options ?? null,
        reqd: field.reqd ?? 0,
        unique: field.unique ?? 0,
        read_only: field.read_only ?? 0,
        allow_on_submit: field.allow_on_submit ?? 0,
        in_list_view: field.in_list_view ?? 0,
        default: field.default === undefined ? null : String(field.default),
        fetch_from: field.fetch_from ?? null,
      })),
    };
    site.docs.put(doc);
  }
}

/** ERPNext-demo-like sample data: four Customers, five Items, four Sales Orders (two submitted, one cancelled). */
export function seedDocuments(site: Site): void {
  const customers = [
    {
      customer_name: 'Grant Plastics Ltd.',
      customer_group: 'Commercial',
      territory: 'United States',
      credit_limit: 50000,
    },
    {
      customer_name: 'West View Software Ltd.',
      customer_group: 'Commercial',
      territory: 'India',
      credit_limit: 20000,
    },
    { customer_name: 'Palmer Productions Ltd.', customer_group: 'Government', territory: 'United Kingdom' },
    {
      customer_name: 'Jane Doe',
      customer_type: 'Individual',
      customer_group: 'Individual',
      territory: 'Rest Of The World',
      email_id: 'jane@example.com',
    },
  ];
  for (const customer of customers) insertDoc(site, SERVER, 'Customer', customer);

  const items = [
    {
      item_code: 'SKU001',
      item_name: 'T-shirt',
      item_group: 'Products',
      stock_uom: 'Nos',
      standard_rate: 400,
    },
    {
      item_code: 'SKU002',
      item_name: 'Laptop',
      item_group: 'Products',
      stock_uom: 'Nos',
      standard_rate: 1200,
    },
    { item_code: 'SKU003', item_name: 'Book', item_group: 'Products', stock_uom: 'Nos', standard_rate: 20.5 },
    {
      item_code: 'SVC-INSTALL',
      item_name: 'Installation Service',
      item_group: 'Services',
      stock_uom: 'Hour',
      standard_rate: 75,
      is_stock_item: 0,
    },
    {
      item_code: 'SKU004',
      item_name: 'Old Phone',
      item_group: 'Products',
      stock_uom: 'Nos',
      standard_rate: 99,
      disabled: 1,
    },
  ];
  for (const item of items) insertDoc(site, SERVER, 'Item', item);

  const orders: Array<{ doc: Record<string, unknown>; docstatus: 0 | 1 | 2 }> = [
    {
      doc: {
        customer: 'Grant Plastics Ltd.',
        delivery_date: '2030-01-15',
        items: [{ item_code: 'SKU001', qty: 10 }],
      },
      docstatus: 1,
    },
    {
      doc: {
        customer: 'West View Software Ltd.',
        delivery_date: '2030-02-01',
        items: [
          { item_code: 'SKU002', qty: 2 },
          { item_code: 'SVC-INSTALL', qty: 4, rate: 80 },
        ],
      },
      docstatus: 0,
    },
    {
      doc: {
        customer: 'Jane Doe',
        delivery_date: '2030-03-01',
        po_no: 'PO-778',
        items: [{ item_code: 'SKU003', qty: 3 }],
      },
      docstatus: 1,
    },
    {
      doc: { customer: 'Palmer Productions Ltd.', items: [{ item_code: 'SKU001', qty: 1 }] },
      docstatus: 2,
    },
  ];
  for (const { doc, docstatus } of orders) {
    const saved = insertDoc(site, SERVER, 'Sales Order', doc);
    if (docstatus >= 1)
      updateDoc(site, SERVER, 'Sales Order', saved.name, { docstatus: 1 }, { modifiedCheck: 'never' });
    if (docstatus === 2)
      updateDoc(site, SERVER, 'Sales Order', saved.name, { docstatus: 2 }, { modifiedCheck: 'never' });
  }
}
