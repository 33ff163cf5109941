import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { FrappeInputError, type FrappeOAuthClient, TokenStoreError } from '../../src';
import type { FrappeEmulator } from '../../src/testing';
import { authorizeAs, clientFor, startSite, USERS } from '../helpers/frappe-site';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS, type ApiVariant, pathsOf } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

interface CustomerRow {
  name: string;
  modified: string;
  customer_name?: string;
  customer_group?: string;
  credit_limit?: number;
}

const KEYSET_ORDER = 'modified asc, name asc';

async function adminClientOn(
  variant: ApiVariant,
  site: FrappeEmulator,
  store = new Keyv(),
): Promise<FrappeOAuthClient> {
  const client = clientFor(site, { store, apiVersion: variant.apiVersion });
  await authorizeAs(client, site, USERS.admin.email);
  return client;
}

/** Every Customer in keyset order, read in one request (the reference the iteration is held to). */
async function snapshot(client: FrappeOAuthClient): Promise<CustomerRow[]> {
  return client.getList<CustomerRow>('Customer', {
    fields: ['name', 'modified', 'credit_limit'],
    orderBy: KEYSET_ORDER,
    limit: 0,
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const rows: T[] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

function names(rows: readonly CustomerRow[]): string[] {
  return rows.map((row) => row.name);
}

/** The Customer list requests (`GET /api/resource/Customer`, v2 `/api/v2/document/Customer`) served. */
function listRequestsOn(variant: ApiVariant, site: FrappeEmulator): number {
  const path = pathsOf(variant).resource('Customer');
  return site.requests().filter((entry) => entry.method === 'GET' && entry.path === path).length;
}

/**
 * What a variant's iteration costs: one list request per page on v1; on v2 two for each page
 * that starts after a position (keysetPage: the rest of the rows at that `modified`, then the
 * later ones), so one page from the start and the rest in pairs.
 */
function helpersFor(variant: ApiVariant) {
  return {
    adminClient: (site: FrappeEmulator, store?: Keyv) => adminClientOn(variant, site, store),
    clientOn: (site: FrappeEmulator, options: { store: Keyv }) =>
      clientFor(site, { ...options, apiVersion: variant.apiVersion }),
    listRequests: (site: FrappeEmulator) => listRequestsOn(variant, site),
    requestsFor: (pages: number, fromPosition = false) =>
      variant.apiVersion === 'v1' ? pages : 2 * pages - (fromPosition ? 0 : 1),
  };
}

function expectKeysetOrder(rows: readonly CustomerRow[]): void {
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1] as CustomerRow, rows[i] as CustomerRow];
    const ascending = a.modified < b.modified || (a.modified === b.modified && a.name < b.name);
    if (!ascending)
      expect.fail(`row ${i} (${b.modified}, ${b.name}) is not after (${a.modified}, ${a.name})`);
  }
}

function counts(rows: readonly CustomerRow[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const row of rows) seen.set(row.name, (seen.get(row.name) ?? 0) + 1);
  return seen;
}

/**
 * No emulator control gives several rows one `modified` (its stamps strictly increase, as
 * MariaDB's microseconds practically do for single saves); on a real site a bulk SQL update
 * (`UPDATE tabCustomer SET modified = NOW()`, a data import, a patch) does. So this reaches into
 * the emulator's store, as that SQL would reach into the table.
 */
function shareModified(site: FrappeEmulator, rowNames: readonly string[], modified: string): void {
  for (const name of rowNames) {
    const doc = site.site.docs.get('Customer', name);
    if (!doc) throw new Error(`shareModified: no Customer ${name}`);
    doc.modified = modified;
  }
}

/** Overwrites the stored checkpoint(s) of `store` with `value`; returns how many it found. */
async function corruptCheckpoints(store: Keyv, value: unknown): Promise<number> {
  const keys: string[] = [];
  if (!store.iterator) throw new Error('the store cannot list its keys');
  for await (const [key] of store.iterator(store.namespace)) {
    if (typeof key === 'string' && key.includes(':checkpoint:')) keys.push(key);
  }
  for (const key of keys) await store.set(key, value);
  return keys.length;
}

