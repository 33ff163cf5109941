import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthorizationRequiredError, FrappeNetworkError } from '../../src';
import { API_VERSION_PROBE } from '../../src/documents/api-version';
import { authorizeAs, clientFor, PROFILES, startSite, USERS } from '../helpers/frappe-site';
import { startHostileServer } from '../helpers/hostile-server';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { clientHolding } from '../helpers/token-holder';
import { pathsOf, served, signedIn, V2_PROFILES } from './helpers';

const ACCESS_TOKEN = 'api-version-test-access-token';
auditSecret(ACCESS_TOKEN);

afterAll(() => {
  expectNoSecretsLeaked();
});

/** How many times the site was asked which REST API it speaks. */
function probes(site: { requests(): Array<{ path: string }> }): number {
  return site.requests().filter((entry) => entry.path === API_VERSION_PROBE).length;
}

/** Resolves once the site has received a request for `path`, answered or not. */
async function arrived(site: { requests(): Array<{ path: string }> }, path: string): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    if (site.requests().some((entry) => entry.path === path)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no request to ${path}`);
}

/** The profiles `'auto'` must read as v2 (they serve it) and as v1 (they do not). */
const AUTO_CASES = PROFILES.map((profile) => ({
  profile,
  expected: V2_PROFILES.includes(profile) || profile === 'develop' ? ('v2' as const) : ('v1' as const),
}));

describe.each(AUTO_CASES)("apiVersion 'auto' on $profile", ({ profile, expected }) => {
  it(`speaks ${expected}, decided by one probe for the whole client family`, async () => {
    const { site, client } = await signedIn(profile, 'alice', { apiVersion: 'auto' });
    const paths = pathsOf(expected);
    const doc = await client.getDoc<{ name: string }>('Customer', 'Jane Doe');
    expect(doc.name).toBe('Jane Doe');
    expect(await client.getCount('Customer')).toBe(4);
    const other = client.withTokenKey('someone-else');
    // No token under that key: it fails for want of one, after the family's answer is known.
    await rejectionOf(other.getDoc('Customer', 'Jane Doe'), AuthorizationRequiredError);
    expect(probes(site)).toBe(1);
    expect(served(site, 'GET', paths.resource('Customer', 'Jane Doe'))).toBe(1);
    expect(served(site, 'GET', paths.count('Customer'))).toBe(1);
    const wrong = pathsOf(expected === 'v1' ? 'v2' : 'v1');
    expect(served(site, 'GET', wrong.resource('Customer', 'Jane Doe'))).toBe(0);
  });
});

describe.each(V2_PROFILES)("apiVersion 'auto' under load and failures on %s", (profile) => {
  it('many concurrent first callers share one detection, and one of them aborting ends only its wait', async () => {
    const { site, client } = await signedIn(profile, 'alice', { apiVersion: 'auto' });
    site.injectFault(API_VERSION_PROBE, { kind: 'delay', ms: 300 });
    const controller = new AbortController();
    const aborted = client.getDoc('Customer', 'Jane Doe', { signal: controller.signal });
    const callers = Array.from({ length: 50 }, (_, index) =>
      index % 2 === 0
        ? client.getDoc<{ name: string }>('Customer', 'Jane Doe')
        : client
            .withTokenKey(`user-${index}`)
            .getList('Customer')
            .catch((error: unknown) => error),
    );
    await arrived(site, API_VERSION_PROBE);
    controller.abort();
    const error = await rejectionOf(aborted, FrappeNetworkError);
    expect(error.reason).toBe('aborted');
    const results = await Promise.all(callers);
    for (const [index, result] of results.entries()) {
      if (index % 2 === 0) expect(result).toMatchObject({ name: 'Jane Doe' });
      else expect(result).toBeInstanceOf(AuthorizationRequiredError);
    }
    expect(probes(site)).toBe(1);
    expect(served(site, 'GET', '/api/v2/document/Customer/Jane Doe')).toBe(25);
    expect(served(site, 'GET', '/api/resource/Customer/Jane Doe')).toBe(0);
  });

  it.each([
    ['a 500', { kind: 'status', status: 500 } as const],
    ['a dropped connection', { kind: 'drop' } as const],
    ['a 429', { kind: 'rate-limit', retryAfterSeconds: 1 } as const],
    [
      'an HTML 200',
      { kind: 'status', status: 200, body: '<html>pong</html>', contentType: 'text/html' } as const,
    ],
  ])(
    'a failed detection (%s) is v1 for good, logged once at warn, never asked again',
    async (_label, fault) => {
      const warnings: string[] = [];
      const { site, client } = await signedIn(profile, 'alice', {
        apiVersion: 'auto',
        logger: { warn: (line: string) => warnings.push(line) },
      });
      site.injectFault(API_VERSION_PROBE, fault);
      const calls = await Promise.all(Array.from({ length: 10 }, () => client.getCount('Customer')));
      expect(calls).toEqual(Array(10).fill(4));
      await client.getDoc('Customer', 'Jane Doe');
      expect(probes(site)).toBe(1);
      expect(served(site, 'GET', '/api/method/frappe.client.get_count')).toBe(10);
      expect(served(site, 'GET', '/api/resource/Customer/Jane Doe')).toBe(1);
      expect(warnings.filter((line) => line.includes("apiVersion 'auto'"))).toHaveLength(1);
    },
  );

  it('a probe slower than the client timeout is a failed detection: v1', async () => {
    const { site, client } = await signedIn(profile, 'alice', { apiVersion: 'auto', timeoutMs: 200 });
    site.injectFault(API_VERSION_PROBE, { kind: 'delay', ms: 1000 });
    expect(await client.getCount('Customer')).toBe(4);
    expect(served(site, 'GET', '/api/method/frappe.client.get_count')).toBe(1);
    expect(probes(site)).toBe(1);
  });

  it("'v1' and 'v2' never probe", async () => {
    for (const apiVersion of ['v1', 'v2'] as const) {
      const { site, client } = await signedIn(profile, 'alice', { apiVersion });
      await client.getDoc('Customer', 'Jane Doe');
      expect(probes(site)).toBe(0);
      expect(served(site, 'GET', pathsOf(apiVersion).resource('Customer', 'Jane Doe'))).toBe(1);
    }
  });
});

describe.each(V2_PROFILES)('iterateList checkpoints across API versions on %s', (profile) => {
  it('a position stored over v1 resumes over v2, and one stored over v2 over v1', async () => {
    const site = await startSite(profile);
    site.generateDocuments('Customer', 25);
    const store = new Keyv();
    const v1 = clientFor(site, { store, apiVersion: 'v1' });
    await authorizeAs(v1, site, USERS.admin.email);
    // Same store and token key: the v2 client uses the token the v1 client stored.
    const v2 = clientFor(site, { store, apiVersion: 'v2' });
    const reference = (
      await v1.getList<{ name: string }>('Customer', { orderBy: 'modified asc, name asc', limit: 0 })
    ).map((row) => row.name);
    const options = { pageSize: 4, checkpointKey: 'cross-version' };

    const seen: string[] = [];
    for await (const row of v1.iterateList<{ name: string }>('Customer', options)) {
      seen.push(row.name);
      if (seen.length === 10) break;
    }
    for await (const row of v2.iterateList<{ name: string }>('Customer', options)) seen.push(row.name);
    // The break came mid-page: the rows of that page after the last stored position come again.
    expect([...new Set(seen)]).toEqual(reference);
    expect(seen.length - reference.length).toBeLessThanOrEqual(options.pageSize);

    const added = site.insertDocument('Customer', { customer_name: 'After Both Runs' });
    const next: string[] = [];
    for await (const row of v1.iterateList<{ name: string }>('Customer', options)) next.push(row.name);
    expect(next).toEqual([added.name]);
  });
});

describe("apiVersion 'auto' at the wire", () => {
  it('the probe is a GET without the token; a {"data": "pong"} makes it v2', async () => {
    const heard: Array<{ path: string; authorization: string | undefined }> = [];
    const server = await startHostileServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      heard.push({ path, authorization: request.headers.authorization });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(path === API_VERSION_PROBE ? { data: 'pong' } : { data: { name: 'x' } }));
    });
    const client = await clientHolding(server.url, { access_token: ACCESS_TOKEN }, { apiVersion: 'auto' });
    await client.getDoc('Customer', 'x');
    expect(heard.map((entry) => entry.path)).toEqual([API_VERSION_PROBE, '/api/v2/document/Customer/x']);
    expect(heard[0]?.authorization).toBeUndefined();
    expect(heard[1]?.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('a v1-style pong ({"message": "pong"}) is not v2', async () => {
    const server = await startHostileServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(path === API_VERSION_PROBE ? { message: 'pong' } : { data: { name: 'x' } }),
      );
    });
    const client = await clientHolding(server.url, { access_token: ACCESS_TOKEN }, { apiVersion: 'auto' });
    await client.getDoc('Customer', 'x');
    expect(server.requests.map((entry) => entry.path)).toEqual([
      API_VERSION_PROBE,
      '/api/resource/Customer/x',
    ]);
  });
});
