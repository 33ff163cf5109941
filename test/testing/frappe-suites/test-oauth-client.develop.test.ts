/**
 * `frappe/integrations/doctype/oauth_client/test_oauth_client.py`, newest develop version,
 * replayed over HTTP on the develop profile. (Earlier stored versions of this file hold no test at
 * all: a bare `pass`.) A client here is made the one way the site offers over HTTP,
 * `register_client`. The `is_dynamic_client` flag is read with the `getClient` control, and the
 * scheduled `delete_unused_dynamic_clients` job, which the Frappe tests call in-process after
 * backdating the row, runs through `runScheduledJobs` after the server clock moves 11 minutes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { OAUTH } from '../helpers/oauth-flow';
import { listNotPortable, type NotPortableTest, startFrappeTestSite } from './frappe-fixtures';

/** Every test of this version is replayed: none is left out. */
const NOT_PORTABLE: readonly NotPortableTest[] = [];

async function register(site: FrappeEmulator, address: string) {
  const response = await fetch(`${site.url}${OAUTH}.register_client`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({
      client_name: 'Test Dynamic Client',
      redirect_uris: ['https://example.com/oauth/callback'],
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Frappe test_oauth_client.py (develop) on the develop profile', () => {
  let site: FrappeEmulator;
  beforeEach(async () => {
    site = await startFrappeTestSite('develop');
  });
  afterEach(() => site.stop());

  it('test_generates_strong_client_secret (develop)', async () => {
    const { status, body } = await register(site, '192.0.2.10');
    expect(status).toBe(201);
    expect(String(body.client_secret).length).toBeGreaterThanOrEqual(56);
  });

  it('test_dynamic_registration_is_rate_limited_by_ip (develop)', async () => {
    const first = await register(site, '192.0.2.1');
    expect(first.status).toBe(201);
    const second = await register(site, '192.0.2.1');
    expect(second.status).toBe(417);
    expect(second.body.exc_type).toBe('RateLimitExceededError');
  });

  it('test_dynamic_registration_marks_client (develop)', async () => {
    const { status, body } = await register(site, '192.0.2.11');
    expect(status).toBe(201);
    expect(site.getClient(String(body.client_id))?.dynamic).toBe(true);
    expect(site.getClient('test_client_id')?.dynamic).toBe(false);
  });

  it('test_deletes_unused_dynamic_client_after_grace_period (develop)', async () => {
    const clientId = String((await register(site, '192.0.2.12')).body.client_id);
    site.advanceClock(11 * 60);
    expect(site.runScheduledJobs()).toEqual([clientId]);
    expect(site.getClient(clientId)).toBeUndefined();
    expect(site.getClient('test_client_id')).toBeDefined();
  });

  it('test_preserves_dynamic_client_that_issued_token (develop)', async () => {
    const clientId = String((await register(site, '192.0.2.13')).body.client_id);
    site.advanceClock(11 * 60);
    site.issueToken({ clientId, user: 'Administrator', scopes: ['openid'] });
    expect(site.runScheduledJobs()).toEqual([]);
    expect(site.getClient(clientId)).toBeDefined();
  });

  listNotPortable(NOT_PORTABLE);
});
