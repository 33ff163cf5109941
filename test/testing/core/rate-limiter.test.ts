import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../../../src/testing/profiles';
import { type RestSite, startSite } from '../rest/helpers';

describe.each(PROFILE_NAMES)('the site-wide rate limiter on %s', (profile) => {
  let site: RestSite;
  // The window clock is the test's: windows start at multiples of `window` seconds.
  let nowMs = 1_000_000 * 60_000 + 15_000; // 15 s into a 60 s window
  const now = () => nowMs;
  beforeAll(async () => {
    site = await startSite(profile);
  });
  afterAll(() => site.stop());

  it('counts server time per window: headers in µs and seconds, 429 once the counter is over the limit', async () => {
    site.emulator.siteRateLimit.set({ limit: 0.5, window: 60, serverTimeMicros: () => 300_000, now });
    const first = await site.call('GET', '/api/method/frappe.auth.get_logged_user');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('500000');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('500000');
    expect(first.headers.get('x-ratelimit-reset')).toBe('45');
    expect(first.headers.get('retry-after')).toBeNull();

    // Remaining is counted at the request's start: the first request's 0.3 s show on the second.
    const second = await site.call('GET', '/api/method/frappe.auth.get_logged_user');
    expect(second.status).toBe(200);
    expect(second.headers.get('x-ratelimit-remaining')).toBe('200000');

    // 0.6 s spent > 0.5 s: refused before it runs, with Retry-After = the seconds left in the window.
    nowMs += 5_000;
    const refused = await site.call('GET', '/api/method/frappe.auth.get_logged_user');
    expect(refused.status).toBe(429);
    // v14 names the class of a bare raise only in tracebacks, which Guest does not get (§8.2).
    if (profile !== 'v14') expect(refused.body.exc_type).toBe('TooManyRequestsError');
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(refused.headers.get('x-ratelimit-reset')).toBe('40');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(site.emulator.siteRateLimit.rejections).toBe(1);

    // The next window starts empty.
    nowMs += 40_000;
    const next = await site.call('GET', '/api/method/frappe.auth.get_logged_user');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-remaining')).toBe('500000');
    expect(next.headers.get('x-ratelimit-reset')).toBe('60');
  });

  it('a refused request that does not ask for JSON gets the plain "Too Many Requests"', async () => {
    site.emulator.siteRateLimit.set({ limit: 0.1, window: 60, serverTimeMicros: () => 0, now });
    site.emulator.siteRateLimit.spend(200_000);
    const response = await fetch(`${site.emulator.url}/login`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(429);
    expect(await response.text()).toBe('Too Many Requests');
    expect(response.headers.get('retry-after')).not.toBeNull();
  });

  it("one counter per site by default (Frappe's key), per user when asked", async () => {
    site.emulator.siteRateLimit.set({ limit: 0.2, window: 60, serverTimeMicros: () => 300_000, now });
    expect((await site.call('GET', '/api/method/frappe.auth.get_logged_user', { as: 'admin' })).status).toBe(
      200,
    );
    expect((await site.call('GET', '/api/method/frappe.auth.get_logged_user', { as: 'sales' })).status).toBe(
      429,
    );
    expect(site.emulator.siteRateLimit.counter()).toBeGreaterThan(200_000);

    const status = async (as: 'admin' | 'sales') =>
      (await site.call('GET', '/api/method/frappe.auth.get_logged_user', { as })).status;
    // 0.2 s of server time per minute for each user (or IP): one 0.3 s request spends it.
    const limitEach = (per: 'user' | 'ip') =>
      site.emulator.siteRateLimit.set({ limit: 0.2, window: 60, per, serverTimeMicros: () => 300_000, now });
    limitEach('user');
    expect(await status('admin')).toBe(200);
    expect(await status('sales')).toBe(200);
    expect(await status('sales')).toBe(429);
    expect(site.emulator.siteRateLimit.counter('Administrator')).toBe(300_000);

    limitEach('ip');
    expect((await site.call('GET', '/api/method/frappe.auth.get_logged_user')).status).toBe(200);
    expect((await site.call('GET', '/api/method/frappe.auth.get_logged_user')).status).toBe(429);
  });

  it('off: no X-RateLimit headers; bad settings are refused', async () => {
    site.emulator.siteRateLimit.set(undefined);
    const response = await site.call('GET', '/api/method/frappe.auth.get_logged_user');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    expect(() => site.emulator.siteRateLimit.set({ limit: 0, window: 60 })).toThrow(TypeError);
    expect(() => site.emulator.siteRateLimit.set({ limit: 1, window: 1.5 })).toThrow(TypeError);
  });
});