type Stop = 'break' | 'throw' | 'abandon';

/** Consumes `count` rows of a checkpointed iteration, then stops the way a crashing job would. */
async function consumeThenStop(
  client: FrappeOAuthClient,
  options: { pageSize: number; checkpointKey: string },
  count: number,
  stop: Stop,
): Promise<CustomerRow[]> {
  const rows: CustomerRow[] = [];
  const iterable = client.iterateList<CustomerRow>('Customer', options);
  if (stop === 'abandon') {
    // A killed process: the iterator is dropped mid-page; no return(), no finally.
    const iterator = iterable[Symbol.asyncIterator]();
    while (rows.length < count) {
      const next = await iterator.next();
      if (next.done) break;
      rows.push(next.value);
    }
    return rows;
  }
  const crash = new Error('the job crashed while processing a row');
  try {
    for await (const row of iterable) {
      rows.push(row);
      if (rows.length === count) {
        if (stop === 'break') break;
        throw crash;
      }
    }
  } catch (error) {
    if (error !== crash) throw error;
  }
  return rows;
}

/**
 * A crashed run then a resumed one: every row of `reference` is seen (none skipped), the resumed
 * run starts at a stored position no more than one page back and goes on in order to the end.
 */
function expectResumed(
  reference: readonly CustomerRow[],
  first: readonly CustomerRow[],
  resumed: readonly CustomerRow[],
  pageSize: number,
): void {
  expect(names(first)).toEqual(names(reference.slice(0, first.length)));
  const start = reference.findIndex((row) => row.name === resumed[0]?.name);
  expect(start, 'the resumed run starts at a row of the reference').toBeGreaterThanOrEqual(0);
  expect(start, 'nothing between the runs is skipped').toBeLessThanOrEqual(first.length);
  expect(first.length - start, 'repeats are bounded by one page').toBeLessThanOrEqual(pageSize);
  expect(names(resumed)).toEqual(names(reference.slice(start)));
  const union = new Set([...names(first), ...names(resumed)]);
  expect(union.size).toBe(reference.length);
}

