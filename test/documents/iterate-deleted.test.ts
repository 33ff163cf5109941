import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createFileStore,
  type DeletedDocument,
  FrappeInputError,
  type FrappeOAuthClient,
  type FrappeOAuthClientOptions,
  FrappePermissionError,
} from '../../src';
import type { FrappeEmulator } from '../../src/testing';
import { authorizeAs, clientFor, PROFILES, startSite, USERS } from '../helpers/frappe-site';
import { runNode } from '../helpers/run-node';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

const WORKER = join(process.cwd(), 'test/fixtures/mirror-sync-worker.mts');

interface CustomerRow {
  name: string;
  modified: string;
  customer_group: string;
  credit_limit: number;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function adminOn(
  site: FrappeEmulator,
  apiVersion: 'v1' | 'v2',
  store: FrappeOAuthClientOptions['store'] = new Keyv(),
) {
  const client = clientFor(site, { store, apiVersion });
  await authorizeAs(client, site, USERS.admin.email);
  return client;
}

function addCustomer(client: FrappeOAuthClient, name: string, creditLimit = 0) {
  return client.insertDoc('Customer', {
    customer_name: name,
    customer_group: 'Commercial',
    credit_limit: creditLimit,
  });
}

describe.each(API_VARIANTS)('iterateDeleted on $label', ({ profile, apiVersion }) => {
  it('yields each deleted document of the DocType with its name and recorded data, oldest first, and only those', async () => {
    const site = await startSite(profile);
    const client = await adminOn(site, apiVersion);
    for (const name of ['Del A', 'Del B', 'Del C']) await addCustomer(client, name, 1250);
    await client.deleteDoc('Customer', 'Del B');
    await client.deleteDoc('Customer', 'Del A');
    const item = site.insertDocument('Item', {
      item_code: 'DEL-ITEM',
      item_name: 'Gone item',
      item_group: 'Products',
      stock_uom: 'Nos',
    });
    site.deleteDocument('Item', String(item.name));

    const deleted = await collect(client.iterateDeleted<CustomerRow>('Customer'));
    expect(deleted.map((entry) => entry.name)).toEqual(['Del B', 'Del A']);
    const first = deleted[0] as DeletedDocument<CustomerRow>;
    expect(first).toMatchObject({
      doctype: 'Customer',
      restored: false,
      newName: undefined,
      deletedBy: USERS.admin.email,
    });
    expect(first.data).toMatchObject({ name: 'Del B', customer_group: 'Commercial', credit_limit: 1250 });
    expect(first.deletedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(first.recordName).toBe(site.getDocument('Deleted Document', first.recordName)?.name);
    expect((await collect(client.iterateDeleted('Item'))).map((entry) => entry.name)).toEqual(['DEL-ITEM']);

    // since: only what was deleted at or after that moment.
    const later = await collect(
      client.iterateDeleted('Customer', { since: (deleted[1] as DeletedDocument<CustomerRow>).deletedAt }),
    );
    expect(later.map((entry) => entry.name)).toEqual(['Del A']);
  });

  it('resumes after the last deletion consumed with checkpointKey, apart from iterateList under the same key', async () => {
    const site = await startSite(profile);
    const client = await adminOn(site, apiVersion);
    for (const name of ['Cp 1', 'Cp 2', 'Cp 3', 'Cp 4']) await addCustomer(client, name);
    for (const name of ['Cp 1', 'Cp 2', 'Cp 3']) await client.deleteDoc('Customer', name);

    const run1 = await collect(client.iterateDeleted('Customer', { checkpointKey: 'sync', pageSize: 2 }));
    expect(run1.map((entry) => entry.name)).toEqual(['Cp 1', 'Cp 2', 'Cp 3']);
    // The same key for the live documents does not share the deletions' position.
    const live = await collect(client.iterateList<CustomerRow>('Customer', { checkpointKey: 'sync' }));
    expect(live.map((row) => row.name)).toContain('Cp 4');

    await client.deleteDoc('Customer', 'Cp 4');
    const run2 = await collect(client.iterateDeleted('Customer', { checkpointKey: 'sync', pageSize: 2 }));
    expect(run2.map((entry) => entry.name)).toEqual(['Cp 4']);
    expect(await collect(client.iterateDeleted('Customer', { checkpointKey: 'sync' }))).toEqual([]);
  });

  it('a user without System Manager gets a FrappePermissionError that says System Manager is needed', async () => {
    const site = await startSite(profile);
    const alice = clientFor(site, { apiVersion });
    await authorizeAs(alice, site, USERS.alice.email);
    const error = await rejectionOf(collect(alice.iterateDeleted('Customer')), FrappePermissionError);
    expect(error.message).toContain('System Manager');
    expect(error.status).toBe(403);
  });

  it('refuses bad input before any request', async () => {
    const site = await startSite(profile);
    const client = await adminOn(site, apiVersion);
    const before = site.requests().length;
    await rejectionOf(collect(client.iterateDeleted('Customer', { since: 'yesterday' })), FrappeInputError);
    await rejectionOf(
      collect(client.iterateDeleted('Customer', { since: new Date(Number.NaN) })),
      FrappeInputError,
    );
    await rejectionOf(collect(client.iterateDeleted('Customer', { checkpointKey: '' })), FrappeInputError);
    await rejectionOf(collect(client.iterateDeleted('', {})), FrappeInputError);
    expect(site.requests().length).toBe(before);
  });
});

describe.each(PROFILES)('a mirror of Customers on %s', (profile) => {
  it('mirrors inserts, updates and deletes into a local store, resumed across a kill, until it equals the site', async () => {
    const site = await startSite(profile);
    const dir = await mkdtemp(join(tmpdir(), 'mirror-'));
    try {
      const storeDir = join(dir, 'store');
      const mirrorFile = join(dir, 'mirror.json');
      const client = await adminOn(site, 'v1', createFileStore(storeDir));
      for (const name of ['Mirror A', 'Mirror B', 'Mirror C', 'Mirror D', 'Mirror E', 'Mirror F'])
        await addCustomer(client, name, 100);
      await client.deleteDoc('Customer', 'Mirror E');
      const env = { SITE_URL: site.url, STORE_DIR: storeDir, MIRROR_FILE: mirrorFile };

      const first = await runNode(WORKER, env, 60_000);
      expect(first.stdout).toContain('done');
      expect(Object.keys(JSON.parse(await readFile(mirrorFile, 'utf8')))).toContain('Mirror B');

      // Changes while the job is down: an update, deletes of mirrored rows, a new one, a name reused.
      await client.updateDoc('Customer', 'Mirror A', { credit_limit: 999 });
      await client.deleteDoc('Customer', 'Mirror B');
      await client.deleteDoc('Customer', 'Mirror F');
      await addCustomer(client, 'Mirror G', 7);
      await addCustomer(client, 'Mirror E', 55);

      const killed = await runNode(WORKER, { ...env, KILL_AFTER: '2' }, 60_000);
      expect(killed.code, killed.stdout).toBeNull(); // SIGKILLed itself mid-run
      expect(killed.stdout).not.toContain('done');

      // More while it is down again; then a run that resumes from the stored positions.
      await client.deleteDoc('Customer', 'Mirror C');
      await client.updateDoc('Customer', 'Mirror G', { credit_limit: 8 });
      const resumed = await runNode(WORKER, env, 60_000);
      expect(resumed.stdout).toContain('done');
      expect(resumed.code).toBe(0);

      const site_ = await client.getList<CustomerRow>('Customer', {
        fields: ['name', 'modified', 'customer_group', 'credit_limit'],
        limit: 0,
      });
      const mirror = JSON.parse(await readFile(mirrorFile, 'utf8')) as Record<string, CustomerRow>;
      expect(Object.keys(mirror).sort()).toEqual(site_.map((row) => row.name).sort());
      for (const row of site_) expect(mirror[row.name]).toEqual(row);
      expect(mirror['Mirror A']?.credit_limit).toBe(999);
      expect(mirror['Mirror E']?.credit_limit).toBe(55);
      expect(mirror['Mirror G']?.credit_limit).toBe(8);
      for (const gone of ['Mirror B', 'Mirror C', 'Mirror F']) expect(mirror).not.toHaveProperty([gone]);

      // Nothing changed since: the next run has nothing to apply.
      const idle = await runNode(WORKER, env, 60_000);
      expect(idle.stdout).toContain('done 0');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
