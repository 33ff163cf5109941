import { frappeDatetime, type ServerClock } from '../core/clock';

/** A stored document: Frappe's standard fields plus the doctype's own. */
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

/** The emulator's database: one ordered table per doctype. */
export class DocumentStore {
  private readonly tables = new Map<string, Map<string, StoredDoc>>();
  private lastStampMs = 0;
  private stampSequence = 0;

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

  /** A fresh, strictly increasing `modified` value on the server clock. */
  timestamp(): string {
    const now = this.clock.nowMs();
    if (now === this.lastStampMs) {
      this.stampSequence += 1;
    } else if (now > this.lastStampMs) {
      this.lastStampMs = now;
      this.stampSequence = 0;
    } else {
      // The clock went back (advanceClock with a negative value): stay monotonic per millisecond.
      this.stampSequence += 1;
      return frappeDatetime(now, this.stampSequence);
    }
    return frappeDatetime(now, this.stampSequence);
  }
}