describe.each(API_VARIANTS)('iterateList on $label', (variant) => {
  const { profile } = variant;
  const { adminClient, clientOn, listRequests, requestsFor } = helpersFor(variant);
  it('yields every row once in (modified, name) order, the asked fields plus name and modified', async () => {
    const site = await startSite(profile);
    site.generateDocuments('Customer', 23);
    const client = await adminClient(site);
    const reference = await snapshot(client);
    for (const pageSize of [1, 2, 3, 500]) {
      site.clearRequests();
      const rows = await collect(
        client.iterateList<CustomerRow>('Customer', { fields: ['customer_group'], pageSize }),
      );
      expect(names(rows)).toEqual(names(reference));
      expectKeysetOrder(rows);
      for (const row of rows) expect(Object.keys(row).sort()).toEqual(['customer_group', 'modified', 'name']);
      // One request per page, the last one short (possibly empty): never everything at once.
      expect(listRequests(site)).toBe(requestsFor(Math.floor(reference.length / pageSize) + 1));
    }
    const wildcard = await collect(
      client.iterateList<CustomerRow>('Customer', { fields: ['*'], pageSize: 10 }),
    );
    expect(wildcard[0]).toMatchObject({ customer_name: expect.any(String), modified: expect.any(String) });
    expect(names(wildcard)).toEqual(names(reference));
  });

  it('walks a group of rows sharing one modified, larger than the page, without looping or skipping', async () => {
    const site = await startSite(profile);
    const generated = site.generateDocuments('Customer', 30);
    const client = await adminClient(site);
    // 13 rows in the middle share a stamp (page size 4: the group spans four pages, and a page
    // boundary falls inside it); the rows around it keep their own.
    const stamp = site.getDocument('Customer', generated[10] as string)?.modified as string;
    shareModified(site, generated.slice(10, 23), stamp);
    const reference = await snapshot(client);
    expect(reference.filter((row) => row.modified === stamp)).toHaveLength(13);

    for (const pageSize of [1, 4, 13, 14]) {
      site.clearRequests();
      const rows = await collect(client.iterateList<CustomerRow>('Customer', { pageSize }));
      expect(names(rows)).toEqual(names(reference));
      // On v2 a page that the rest of the group fills costs one request, not two.
      const pages = Math.floor(reference.length / pageSize) + 1;
      expect(listRequests(site)).toBeLessThanOrEqual(requestsFor(pages));
      expect(listRequests(site)).toBeGreaterThanOrEqual(pages);
      if (variant.apiVersion === 'v1') expect(listRequests(site)).toBe(pages);
    }

    // A crash inside the group resumes inside it.
    const store = new Keyv();
    const first = await consumeThenStop(
      await adminClient(site, store),
      { pageSize: 4, checkpointKey: 'group' },
      reference.findIndex((row) => row.modified === stamp) + 6,
      'abandon',
    );
    const resumed = await collect(
      clientOn(site, { store }).iterateList<CustomerRow>('Customer', {
        pageSize: 4,
        checkpointKey: 'group',
      }),
    );
    expectResumed(reference, first, resumed, 4);
  });

  it.each<Stop>(['break', 'throw', 'abandon'])(
    'resumes after the consumer stops (%s): at least once, none skipped, repeats within one page',
    async (stop) => {
      const site = await startSite(profile);
      site.generateDocuments('Customer', 57);
      const store = new Keyv();
      const client = await adminClient(site, store);
      const reference = await snapshot(client);
      const options = { pageSize: 10, checkpointKey: 'customers-to-shop' };

      const first = await consumeThenStop(client, options, 25, stop);
      expect(first).toHaveLength(25);
      // A new process on the same store, with the same checkpoint key.
      const restarted = clientOn(site, { store });
      const resumed = await collect(restarted.iterateList<CustomerRow>('Customer', options));
      expectResumed(reference, first, resumed, options.pageSize);
      // It finished: the next run has nothing to do.
      expect(await collect(restarted.iterateList<CustomerRow>('Customer', options))).toEqual([]);
      // A crash on a page boundary repeats at most that page.
      const other = { pageSize: 10, checkpointKey: 'boundary' };
      const atBoundary = await consumeThenStop(client, other, 20, stop);
      const afterBoundary = await collect(restarted.iterateList<CustomerRow>('Customer', other));
      expectResumed(reference, atBoundary, afterBoundary, other.pageSize);
    },
  );

  it('is an incremental sync: a finished run keeps its position, the next yields only what changed', async () => {
    const site = await startSite(profile);
    const generated = site.generateDocuments('Customer', 40);
    const store = new Keyv();
    const client = await adminClient(site, store);
    const options = { pageSize: 8, checkpointKey: 'sync' };
    const total = site.documentCount('Customer');

    expect(await collect(client.iterateList<CustomerRow>('Customer', options))).toHaveLength(total);
    site.clearRequests();
    expect(await collect(client.iterateList<CustomerRow>('Customer', options))).toEqual([]);
    expect(listRequests(site)).toBe(requestsFor(1, true));

    site.updateDocument('Customer', generated[3] as string, { credit_limit: 424242 });
    const added = site.insertDocument('Customer', { customer_name: 'Added After The Run' });
    const next = await collect(
      clientOn(site, { store }).iterateList<CustomerRow>('Customer', {
        ...options,
        fields: ['credit_limit'],
      }),
    );
    expect(names(next)).toEqual([generated[3], added.name]);
    expect(next[0]?.credit_limit).toBe(424242);
    expect(await collect(client.iterateList<CustomerRow>('Customer', options))).toEqual([]);
    // Other checkpoint keys are other positions.
    expect(
      await collect(client.iterateList<CustomerRow>('Customer', { ...options, checkpointKey: 'other' })),
    ).toHaveLength(total + 1);
  });

  it('yields a row modified during the run again later, with its new values, and skips nothing', async () => {
    const site = await startSite(profile);
    site.generateDocuments('Customer', 50);
    const client = await adminClient(site);
    const reference = await snapshot(client);
    const seenEarly = reference[2] as CustomerRow;
    const notYetSeen = reference[40] as CustomerRow;

    const rows: CustomerRow[] = [];
    for await (const row of client.iterateList<CustomerRow>('Customer', {
      fields: ['credit_limit'],
      pageSize: 7,
    })) {
      rows.push(row);
      if (rows.length === 10) {
        site.updateDocument('Customer', seenEarly.name, { credit_limit: 111111 });
        await client.updateDoc('Customer', notYetSeen.name, { credit_limit: 222222 });
      }
    }
    const seen = counts(rows);
    for (const row of reference) expect(seen.get(row.name), row.name).toBeGreaterThanOrEqual(1);
    expect([...seen].filter(([, n]) => n > 1).map(([name]) => name)).toEqual([seenEarly.name]);
    expect(rows.length).toBe(reference.length + 1);
    const early = rows.filter((row) => row.name === seenEarly.name);
    expect(early.map((row) => row.credit_limit)).toEqual([seenEarly.credit_limit, 111111]);
    expect(rows.find((row) => row.name === notYetSeen.name)?.credit_limit).toBe(222222);
    // The changed rows came after everything else, in the order they were changed.
    expect(names(rows.slice(-2))).toEqual([seenEarly.name, notYetSeen.name]);
  });

  it('combines list and dict filters with the position', async () => {
    const site = await startSite(profile);
    site.generateDocuments('Customer', 120);
    const client = await adminClient(site);
    const cases = [
      [['customer_group', '=', 'Commercial']],
      { customer_group: 'Commercial' },
      { credit_limit: ['>', 50000], disabled: 0 },
      [
        ['Customer', 'territory', 'in', ['India', 'Germany']],
        ['credit_limit', '<=', 30000],
      ],
    ] as const;
    for (const filters of cases) {
      const expected = await client.getList<CustomerRow>('Customer', {
        fields: ['name'],
        filters: filters as never,
        orderBy: KEYSET_ORDER,
        limit: 0,
      });
      expect(expected.length).toBeGreaterThan(5);
      const store = new Keyv();
      const checkpointed = clientOn(site, { store });
      await authorizeAs(checkpointed, site, USERS.admin.email);
      const options = { filters: filters as never, pageSize: 4, checkpointKey: 'filtered' };
      const first = await consumeThenStop(checkpointed, options, 6, 'abandon');
      const rest = await collect(checkpointed.iterateList<CustomerRow>('Customer', options));
      expect(names(first)).toEqual(names(expected).slice(0, 6));
      expect(names(rest)).toEqual(names(expected).slice(4));
      expect(
        names(
          await collect(
            client.iterateList<CustomerRow>('Customer', { filters: filters as never, pageSize: 3 }),
          ),
        ),
      ).toEqual(names(expected));
    }
  });

  it('rejects a bad pageSize or checkpointKey before any request, and an unreadable checkpoint', async () => {
    const site = await startSite(profile);
    const store = new Keyv();
    const client = await adminClient(site, store);
    site.clearRequests();
    for (const pageSize of [0, -1, 1.5, Number.NaN, '10']) {
      await rejectionOf(
        collect(client.iterateList('Customer', { pageSize: pageSize as number })),
        FrappeInputError,
      );
    }
    for (const checkpointKey of ['', 42, null]) {
      await rejectionOf(
        collect(client.iterateList('Customer', { checkpointKey: checkpointKey as string })),
        FrappeInputError,
      );
    }
    expect(listRequests(site)).toBe(0);

    await consumeThenStop(client, { pageSize: 2, checkpointKey: 'corrupt' }, 5, 'break');
    for (const value of ['garbage', { modified: 5, name: 'x' }, { name: 'only-a-name' }, [1, 2]]) {
      expect(await corruptCheckpoints(store, value)).toBe(1);
      site.clearRequests();
      const error = await rejectionOf(
        collect(client.iterateList('Customer', { checkpointKey: 'corrupt' })),
        TokenStoreError,
      );
      expect(error.message).toMatch(/checkpoint/);
      // Nothing was fetched from an unknown position, and the value was left for a human to see.
      expect(listRequests(site)).toBe(0);
    }
  });
});

