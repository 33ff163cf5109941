import { DELETED_DOCUMENT } from './deleted-document-doctype';
import { DOCFIELD, DOCTYPE, FILE } from './standard-doctypes';

/**
 * The emulated site's DocTypes: ERPNext-like Customer, Item and Sales Order, plus File and the
 * DocType/DocField pair that serves metadata. Field lists are trimmed to what an integration
 * exercises; names, types and flags follow ERPNext's JSON definitions.
 */

export type FieldType =
  | 'Data'
  | 'Link'
  | 'Select'
  | 'Int'
  | 'Float'
  | 'Currency'
  | 'Check'
  | 'Date'
  | 'Datetime'
  | 'Small Text'
  | 'Text Editor'
  | 'Table';

export interface DocField {
  readonly fieldname: string;
  readonly fieldtype: FieldType;
  readonly label: string;
  readonly options?: string;
  readonly reqd?: 1;
  readonly unique?: 1;
  readonly read_only?: 1;
  readonly allow_on_submit?: 1;
  readonly in_list_view?: 1;
  /** A literal default, or `Today` for dates as Frappe's defaults allow. */
  readonly default?: string | number;
  /** `fetch_from`: `link_field.source_field`, copied when the link is set. */
  readonly fetch_from?: string;
}

export interface DocTypeMeta {
  readonly name: string;
  readonly module: string;
  readonly istable: 0 | 1;
  readonly is_submittable: 0 | 1;
  readonly allow_rename: 0 | 1;
  /** `field:<fieldname>`, a naming series (`SAL-ORD-.YYYY.-.#####`), `hash` or `Prompt`. */
  readonly autoname: string;
  readonly sort_field: string;
  readonly sort_order: 'ASC' | 'DESC';
  readonly title_field?: string;
  readonly fields: readonly DocField[];
}

/** Columns every table has (`frappe.model.default_fields`). */
export const STANDARD_FIELDS = [
  'name',
  'owner',
  'creation',
  'modified',
  'modified_by',
  'docstatus',
  'idx',
] as const;

/** Extra columns of child tables (`frappe.model.child_table_fields`). */
export const CHILD_FIELDS = ['parent', 'parentfield', 'parenttype'] as const;

const NUMERIC_TYPES: ReadonlySet<string> = new Set(['Int', 'Float', 'Currency', 'Check']);

export function isNumericType(fieldtype: string): boolean {
  return NUMERIC_TYPES.has(fieldtype);
}

const customer: DocTypeMeta = {
  name: 'Customer',
  module: 'Selling',
  istable: 0,
  is_submittable: 0,
  allow_rename: 1,
  autoname: 'field:customer_name',
  sort_field: 'modified',
  sort_order: 'DESC',
  title_field: 'customer_name',
  fields: [
    { fieldname: 'customer_name', fieldtype: 'Data', label: 'Customer Name', reqd: 1, in_list_view: 1 },
    {
      fieldname: 'customer_type',
      fieldtype: 'Select',
      label: 'Customer Type',
      options: 'Company\nIndividual\nPartnership',
      reqd: 1,
      default: 'Company',
    },
    { fieldname: 'customer_group', fieldtype: 'Link', label: 'Customer Group', options: 'Customer Group' },
    { fieldname: 'territory', fieldtype: 'Link', label: 'Territory', options: 'Territory' },
    { fieldname: 'email_id', fieldtype: 'Data', label: 'Email Id', options: 'Email' },
    { fieldname: 'mobile_no', fieldtype: 'Data', label: 'Mobile No', options: 'Phone' },
    { fieldname: 'default_currency', fieldtype: 'Link', label: 'Billing Currency', options: 'Currency' },
    { fieldname: 'credit_limit', fieldtype: 'Currency', label: 'Credit Limit' },
    { fieldname: 'disabled', fieldtype: 'Check', label: 'Disabled', default: 0 },
  ],
};

const item: DocTypeMeta = {
  name: 'Item',
  module: 'Stock',
  istable: 0,
  is_submittable: 0,
  allow_rename: 1,
  autoname: 'field:item_code',
  sort_field: 'modified',
  sort_order: 'DESC',
  title_field: 'item_name',
  fields: [
    { fieldname: 'item_code', fieldtype: 'Data', label: 'Item Code', reqd: 1, unique: 1 },
    { fieldname: 'item_name', fieldtype: 'Data', label: 'Item Name', reqd: 1, in_list_view: 1 },
    { fieldname: 'item_group', fieldtype: 'Link', label: 'Item Group', options: 'Item Group', reqd: 1 },
    { fieldname: 'stock_uom', fieldtype: 'Link', label: 'Default Unit of Measure', options: 'UOM', reqd: 1 },
    { fieldname: 'description', fieldtype: 'Text Editor', label: 'Description' },
    { fieldname: 'standard_rate', fieldtype: 'Currency', label: 'Standard Selling Rate' },
    { fieldname: 'opening_stock', fieldtype: 'Float', label: 'Opening Stock' },
    { fieldname: 'is_stock_item', fieldtype: 'Check', label: 'Maintain Stock', default: 1 },
    { fieldname: 'disabled', fieldtype: 'Check', label: 'Disabled', default: 0 },
  ],
};

