import { afterAll, describe, expect, it } from 'vitest';
import { FrappeNetworkError, FrappeRateLimitError } from '../../src';
import type { EmulatorProfileName } from '../../src/testing';
import { authorizeAs, clientFor, PROFILES, startSite, USERS } from '../helpers/frappe-site';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

/**
 * The limiter's windows count from the moment the test sets it (an injected window clock), so the
 * first window is the test's own and the budget spent in it is not lost to a boundary of the
 * wall clock. Costs are fixed: the limiter bites the same way on any machine.
 */
function windowClock() {
  const start = Date.now();
  return () => Date.now() - start;
}

const refusals = (site: Awaited<ReturnType<typeof startSite>>) =>
  site.requests().filter((entry) => entry.status === 429).length;

/**
 * A site whose admin is signed in, under an enforced limit that an insert_many of 200 exhausts in
 * a few chunks, with this window's budget already spent; `before` counts its Customers.
 */
async function adminUnderSpentInsertLimit(profile: EmulatorProfileName) {
  const site = await startSite(profile);
  const client = clientFor(site);
  await authorizeAs(client, site, USERS.admin.email);
  const before = site.documentCount('Customer');
  // 2 s of server time per 2 s window; each insert_many of 200 costs 0.5 s, a refusal 1 ms.
  site.siteRateLimit.set({
    limit: 2,
    window: 2,
    now: windowClock(),
    serverTimeMicros: ({ rejected }) => (rejected ? 1_000 : 500_000),
  });
  // Another job has used this window's budget already: the first chunk meets a 429.
  site.siteRateLimit.spend(2_500_000);
  return { site, client, before };
}

describe.each(PROFILES)('rate limits on %s', (profile) => {
  it('2,000 inserts via insertMany under an enforced limit: no error, no duplicate, and the 429s counted', async () => {
    const { site, client, before } = await adminUnderSpentInsertLimit(profile);

    const docs = Array.from({ length: 2000 }, (_, i) => ({
      customer_name: `Bulk Customer ${String(i).padStart(4, '0')}`,
      customer_group: 'Commercial',
    }));
    const names = await client.insertMany('Customer', docs);
    const seen429 = refusals(site);
    console.log(`${profile}: 2,000 inserts under the limit met ${seen429} 429(s)`);

    expect(names).toHaveLength(2000);
    expect(new Set(names).size).toBe(2000);
    expect(names).toEqual(docs.map((doc) => doc.customer_name));
    expect(site.documentCount('Customer') - before).toBe(2000);
    // The limiter did bite, and was retried after its reset; pacing kept it to that one.
    expect(seen429).toBeGreaterThanOrEqual(1);
    expect(seen429).toBe(site.siteRateLimit.rejections);
    expect(seen429).toBe(1);
  }, 60_000);

  it('four insertMany callers at once, one aborted at the first 429: the others finish, nothing inserted twice', async () => {
    const { site, client, before } = await adminUnderSpentInsertLimit(profile);

    const batch = (prefix: string) =>
      Array.from({ length: 500 }, (_, i) => ({
        customer_name: `${prefix} ${String(i).padStart(3, '0')}`,
        customer_group: 'Commercial',
      }));
    const aborter = new AbortController();
    client.once('retry', () => aborter.abort());
    const results = await Promise.allSettled([
      client.insertMany('Customer', batch('Caller A')),
      client.insertMany('Customer', batch('Caller B')),
      client.insertMany('Customer', batch('Caller C')),
      client.insertMany('Customer', batch('Caller D'), { signal: aborter.signal }),
    ]);
    console.log(`${profile}: 4 concurrent callers met ${refusals(site)} 429(s)`);

    for (const [index, prefix] of ['Caller A', 'Caller B', 'Caller C'].entries()) {
      const result = results[index];
      expect(result?.status, String((result as PromiseRejectedResult).reason)).toBe('fulfilled');
      expect((result as PromiseFulfilledResult<string[]>).value).toEqual(
        batch(prefix).map((doc) => doc.customer_name),
      );
    }
    const aborted = results[3];
    expect(aborted?.status).toBe('rejected');
    expect((aborted as PromiseRejectedResult).reason).toBeInstanceOf(FrappeNetworkError);
    expect(((aborted as PromiseRejectedResult).reason as FrappeNetworkError).reason).toBe('aborted');
    // What the aborted caller inserted is whole chunks from its start, each once.
    const landed = batch('Caller D').filter((doc) => site.getDocument('Customer', doc.customer_name));
    expect([0, 200, 400, 500]).toContain(landed.length);
    expect(landed).toEqual(batch('Caller D').slice(0, landed.length));
    expect(site.documentCount('Customer') - before).toBe(1500 + landed.length);
    // One 429 per caller that started on the spent window (nothing told them yet), none after.
    expect(refusals(site)).toBe(4);
  }, 60_000);

  it('iterateList paces itself at the end of each window: no 429 at all, each pause logged', async () => {
    const site = await startSite(profile);
    const lines: string[] = [];
    const client = clientFor(site, { logger: { info: (line: string) => lines.push(line) } });
    await authorizeAs(client, site, USERS.admin.email);
    site.generateDocuments('Customer', 40);
    const total = site.documentCount('Customer');
    // 1 s per 1 s window, 0.4 s a page: three pages fit a window, the fourth would be refused.
    site.siteRateLimit.set({ limit: 1, window: 1, now: windowClock(), serverTimeMicros: () => 400_000 });

    let rows = 0;
    for await (const _ of client.iterateList('Customer', { pageSize: 8 })) rows += 1;
    expect(rows).toBe(total);
    expect(refusals(site)).toBe(0);
    expect(site.requests().filter((entry) => entry.path.endsWith('/Customer')).length).toBeGreaterThan(3);
    expect(
      lines.some((line) =>
        /iterateList: pausing \d+ ms until the site's rate-limit window resets/.test(line),
      ),
    ).toBe(true);
  }, 60_000);

  it("a refused request is retried after the window's reset; out of retries, FrappeRateLimitError carries the window", async () => {
    const site = await startSite(profile);
    const client = clientFor(site, { retry: { retries: 0 } });
    await authorizeAs(client, site, USERS.admin.email);
    const retrying = clientFor(site, { retry: { retries: 2, maxRetryAfterSeconds: 5 } });
    await authorizeAs(retrying, site, USERS.admin.email);
    site.siteRateLimit.set({ limit: 1, window: 60, now: () => 30_000, serverTimeMicros: () => 0 });
    site.siteRateLimit.spend(1_500_000);

    const error = await rejectionOf(client.getDoc('Customer', 'Grant Plastics Ltd.'), FrappeRateLimitError);
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(30);
    expect(error.window).toEqual({ limitMicros: 1_000_000, remainingMicros: 0, resetSeconds: 30 });

    // With retries, the wait is the reset (here 1 s: the limiter's clock says the window ends).
    let nowMs = 59_000;
    site.siteRateLimit.set({ limit: 1, window: 60, now: () => nowMs, serverTimeMicros: () => 0 });
    site.siteRateLimit.spend(1_500_000);
    const waits: number[] = [];
    retrying.on('retry', (event) => {
      waits.push(event.delayMs);
      nowMs = 61_000; // the window has turned by the time the retry goes
    });
    const doc = await retrying.getDoc<{ name: string }>('Customer', 'Grant Plastics Ltd.');
    expect(doc.name).toBe('Grant Plastics Ltd.');
    expect(waits).toEqual([1_000]);
  }, 30_000);
});