describe.each(API_VARIANTS)('iterateList over 10,000 documents on $label', (variant) => {
  const { profile } = variant;
  const { adminClient, clientOn, listRequests, requestsFor } = helpersFor(variant);
  it('yields every row that existed at the start exactly once despite concurrent inserts and deletions', async () => {
    const site = await startSite(profile);
    site.generateDocuments('Customer', 10_000);
    const client = await adminClient(site);
    const reference = await snapshot(client);
    const pageSize = 500;
    const inserted = new Set<string>();
    const deleted = new Set<string>();
    site.clearRequests();

    const rows: CustomerRow[] = [];
    for await (const row of client.iterateList<CustomerRow>('Customer', {
      pageSize,
      fields: ['customer_name'],
    })) {
      rows.push(row);
      const consumed = rows.length;
      if (consumed % 237 === 0) {
        // Another user's save and our own API insert land between (and inside) pages.
        inserted.add(
          site.insertDocument('Customer', { customer_name: `Concurrent ${consumed}` }).name as string,
        );
        const viaApi = await client.insertDoc<CustomerRow>('Customer', {
          customer_name: `Via API ${consumed}`,
        });
        inserted.add(viaApi.name);
      }
      if (consumed % 1000 === 0 && consumed + 300 < reference.length) {
        // Remove a row not yet seen, a little ahead (inside the current or the next page).
        const ahead = reference[consumed + 150 + (consumed % 7)] as CustomerRow;
        expect(site.deleteDocument('Customer', ahead.name)).toBe(true);
        deleted.add(ahead.name);
      }
    }

    expect(inserted.size).toBeGreaterThan(80);
    expect(deleted.size).toBeGreaterThanOrEqual(9);
    const seen = counts(rows);
    expect(seen.size, 'no row repeated').toBe(rows.length);
    const missing = reference.filter((row) => !deleted.has(row.name) && seen.get(row.name) !== 1);
    expect(
      missing.map((row) => row.name),
      'no row skipped',
    ).toEqual([]);
    for (const name of deleted) expect(seen.has(name)).toBe(false);
    const extra = [...seen.keys()].filter((name) => !reference.some((row) => row.name === name));
    expect(extra.every((name) => inserted.has(name))).toBe(true);
    expectKeysetOrder(rows);
    expect(rows.length).toBe(reference.length - deleted.size + extra.length);
    // Bounded memory: one request per page of 500, never the whole table.
    expect(listRequests(site)).toBeLessThanOrEqual(requestsFor(Math.ceil(rows.length / pageSize) + 1));
    expect(listRequests(site)).toBeGreaterThanOrEqual(requestsFor(Math.ceil(rows.length / pageSize)));
  });

  it('resumes after a crash mid-run with only the rows since the last stored position', async () => {
    const site = await startSite(profile);
    site.generateDocuments('Customer', 10_000);
    const store = new Keyv();
    const client = await adminClient(site, store);
    const reference = await snapshot(client);
    const options = { pageSize: 500, checkpointKey: 'nightly-export' };

    const first = await consumeThenStop(client, options, 4321, 'abandon');
    site.clearRequests();
    const restarted = clientOn(site, { store });
    const resumed = await collect(restarted.iterateList<CustomerRow>('Customer', options));
    expectResumed(reference, first, resumed, options.pageSize);
    expect(listRequests(site)).toBeLessThanOrEqual(
      requestsFor(Math.ceil(resumed.length / options.pageSize) + 1, true),
    );

    // Then an incremental run: only what was added since.
    const added = site.generateDocuments('Customer', 3);
    expect(names(await collect(restarted.iterateList<CustomerRow>('Customer', options)))).toEqual(added);
  });
});