export const SALES_ORDER_STATUSES = [
  'Draft',
  'On Hold',
  'To Deliver and Bill',
  'To Bill',
  'To Deliver',
  'Completed',
  'Cancelled',
  'Closed',
] as const;

const salesOrder: DocTypeMeta = {
  name: 'Sales Order',
  module: 'Selling',
  istable: 0,
  is_submittable: 1,
  allow_rename: 0,
  autoname: 'naming_series:',
  sort_field: 'modified',
  sort_order: 'DESC',
  title_field: 'customer_name',
  fields: [
    {
      fieldname: 'naming_series',
      fieldtype: 'Select',
      label: 'Series',
      options: 'SAL-ORD-.YYYY.-',
      reqd: 1,
      default: 'SAL-ORD-.YYYY.-',
    },
    { fieldname: 'customer', fieldtype: 'Link', label: 'Customer', options: 'Customer', reqd: 1 },
    {
      fieldname: 'customer_name',
      fieldtype: 'Data',
      label: 'Customer Name',
      read_only: 1,
      fetch_from: 'customer.customer_name',
    },
    {
      fieldname: 'order_type',
      fieldtype: 'Select',
      label: 'Order Type',
      options: 'Sales\nMaintenance\nShopping Cart',
      reqd: 1,
      default: 'Sales',
    },
    { fieldname: 'transaction_date', fieldtype: 'Date', label: 'Date', reqd: 1, default: 'Today' },
    { fieldname: 'delivery_date', fieldtype: 'Date', label: 'Delivery Date' },
    { fieldname: 'po_no', fieldtype: 'Data', label: "Customer's Purchase Order", allow_on_submit: 1 },
    { fieldname: 'currency', fieldtype: 'Link', label: 'Currency', options: 'Currency', default: 'USD' },
    { fieldname: 'items', fieldtype: 'Table', label: 'Items', options: 'Sales Order Item', reqd: 1 },
    { fieldname: 'total_qty', fieldtype: 'Float', label: 'Total Quantity', read_only: 1 },
    { fieldname: 'grand_total', fieldtype: 'Currency', label: 'Grand Total', read_only: 1 },
    {
      fieldname: 'status',
      fieldtype: 'Select',
      label: 'Status',
      options: SALES_ORDER_STATUSES.join('\n'),
      reqd: 1,
      read_only: 1,
      default: 'Draft',
    },
  ],
};

const salesOrderItem: DocTypeMeta = {
  name: 'Sales Order Item',
  module: 'Selling',
  istable: 1,
  is_submittable: 0,
  allow_rename: 0,
  autoname: 'hash',
  sort_field: 'modified',
  sort_order: 'DESC',
  fields: [
    {
      fieldname: 'item_code',
      fieldtype: 'Link',
      label: 'Item Code',
      options: 'Item',
      reqd: 1,
      in_list_view: 1,
    },
    { fieldname: 'item_name', fieldtype: 'Data', label: 'Item Name', fetch_from: 'item_code.item_name' },
    { fieldname: 'qty', fieldtype: 'Float', label: 'Quantity', reqd: 1, in_list_view: 1 },
    { fieldname: 'rate', fieldtype: 'Currency', label: 'Rate', in_list_view: 1 },
    { fieldname: 'amount', fieldtype: 'Currency', label: 'Amount', read_only: 1 },
    { fieldname: 'delivery_date', fieldtype: 'Date', label: 'Delivery Date' },
  ],
};

export const DOCTYPES: ReadonlyMap<string, DocTypeMeta> = new Map(
  [customer, item, salesOrder, salesOrderItem, FILE, DOCTYPE, DOCFIELD, DELETED_DOCUMENT].map((meta) => [
    meta.name,
    meta,
  ]),
);

export function getMeta(doctype: string): DocTypeMeta | undefined {
  return DOCTYPES.get(doctype);
}

/** Data fields (everything but tables), the doctype's own columns. */
export function dataFields(meta: DocTypeMeta): readonly DocField[] {
  return meta.fields.filter((field) => field.fieldtype !== 'Table');
}

export function tableFields(meta: DocTypeMeta): readonly DocField[] {
  return meta.fields.filter((field) => field.fieldtype === 'Table');
}

/** The parent doctypes whose table fields hold rows of `childDoctype`. */
export function parentsOf(childDoctype: string): Array<{ parent: DocTypeMeta; field: DocField }> {
  const out: Array<{ parent: DocTypeMeta; field: DocField }> = [];
  for (const meta of DOCTYPES.values()) {
    for (const field of tableFields(meta)) {
      if (field.options === childDoctype) out.push({ parent: meta, field });
    }
  }
  return out;
}

/** Every column a list query may name: standard ones, child-table ones, the doctype's data fields. */
export function columnsOf(meta: DocTypeMeta): string[] {
  const own = dataFields(meta).map((field) => field.fieldname);
  return meta.istable ? [...STANDARD_FIELDS, ...CHILD_FIELDS, ...own] : [...STANDARD_FIELDS, ...own];
}

/** The type of a column, standard columns included. */
export function columnType(meta: DocTypeMeta, column: string): string {
  if (column === 'docstatus' || column === 'idx') return 'Int';
  if (column === 'creation' || column === 'modified') return 'Datetime';
  const field = meta.fields.find((candidate) => candidate.fieldname === column);
  return field?.fieldtype ?? 'Data';
}
