import { afterAll, describe, expect, it } from 'vitest';
import { FrappeInputError, type FrappeProgress } from '../../src';
import { authorizeAs, clientFor, countRequests, startSite, USERS } from '../helpers/frappe-site';
import { auditLine, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

async function signedIn(lines: string[] = [], apiVersion: 'v1' | 'v2' = 'v1') {
  const site = await startSite('v15');
  const log = (line: string) => {
    lines.push(line);
    auditLine(line);
  };
  const client = clientFor(site, { apiVersion, logger: { debug: log, info: log, warn: log, error: log } });
  await authorizeAs(client, site, USERS.alice.email);
  return { site, client };
}

function checkShape(progress: FrappeProgress[]): void {
  for (const step of progress) {
    expect(Number.isFinite(step.ratePerSecond) && step.ratePerSecond >= 0).toBe(true);
    expect(Number.isFinite(step.elapsedMs) && step.elapsedMs >= 0).toBe(true);
  }
  // elapsed time never goes back
  const elapsed = progress.map((step) => step.elapsedMs);
  expect([...elapsed].sort((a, b) => a - b)).toEqual(elapsed);
}

describe('onProgress', () => {
  it('iterateList reports the rows handed out after each page, with the total from one count', async () => {
    const { site, client } = await signedIn();
    site.generateDocuments('Customer', 23);
    const expected = site.documentCount('Customer');
    const progress: FrappeProgress[] = [];
    let rows = 0;
    for await (const _row of client.iterateList('Customer', {
      pageSize: 10,
      onProgress: (p) => progress.push(p),
    })) {
      rows += 1;
    }
    expect(rows).toBe(expected);
    const pages = Math.floor(expected / 10) + 1;
    expect(progress.map((step) => step.done)).toEqual([
      0,
      ...Array.from({ length: pages }, (_, page) => Math.min(expected, (page + 1) * 10)),
    ]);
    expect(new Set(progress.map((step) => step.total))).toEqual(new Set([expected]));
    expect(countRequests(site, 'frappe.client.get_count')).toBe(1);
    checkShape(progress);
  });

  it('iterateList over REST API v2 takes its total from the v2 count', async () => {
    const { site, client } = await signedIn([], 'v2');
    site.generateDocuments('Customer', 7);
    const progress: FrappeProgress[] = [];
    let rows = 0;
    for await (const _row of client.iterateList('Customer', {
      pageSize: 4,
      onProgress: (p) => progress.push(p),
    })) {
      rows += 1;
    }
    expect(rows).toBe(site.documentCount('Customer'));
    expect(progress.at(-1)).toMatchObject({ done: rows, total: rows });
    expect(countRequests(site, '/api/v2/doctype/Customer/count')).toBe(1);
  });

  it('iterateList counts only what the filters match, and asks no count without onProgress', async () => {
    const { site, client } = await signedIn();
    const progress: FrappeProgress[] = [];
    const filters = { customer_type: 'Individual' };
    const rows: unknown[] = [];
    for await (const row of client.iterateList('Customer', {
      filters,
      onProgress: (p) => progress.push(p),
    })) {
      rows.push(row);
    }
    expect(progress.at(-1)).toMatchObject({ done: rows.length, total: rows.length });
    site.clearRequests();
    for await (const _row of client.iterateList('Customer', { filters })) {
      // drain
    }
    expect(countRequests(site, 'frappe.client.get_count')).toBe(0);
  });

  it('iterateList goes on without a total when the count fails, and survives a callback that throws', async () => {
    const lines: string[] = [];
    const { site, client } = await signedIn(lines);
    site.injectFault('/api/method/frappe.client.get_count', { kind: 'status', status: 417 });
    const seen: FrappeProgress[] = [];
    let rows = 0;
    for await (const _row of client.iterateList('Customer', {
      pageSize: 1,
      onProgress: (p) => {
        seen.push(p);
        throw new Error('progress bar broke');
      },
    })) {
      rows += 1;
    }
    expect(rows).toBe(site.documentCount('Customer'));
    expect(seen.length).toBe(rows + 2); // the start, each page of one, and the last (empty) page
    expect(seen.every((step) => step.total === undefined)).toBe(true);
    expect(lines.filter((line) => line.includes('onProgress'))).toHaveLength(2); // the count, the callback (once)
  });

  it('insertMany reports after each chunk of 200, with the number of documents as total', async () => {
    const { site, client } = await signedIn();
    const before = site.documentCount('Customer');
    const docs = Array.from({ length: 450 }, (_, index) => ({
      customer_name: `Progress ${index}`,
      customer_type: 'Company',
    }));
    const progress: FrappeProgress[] = [];
    const names = await client.insertMany('Customer', docs, { onProgress: (p) => progress.push(p) });
    expect(names).toHaveLength(450);
    expect(site.documentCount('Customer')).toBe(before + 450);
    expect(progress.map((step) => [step.done, step.total])).toEqual([
      [0, 450],
      [200, 450],
      [400, 450],
      [450, 450],
    ]);
    checkShape(progress);
  });

  it('refuses an onProgress that is not a function, before anything is sent', async () => {
    const { site, client } = await signedIn();
    site.clearRequests();
    await rejectionOf(
      client.insertMany('Customer', [{ customer_name: 'X' }], { onProgress: 5 as never }),
      FrappeInputError,
    );
    await rejectionOf(
      (async () => {
        for await (const _row of client.iterateList('Customer', { onProgress: 'bar' as never })) {
          // never reached
        }
      })(),
      FrappeInputError,
    );
    expect(site.requests()).toEqual([]);
  });
});
