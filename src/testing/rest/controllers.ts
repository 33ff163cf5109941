import { frappeThrow } from '../core/exceptions';
import type { Site } from '../site';
import { flt } from './args';
import { SALES_ORDER_STATUSES } from './doctypes';

/**
 * The ERPNext controller logic the emulated doctypes need (`validate`, `on_submit`, `on_cancel`):
 * just enough for documents to look like ERPNext's — item names default to the code, order
 * lines and totals are computed, Sales Order status follows docstatus.
 */
export function runValidate(site: Site, doctype: string, doc: Record<string, unknown>): void {
  if (doctype === 'Item') {
    if (doc.item_name === null || doc.item_name === undefined || doc.item_name === '') {
      doc.item_name = doc.item_code ?? null;
    }
  } else if (doctype === 'Sales Order') {
    validateSalesOrder(site, doc);
  }
}

function validateSalesOrder(site: Site, doc: Record<string, unknown>): void {
  const rows = Array.isArray(doc.items) ? (doc.items as Record<string, unknown>[]) : [];
  let totalQty = 0;
  let grandTotal = 0;
  for (const row of rows) {
    const item = typeof row.item_code === 'string' ? site.docs.get('Item', row.item_code) : undefined;
    if ((row.rate === null || row.rate === undefined) && item) row.rate = flt(item.standard_rate);
    if (row.delivery_date === null || row.delivery_date === undefined)
      row.delivery_date = doc.delivery_date ?? null;
    row.amount = round2(flt(row.qty) * flt(row.rate));
    totalQty += flt(row.qty);
    grandTotal += flt(row.amount);
  }
  doc.total_qty = totalQty;
  doc.grand_total = round2(grandTotal);
  if (doc.docstatus === 0) doc.status = 'Draft';
}

/** `on_submit` / `on_cancel`: the status a Sales Order moves to. */
export function runDocstatusChange(
  doctype: string,
  doc: Record<string, unknown>,
  docstatus: 0 | 1 | 2,
): void {
  if (doctype !== 'Sales Order') return;
  if (docstatus === 1 && (doc.status === 'Draft' || !doc.status)) doc.status = 'To Deliver and Bill';
  if (docstatus === 2) doc.status = 'Cancelled';
}

/** ERPNext's `SalesOrder.update_status` (Close, Hold, Re-open): only on submitted orders. */
export function salesOrderStatusAfterUpdate(doc: Record<string, unknown>, status: unknown): string {
  if (doc.docstatus !== 1) {
    throw frappeThrow(
      'ValidationError',
      `Sales Order ${String(doc.name)} must be submitted to change its status`,
    );
  }
  const allowed = SALES_ORDER_STATUSES.filter((each) => each !== 'Draft' && each !== 'Cancelled') as string[];
  if (typeof status !== 'string' || !allowed.includes(status)) {
    throw frappeThrow(
      'ValidationError',
      `Status cannot be "${String(status)}". It should be one of ${allowed.map((each) => `"${each}"`).join(', ')}`,
    );
  }
  return status;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
