import { frappeDatetime, type ServerClock } from '../core/clock';

/** A stored document: Frappe's standard fields plus the doctype's own (child tables as arrays). */
export type StoredDoc = Record<string, unknown> & {
  name: string;
  doctype: string;
  modified: string;
  creation: string;
  owner: string;
  modified_by: string;
  docstatus: 0 | 1 | 2;
  idx: number;
};

/** The emulator's database: one insertion-ordered table per doctype, plus naming-series counters. */
export class DocumentStore {
  private readonly tables = new Map<string, Map<string, StoredDoc>>();
  private readonly series = new Map<string, number>();
  /** The last stamp handed out, in microseconds since the epoch. */
  private lastStampMicros = 0;
  private formattedMs = -1;
  private formattedPrefix = '';

  constructor(private readonly clock: ServerClock) {}

  table(doctype: string): Map<string, StoredDoc> {
    let table = this.tables.get(doctype);
    if (!table) {
      table = new Map();
      this.tables.set(doctype, table);
    }
    return table;
  }

  get(doctype: string, name: string): StoredDoc | undefined {
    return this.tables.get(doctype)?.get(name);
  }

  put(doc: StoredDoc): void {
    this.table(doc.doctype).set(doc.name, doc);
  }

  delete(doctype: string, name: string): boolean {
    return this.tables.get(doctype)?.delete(name) ?? false;
  }

  count(doctype: string): number {
    return this.tables.get(doctype)?.size ?? 0;
  }

  /** `tabSeries`: the next number of a naming-series prefix. */
  nextInSeries(prefix: string): number {
    const next = (this.series.get(prefix) ?? 0) + 1;
    this.series.set(prefix, next);
    return next;
  }

  /**
   * A fresh, strictly increasing `modified` value on the server clock. Each stamp is at least one
   * microsecond after the previous one, even for 100,000 saves in one millisecond or after the
   * clock was moved back, so keyset paging on (`modified`, `name`) never sees two equal stamps.
   */
  timestamp(): string {
    const nowMicros = Math.floor(this.clock.nowMs() * 1000);
    this.lastStampMicros = Math.max(nowMicros, this.lastStampMicros + 1);
    const ms = Math.floor(this.lastStampMicros / 1000);
    // Formatting dates dominates bulk generation; reuse the millisecond part while it is the same.
    if (ms !== this.formattedMs) {
      this.formattedMs = ms;
      this.formattedPrefix = frappeDatetime(ms).slice(0, -3);
    }
    return this.formattedPrefix + String(this.lastStampMicros - ms * 1000).padStart(3, '0');
  }
}
