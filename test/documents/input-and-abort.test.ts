import { afterAll, describe, expect, it } from 'vitest';
import { FrappeInputError, FrappeNetworkError, type FrappeOAuthClient } from '../../src';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS, pathsOf, served, signedIn } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

/** Resolves once `condition` holds (checked every 5 ms, for up to 5 s). */
async function eventually(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 1000; tries++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the condition never held');
}

/** Resolves once the site has received a request to `path` (logged on arrival). */
function arrived(site: { requests(): Array<{ path: string }> }, path: string): Promise<void> {
  return eventually(() => site.requests().some((entry) => decodeURIComponent(entry.path) === path));
}

// biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input, as plain JavaScript could pass it
type Loose = any;

const BAD_INPUT: Array<[string, (client: FrappeOAuthClient) => Promise<unknown>]> = [
  ['getDoc with an empty doctype', (c) => c.getDoc('', 'Jane Doe')],
  ['getDoc with an empty name', (c) => c.getDoc('Customer', '')],
  ['getList with an empty doctype', (c) => c.getList('')],
  [
    'getList with an unknown filter operator',
    (c) => c.getList('Customer', { filters: [['territory', '~=', 'x'] as Loose] }),
  ],
  [
    'getList with a two-part condition',
    (c) => c.getList('Customer', { filters: [['territory', '='] as Loose] }),
  ],
  [
    'getList with a bad orFilters operator',
    (c) => c.getList('Customer', { orFilters: [['name', 'equals', 'x'] as Loose] }),
  ],
  ['getList with limit -1', (c) => c.getList('Customer', { limit: -1 })],
  ['getList with a fractional limit', (c) => c.getList('Customer', { limit: 2.5 })],
  ['getList with start -1', (c) => c.getList('Customer', { start: -1 })],
  ['getList with fields not an array', (c) => c.getList('Customer', { fields: 'name' as Loose })],
  ['getList with an empty field name', (c) => c.getList('Customer', { fields: [''] })],
  ['getList with an empty orderBy', (c) => c.getList('Customer', { orderBy: ' ' })],
  ['getCount with filters that are a string', (c) => c.getCount('Customer', 'territory' as Loose)],
  ['getCount with an unknown operator', (c) => c.getCount('Customer', [['name', '===', 'x'] as Loose])],
  ['getValue with fieldnames not a string or list', (c) => c.getValue('Customer', 5 as Loose, 'Jane Doe')],
  ['insertDoc with a null document', (c) => c.insertDoc('Customer', null as Loose)],
  ['insertDoc with an array', (c) => c.insertDoc('Customer', [] as Loose)],
  ['insertMany with docs not an array', (c) => c.insertMany('Customer', {} as Loose)],
  ['insertMany with a document that is not an object', (c) => c.insertMany('Customer', ['x'] as Loose)],
  [
    'updateDoc with modified not a string',
    (c) => c.updateDoc('Customer', 'Jane Doe', {}, { modified: 5 as Loose }),
  ],
  ['setValue with an empty field name', (c) => c.setValue('Customer', 'Jane Doe', '', 'x')],
  ['deleteDoc with an empty name', (c) => c.deleteDoc('Customer', '')],
  ['renameDoc with an empty new name', (c) => c.renameDoc('Customer', 'Jane Doe', '')],
  ['runDocMethod with a method that is not a name', (c) => c.runDocMethod('Customer', 'Jane Doe', '../save')],
  ['call with a method that is not a dotted path', (c) => c.call('frappe/client get')],
  ['uploadFile without a fileName', (c) => c.uploadFile({ file: Buffer.from('x'), fileName: '' })],
  [
    'uploadFile with a doctype but no docname',
    (c) => c.uploadFile({ file: Buffer.from('x'), fileName: 'a.txt', doctype: 'Customer' }),
  ],
  ['uploadFile with a number as the file', (c) => c.uploadFile({ file: 42 as Loose, fileName: 'a.txt' })],
];

describe.each(API_VARIANTS)('bad input and AbortSignal on $label', (variant) => {
  const paths = pathsOf(variant);
  it.each(BAD_INPUT)('%s is FrappeInputError before any request', async (_label, run) => {
    const { site, client } = await signedIn(variant, 'alice');
    const error = await rejectionOf(run(client), FrappeInputError);
    expect(error.status).toBeUndefined();
    expect(site.requests()).toEqual([]);
  });

  it('aborting a slow GET rejects at once as aborted, and it is not retried', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(paths.resource('Customer', 'Jane Doe'), { kind: 'delay', ms: 5000 });
    const controller = new AbortController();
    const pending = client.getDoc('Customer', 'Jane Doe', { signal: controller.signal });
    await arrived(site, paths.resource('Customer', 'Jane Doe'));
    controller.abort();
    const error = await rejectionOf(pending, FrappeNetworkError);
    expect(error.reason).toBe('aborted');
    expect(served(site, 'GET', paths.resource('Customer', 'Jane Doe'))).toBe(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const error = await rejectionOf(
      client.getList('Customer', { signal: AbortSignal.abort() }),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('aborted');
    expect(site.requests()).toEqual([]);
  });

  it('aborting an insert in flight neither repeats it nor hides that it may have landed', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const before = site.documentCount('Customer');
    site.injectFault(paths.resource('Customer'), { kind: 'delay', ms: 300 }, { method: 'POST' });
    const controller = new AbortController();
    const pending = client.insertDoc(
      'Customer',
      { name: 'Aborted Ltd.', customer_name: 'Aborted Ltd.' },
      { signal: controller.signal },
    );
    await arrived(site, paths.resource('Customer'));
    controller.abort();
    expect((await rejectionOf(pending, FrappeNetworkError)).reason).toBe('aborted');
    expect(served(site, 'POST', paths.resource('Customer'))).toBe(1);
    expect(served(site, 'GET', paths.resource('Customer', 'Aborted Ltd.'))).toBe(0);
    // the server finishes what it received: the document appears, once
    await eventually(() => site.documentCount('Customer') > before);
    expect(site.documentCount('Customer')).toBe(before + 1);
  });

  it('a timeoutMs on a documents call is a FrappeNetworkError timeout', async () => {
    const { site, client } = await signedIn(variant, 'alice', { retry: { retries: 0 } });
    site.injectFault(paths.count('Customer'), { kind: 'delay', ms: 2000 });
    const error = await rejectionOf(
      client.getCount('Customer', undefined, { timeoutMs: 50 }),
      FrappeNetworkError,
    );
    expect(error.reason).toBe('timeout');
  });
});
