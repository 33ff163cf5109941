import { afterAll, describe, expect, it } from 'vitest';
import { FrappeNetworkError, FrappeServerError } from '../../src';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS, pathsOf, served, signedIn } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

type Doc = Record<string, unknown> & { name: string; modified: string };

/** Resolves once the site has answered `count` requests to `path` (any status but a drop). */
async function answered(
  site: { requests(): Array<{ path: string; status: number }> },
  path: string,
  count = 1,
) {
  for (let tries = 0; tries < 400; tries++) {
    const done = site
      .requests()
      .filter((entry) => decodeURIComponent(entry.path) === path && entry.status > 0);
    if (done.length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no answer to ${path}`);
}

describe.each(API_VARIANTS)('retries of idempotent requests on $label', (variant) => {
  const paths = pathsOf(variant);
  const JANE = paths.resource('Customer', 'Jane Doe');
  it('a GET is retried through 502, 503 and 504 and resolves', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(JANE, { kind: 'status', status: 502 });
    site.injectFault(JANE, { kind: 'status', status: 503 });
    site.injectFault(JANE, { kind: 'status', status: 504 });
    await expect(client.getDoc('Customer', 'Jane Doe')).resolves.toMatchObject({ name: 'Jane Doe' });
    expect(site.requests().map((entry) => entry.status)).toEqual([502, 503, 504, 200]);
  });

  it('a GET is retried after a 429, and a long Retry-After is capped by maxRetryAfterSeconds', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    // 3600 s would outlast the test timeout; the client caps it at 1 s
    site.injectFault(paths.resource('Customer'), { kind: 'rate-limit', retryAfterSeconds: 3600 });
    const rows = await client.getList('Customer', { limit: 2 });
    expect(rows).toHaveLength(2);
    expect(site.requests().map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('Retry-After is honoured: no retry goes out before it, even with zero backoff jitter', async () => {
    const { site, client } = await signedIn(variant, 'alice', { random: () => 0 });
    site.injectFault(paths.resource('Customer'), { kind: 'rate-limit', retryAfterSeconds: 1 });
    const controller = new AbortController();
    const pending = client.getList('Customer', { signal: controller.signal });
    await answered(site, paths.resource('Customer'));
    // a jittered backoff of 0 ms would have retried at once; Retry-After holds it for a second
    controller.abort();
    const error = await rejectionOf(pending, FrappeNetworkError);
    expect(error.reason).toBe('aborted');
    expect(served(site, 'GET', paths.resource('Customer'))).toBe(1);
  });

  it('a GET is retried after a dropped connection', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(JANE, { kind: 'drop' }, { times: 2 });
    await expect(client.getDoc('Customer', 'Jane Doe')).resolves.toMatchObject({ name: 'Jane Doe' });
    expect(site.requests().map((entry) => entry.status)).toEqual([0, 0, 200]);
  });

  it('getCount and getValue (GET methods) are retried too', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(paths.count('Customer'), { kind: 'status', status: 503 });
    site.injectFault(paths.method('frappe.client.get_value'), { kind: 'drop' });
    expect(await client.getCount('Customer')).toBe(4);
    expect(await client.getValue('Customer', 'territory', 'Jane Doe')).toBe('Rest Of The World');
    expect(site.requests().map((entry) => entry.status)).toEqual([503, 200, 0, 200]);
  });

  it('a PUT (updateDoc) is retried after a 503 and after a dropped connection', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(JANE, { kind: 'status', status: 503 }, { method: 'PUT' });
    site.injectFault(JANE, { kind: 'drop' }, { method: 'PUT' });
    const updated = await client.updateDoc<Doc>('Customer', 'Jane Doe', { territory: 'India' });
    expect(updated.territory).toBe('India');
    expect(site.getDocument('Customer', 'Jane Doe')?.territory).toBe('India');
    expect(site.requests().map((entry) => entry.status)).toEqual([503, 0, 200]);
  });

  it('a DELETE is retried after a 502 and after a dropped connection', async () => {
    const { site, client } = await signedIn(variant, 'admin');
    site.insertDocument('Customer', { customer_name: 'Gone Soon' });
    const path = paths.resource('Customer', 'Gone Soon');
    site.injectFault(path, { kind: 'status', status: 502 });
    site.injectFault(path, { kind: 'drop' });
    await expect(client.deleteDoc('Customer', 'Gone Soon')).resolves.toBeUndefined();
    expect(site.getDocument('Customer', 'Gone Soon')).toBeUndefined();
    expect(site.requests().map((entry) => entry.status)).toEqual([502, 0, 202]);
  });

  it('call: a GET is retried after a 502, a POST is not', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const path = paths.method('frappe.auth.get_logged_user');
    site.injectFault(path, { kind: 'status', status: 502 }, { times: 2 });
    expect(await client.call('frappe.auth.get_logged_user', {}, { httpMethod: 'GET' })).toBe(
      'alice@example.com',
    );
    expect(served(site, 'GET', path)).toBe(3);

    site.injectFault(path, { kind: 'status', status: 502 });
    await rejectionOf(client.call('frappe.auth.get_logged_user'), FrappeServerError);
    expect(served(site, 'POST', path)).toBe(1);
    // unless the caller marks it idempotent
    site.injectFault(path, { kind: 'status', status: 502 });
    expect(await client.call('frappe.auth.get_logged_user', {}, { idempotent: true })).toBe(
      'alice@example.com',
    );
    expect(served(site, 'POST', path)).toBe(3);
  });

  // `request` sends its own URL (a v1 one here) whatever apiVersion says.
  it('request: a POST marked idempotent is retried, an unmarked one is not', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const url = '/api/method/frappe.client.get_count';
    site.injectFault(url, { kind: 'drop' });
    const response = await client.request<{ message: number }>({
      method: 'POST',
      url,
      data: { doctype: 'Customer' },
      idempotent: true,
    });
    expect(response.data.message).toBe(4);
    expect(served(site, 'POST', url)).toBe(2);

    site.injectFault(url, { kind: 'drop' });
    await rejectionOf(
      client.request({ method: 'POST', url, data: { doctype: 'Customer' } }),
      FrappeNetworkError,
    );
    expect(served(site, 'POST', url)).toBe(3);
  });

  it('setValue (same values twice is harmless) is retried after a 502', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(paths.method('frappe.client.set_value'), { kind: 'status', status: 502 });
    const saved = await client.setValue<Doc>('Customer', 'Jane Doe', 'mobile_no', '+1 555 0123');
    expect(saved.mobile_no).toBe('+1 555 0123');
    expect(served(site, 'POST', paths.method('frappe.client.set_value'))).toBe(2);
  });
});
