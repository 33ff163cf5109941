import { describe, expect, it } from 'vitest';
import { FrappeNetworkError } from '../../src';
import {
  approveInBrowser,
  authorizeAs,
  clientFor,
  countRequests,
  startSite,
  USERS,
} from '../helpers/frappe-site';

const METADATA = '/.well-known/oauth-authorization-server';
const OPENID = '/.well-known/openid-configuration';

describe('discovery: true', () => {
  it('on v16 takes the issuer from the RFC 8414 metadata, without the OpenID document', async () => {
    const site = await startSite('v16');
    const client = clientFor(site, { discovery: true });
    const token = await authorizeAs(client, site, USERS.alice.email);
    expect(token.user).toBe(USERS.alice.email);
    expect(countRequests(site, METADATA)).toBe(1);
    expect(countRequests(site, OPENID)).toBe(0);
  });

  it('on v16 with a Social Login Key URL, also accepts the OpenID issuer Frappe signs id_tokens with', async () => {
    // The metadata reports the request host; the id_token carries the Social Login Key base URL.
    const site = await startSite('v16', { issuer: 'https://erp.example.com' });
    const client = clientFor(site, { discovery: true });
    await authorizeAs(client, site, USERS.alice.email);
    await authorizeAs(client.withTokenKey('second'), site, USERS.bob.email);
    expect(countRequests(site, METADATA)).toBe(1);
    expect(countRequests(site, OPENID)).toBe(1);
  });

  it('falls back to OpenID discovery where the site has no metadata (v15: 404, then the 301)', async () => {
    const site = await startSite('v15', { issuer: 'https://erp.example.com' });
    const client = clientFor(site, { discovery: true });
    await authorizeAs(client, site, USERS.alice.email);
    expect(site.requests().filter((entry) => entry.path === METADATA)).toEqual([
      { method: 'GET', path: METADATA, status: 404 },
    ]);
    expect(countRequests(site, OPENID)).toBe(1);
  });

  it('a configured issuer has no fallback: an id_token of another issuer is refused, nothing discovered', async () => {
    const site = await startSite('v16', { issuer: 'https://erp.example.com' });
    const client = clientFor(site, { issuer: 'https://other.example.com' });
    await expect(authorizeAs(client, site, USERS.alice.email)).rejects.toThrow(/"iss"/);
    expect(countRequests(site, METADATA)).toBe(0);
  });

  it('many first callbacks at once share one discovery; one aborts, a 502 of the metadata falls back', async () => {
    const site = await startSite('v16', { issuer: 'https://erp.example.com' });
    const client = clientFor(site, { discovery: true });
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const callbacks = await Promise.all(
      keys.map(async (key) =>
        approveInBrowser(site, await client.withTokenKey(key).getAuthorizationUrl(), USERS.alice.email),
      ),
    );
    site.injectFault(METADATA, { kind: 'status', status: 502 }, { times: 1 });
    const aborted = new AbortController();
    aborted.abort();
    const results = await Promise.allSettled(
      keys.map((key, index) =>
        client
          .withTokenKey(key)
          .handleCallback(callbacks[index] as string, index === 0 ? { signal: aborted.signal } : {}),
      ),
    );
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(FrappeNetworkError) });
    expect(results.slice(1).map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    // The 502 sends discovery to the OpenID document, once for all five.
    expect(
      site
        .requests()
        .filter((entry) => entry.path === METADATA)
        .map((entry) => entry.status),
    ).toEqual([502]);
    expect(countRequests(site, OPENID)).toBe(1);
  });
});
