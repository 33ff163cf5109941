import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  FrappeConfigurationError,
  FrappeInputError,
  FrappeOAuthClient,
  type FrappeOAuthClientOptions,
} from '../../src';
import { TEST_TRANSPORT } from '../helpers/frappe-site';
import { type HostileServer, startHostileServer } from '../helpers/hostile-server';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { clientHolding } from '../helpers/token-holder';
import { API_VARIANTS, signedIn } from './helpers';

const ACCESS_TOKEN = 'edge-input-test-access-token';
const PASSWORD = 'edge-input-test-password';
auditSecret(ACCESS_TOKEN, PASSWORD);

const clients: FrappeOAuthClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(() => {
  expectNoSecretsLeaked();
});

// biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input, as plain JavaScript could pass it
type Loose = any;

/** A server that answers every request 200: a list for a list, otherwise a document in both envelopes. */
async function answeringServer(): Promise<HostileServer & { heard: IncomingMessage[] }> {
  const heard: IncomingMessage[] = [];
  const server = await startHostileServer((request, response) => {
    heard.push(request);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const isList = request.method === 'GET' && /^\/api\/(resource|v2\/document)\/[^/]+$/.test(path);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(isList ? { data: [] } : { data: { name: 'x', doctype: 'x' }, message: { name: 'x' } }),
    );
  });
  return Object.assign(server, { heard });
}

/** A client holding a long-lived token, so nothing but the call itself reaches the server. */
function clientOf(
  baseUrl: string,
  options: Partial<FrappeOAuthClientOptions> = {},
): Promise<FrappeOAuthClient> {
  return clientHolding(baseUrl, { access_token: ACCESS_TOKEN }, options);
}

/** The percent-encoded segments of a raw request path. */
function segments(path: string): string[] {
  return path.split('/').slice(1);
}

const ODD_NAMES = [
  'a/b',
  'what?',
  'C#',
  '100%',
  '%2F',
  'line\r\nbreak',
  'a/../b',
  '...',
  'x?y=1&z#f',
  'Ünïcödé 顧客 🚀',
  'back\\slash+plus',
];

const API_VERSIONS = ['v1', 'v2'] as const;

describe.each(API_VARIANTS)('any document name round-trips as one path segment on $label', (variant) => {
  it.each(ODD_NAMES)('%j: insertDoc, getDoc, updateDoc, deleteDoc', async (name) => {
    const { site, client } = await signedIn(variant, 'admin');
    const saved = await client.insertDoc<{ name: string }>('Customer', { customer_name: name });
    expect(saved.name).toBe(name);
    const read = await client.getDoc<{ name: string; customer_name: string }>('Customer', name);
    expect(read).toMatchObject({ name, customer_name: name });
    const updated = await client.updateDoc<{ credit_limit: number }>('Customer', name, { credit_limit: 7 });
    expect(updated.credit_limit).toBe(7);
    expect(site.getDocument('Customer', name)?.credit_limit).toBe(7);
    await client.deleteDoc('Customer', name);
    expect(site.getDocument('Customer', name)).toBeUndefined();
  });
});

describe.each(API_VERSIONS)('names at the wire over %s', (apiVersion) => {
  /** The path segments before the doctype: `api/resource` on v1, `api/v2/document` on v2. */
  const documentPrefix = apiVersion === 'v1' ? ['api', 'resource'] : ['api', 'v2', 'document'];
  const methodPrefix = apiVersion === 'v1' ? '/api/method' : '/api/v2/method';

  it('a doctype and a name are sent as exactly one percent-encoded segment each', async () => {
    const server = await answeringServer();
    const client = await clientOf(server.url, { apiVersion });
    const doctype = 'Odd/Type?#%';
    const name = 'x/y\r\n..?z#%41';
    await client.getDoc(doctype, name);
    await client.updateDoc(doctype, name, { a: 1 });
    await client.deleteDoc(doctype, name);
    await client.runDocMethod(doctype, name, 'get_greeting', {}, { httpMethod: 'GET' });
    await client.insertDoc(doctype, { a: 1 });
    expect(server.requests.map((entry) => entry.method)).toEqual(['GET', 'PUT', 'DELETE', 'GET', 'POST']);
    const prefix = documentPrefix.length;
    for (const [index, entry] of server.requests.slice(0, 4).entries()) {
      const parts = segments(entry.path);
      // v2 names a document method in the path: `…/<name>/method/get_greeting`.
      const tail = apiVersion === 'v2' && index === 3 ? ['method', 'get_greeting'] : [];
      expect(parts).toHaveLength(prefix + 2 + tail.length);
      expect(parts.slice(0, prefix)).toEqual(documentPrefix);
      expect(parts.slice(prefix, prefix + 2).map(decodeURIComponent)).toEqual([doctype, name]);
      expect(parts.slice(prefix + 2)).toEqual(tail);
    }
    expect(segments(server.requests[4]?.path ?? '').map(decodeURIComponent)).toEqual([
      ...documentPrefix,
      doctype,
    ]);
  });

  it.each([
    ['getDoc, name "."', (c: FrappeOAuthClient) => c.getDoc('Customer', '.'), 'name'],
    ['getDoc, name ".."', (c: FrappeOAuthClient) => c.getDoc('Customer', '..'), 'name'],
    ['getDoc, doctype ".."', (c: FrappeOAuthClient) => c.getDoc('..', 'x'), 'doctype'],
    ['getDoc, name a number', (c: FrappeOAuthClient) => c.getDoc('Customer', 5 as Loose), 'name'],
    ['getDoc, name null', (c: FrappeOAuthClient) => c.getDoc('Customer', null as Loose), 'name'],
    ['getDoc, a lone surrogate', (c: FrappeOAuthClient) => c.getDoc('Customer', 'x\ud800'), 'name'],
    ['updateDoc, name ".."', (c: FrappeOAuthClient) => c.updateDoc('Customer', '..', {}), 'name'],
    ['deleteDoc, name "."', (c: FrappeOAuthClient) => c.deleteDoc('Customer', '.'), 'name'],
    ['deleteDoc, doctype "."', (c: FrappeOAuthClient) => c.deleteDoc('.', 'x'), 'doctype'],
    ['insertDoc, doctype ".."', (c: FrappeOAuthClient) => c.insertDoc('..', {}), 'doctype'],
    ['getList, doctype ".."', (c: FrappeOAuthClient) => c.getList('..'), 'doctype'],
    ['getCount, doctype "."', (c: FrappeOAuthClient) => c.getCount('.'), 'doctype'],
    ['setValue, name ".."', (c: FrappeOAuthClient) => c.setValue('Customer', '..', 'a', 1), 'name'],
    ['renameDoc, new name ".."', (c: FrappeOAuthClient) => c.renameDoc('Customer', 'x', '..'), 'newName'],
    ['runDocMethod, name ".."', (c: FrappeOAuthClient) => c.runDocMethod('Customer', '..', 'save'), 'name'],
  ])('%s is FrappeInputError naming the argument, and nothing is sent', async (_label, run, argument) => {
    const server = await answeringServer();
    const client = await clientOf(server.url, { apiVersion });
    const error = await rejectionOf(run(client), FrappeInputError);
    expect(error.message).toMatch(new RegExp(`^${argument} `));
    expect(server.requests).toEqual([]);
  });

  it('method names are dotted identifiers, sent as they are', async () => {
    const server = await answeringServer();
    const client = await clientOf(server.url, { apiVersion });
    await client.call('ping', {}, { httpMethod: 'GET' });
    await client.call('frappe.client.get_list', { doctype: 'Customer' });
    await client.call('_private.Method_2');
    await client.runDocMethod('Customer', 'Jane', 'get_greeting');
    expect(server.requests.map((entry) => entry.path)).toEqual([
      `${methodPrefix}/ping`,
      `${methodPrefix}/frappe.client.get_list`,
      `${methodPrefix}/_private.Method_2`,
      apiVersion === 'v1'
        ? '/api/resource/Customer/Jane'
        : '/api/v2/document/Customer/Jane/method/get_greeting',
    ]);
  });

  it.each([
    '..',
    '.',
    'a/b',
    'frappe client',
    'frappe..client',
    '.ping',
    'ping.',
    'ping?x=1',
    'ping#x',
    '',
    '1ping',
    'pïng',
    'a\nb',
  ])('method %j is FrappeInputError for call and runDocMethod, and nothing is sent', async (method) => {
    const server = await answeringServer();
    const client = await clientOf(server.url, { apiVersion });
    expect((await rejectionOf(client.call(method), FrappeInputError)).message).toMatch(/^call: method/);
    await rejectionOf(client.runDocMethod('Customer', 'Jane', method), FrappeInputError);
    await rejectionOf(client.call(42 as Loose), FrappeInputError);
    expect(server.requests).toEqual([]);
  });
});

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function cyclic(): Record<string, unknown> {
  const doc: Record<string, unknown> = { customer_name: 'Loop', items: [{ rate: 1 }] };
  (doc.items as Array<Record<string, unknown>>)[0]!.parent_doc = doc;
  return doc;
}

/** `[{ rate: 1 }, <hole>, { rate: 2 }]`: JSON would send the hole as null. */
function withHole(): unknown[] {
  const items: unknown[] = [{ rate: 1 }];
  items[2] = { rate: 2 };
  return items;
}

const ROWS = (rate: unknown) => ({ customer_name: 'X', items: [{ rate: 1 }, { rate: 2 }, { rate }] });

const NOT_JSON: Array<[string, (c: FrappeOAuthClient) => Promise<unknown>, string]> = [
  [
    'getList: a filter on undefined',
    (c) => c.getList('Customer', { filters: { customer_group: undefined } }),
    'filters.customer_group is undefined',
  ],
  [
    'getList: a condition on undefined',
    (c) => c.getList('Customer', { filters: [['customer_group', '=', undefined]] }),
    'filters[0][2] is undefined',
  ],
  [
    'getList: an orFilters function',
    (c) => c.getList('Customer', { orFilters: { name: () => 'x' } }),
    'orFilters.name is a function',
  ],
  [
    'getList: a filter that is a Map',
    (c) => c.getList('Customer', { filters: new Map([['a', 1]]) as Loose }),
    'filters is a Map',
  ],
  [
    'getList: a BigInt in a list of values',
    (c) => c.getList('Customer', { filters: { credit_limit: ['in', [1, 2n]] } }),
    'filters.credit_limit[1][1] is a BigInt',
  ],
  [
    'getCount: a BigInt filter',
    (c) => c.getCount('Customer', { credit_limit: 10n }),
    'filters.credit_limit is a BigInt',
  ],
  [
    'getCount: NaN',
    (c) => c.getCount('Customer', [['credit_limit', '>', Number.NaN]]),
    'filters[0][2] is NaN',
  ],
  [
    'getValue: a symbol filter',
    (c) => c.getValue('Customer', 'name', { territory: Symbol('x') }),
    'filters.territory is a symbol',
  ],
  [
    'getValue: no name or filters',
    (c) => c.getValue('Customer', 'name', undefined as Loose),
    'getValue needs a document name or filters',
  ],
  [
    'getList: a cyclic filter',
    (c) => {
      const f: Loose = { a: {} };
      f.a.back = f;
      return c.getList('Customer', { filters: f });
    },
    'filters.a.back is a reference to an object that contains it',
  ],
  [
    'insertDoc: a BigInt in a child row',
    (c) => c.insertDoc('Customer', ROWS(10n)),
    'insertDoc: doc.items[2].rate is a BigInt',
  ],
  [
    'insertDoc: undefined in a child row',
    (c) => c.insertDoc('Customer', ROWS(undefined)),
    'insertDoc: doc.items[2].rate is undefined',
  ],
  [
    'insertDoc: a hole in a child table',
    (c) => c.insertDoc('Customer', { items: withHole() }),
    'insertDoc: doc.items[1] is undefined',
  ],
  [
    'insertDoc: Infinity',
    (c) => c.insertDoc('Customer', { credit_limit: Number.POSITIVE_INFINITY }),
    'insertDoc: doc.credit_limit is Infinity',
  ],
  [
    'insertDoc: an invalid Date',
    (c) => c.insertDoc('Customer', { since: new Date('nope') }),
    'insertDoc: doc.since is an invalid Date',
  ],
  [
    'insertDoc: a missing await',
    (c) => c.insertDoc('Customer', { credit_limit: Promise.resolve(5) }),
    'insertDoc: doc.credit_limit is a Promise',
  ],
  [
    'insertDoc: a Set',
    (c) => c.insertDoc('Customer', { tags: new Set(['a']) }),
    'insertDoc: doc.tags is a Set',
  ],
  [
    'insertDoc: an odd key',
    (c) => c.insertDoc('Customer', { 'odd key': undefined }),
    'insertDoc: doc["odd key"] is undefined',
  ],
  [
    'insertDoc: a cycle',
    (c) => c.insertDoc('Customer', cyclic()),
    'insertDoc: doc.items[0].parent_doc is a reference to an object that contains it',
  ],
  [
    'insertDoc: nested 65 levels',
    (c) => c.insertDoc('Customer', deep(65)),
    'nested more than 64 levels deep',
  ],
  [
    'insertDoc with a name: nested 20 000 levels',
    (c) => c.insertDoc('Customer', { name: 'Deep', ...deep(20_000) }),
    'nested more than 64 levels deep',
  ],
  [
    'updateDoc: undefined',
    (c) => c.updateDoc('Customer', 'Jane', { credit_limit: undefined }),
    'updateDoc: changes.credit_limit is undefined',
  ],
  [
    'setValue: an undefined value',
    (c) => c.setValue('Customer', 'Jane', 'credit_limit', undefined),
    'setValue: value is undefined',
  ],
  [
    'setValue: a BigInt among values',
    (c) => c.setValue('Customer', 'Jane', { credit_limit: 10n }, undefined),
    'setValue: values.credit_limit is a BigInt',
  ],
  [
    'insertMany: one bad document of 300',
    (c) =>
      c.insertMany(
        'Customer',
        Array.from({ length: 300 }, (_, i) => (i === 250 ? { x: undefined } : { customer_name: `C${i}` })),
      ),
    'insertMany: docs[250].x is undefined',
  ],
  [
    'runDocMethod: an undefined arg (POST)',
    (c) => c.runDocMethod('Customer', 'Jane', 'get_greeting', { greeting: undefined }),
    'runDocMethod: args.greeting is undefined',
  ],
  [
    'runDocMethod: a BigInt arg (GET)',
    (c) => c.runDocMethod('Customer', 'Jane', 'get_greeting', { n: 1n }, { httpMethod: 'GET' }),
    'runDocMethod: args.n is a BigInt',
  ],
  [
    'runDocMethod: args not an object',
    (c) => c.runDocMethod('Customer', 'Jane', 'get_greeting', 'x' as Loose),
    'runDocMethod: args must be an object',
  ],
  [
    'call: an undefined param (POST)',
    (c) => c.call('frappe.client.get_list', { doctype: undefined }),
    'call: params.doctype is undefined',
  ],
  [
    'call: a function param (GET)',
    (c) => c.call('ping', { cb: () => 1 }, { httpMethod: 'GET' }),
    'call: params.cb is a function',
  ],
  ['call: params an array', (c) => c.call('ping', [1] as Loose), 'call: params must be an object'],
  [
    'iterateList: a filter on undefined',
    async (c) => {
      for await (const _ of c.iterateList('Customer', { filters: { customer_group: undefined } })) {
        /* none */
      }
    },
    'filters.customer_group is undefined',
  ],
  [
    'iterateList: a BigInt filter, refused before the checkpoint is read',
    async (c) => {
      for await (const _ of c.iterateList('Customer', { filters: [['a', '=', 1n]], checkpointKey: 'k' })) {
        /* none */
      }
    },
    'filters[0][2] is a BigInt',
  ],
];

describe.each(API_VERSIONS)(
  'values JSON cannot carry are refused before anything is sent over %s',
  (apiVersion) => {
    it.each(NOT_JSON)('%s', async (_label, run, message) => {
      const server = await answeringServer();
      const client = await clientOf(server.url, { apiVersion });
      const error = await rejectionOf(run(client), FrappeInputError);
      expect(error.message).toContain(message);
      expect(error.status).toBeUndefined();
      expect(server.requests).toEqual([]);
    });

    it('values JSON does carry still go: null, nested rows, Dates, shared (not cyclic) objects', async () => {
      const server = await answeringServer();
      const client = await clientOf(server.url, { apiVersion });
      const shared = { rate: 1 };
      await client.insertDoc('Customer', {
        customer_name: 'Fine',
        territory: null,
        since: new Date(0),
        items: [shared, shared],
        nested: deep(60),
      });
      await client.getList('Customer', { filters: { territory: null, credit_limit: ['>', 0] } });
      expect(server.requests).toHaveLength(2);
    });

    it.each(API_VARIANTS.filter((variant) => variant.apiVersion === apiVersion))(
      'on $label a filter on undefined no longer lists every document',
      async (variant) => {
        const { site, client } = await signedIn(variant, 'alice');
        await rejectionOf(
          client.getList('Customer', { filters: { customer_group: undefined } }),
          FrappeInputError,
        );
        await rejectionOf(client.getCount('Customer', { customer_group: undefined }), FrappeInputError);
        expect(site.requests()).toEqual([]);
      },
    );
  },
);

describe('client options', () => {
  const base = { baseUrl: 'https://erp.example.com', clientId: 'x' };

  it.each(['v3', 'V2', '', 2, null])('apiVersion %j is FrappeConfigurationError', (apiVersion) => {
    expect(() => new FrappeOAuthClient({ ...base, apiVersion: apiVersion as Loose })).toThrow(
      /apiVersion must be 'v1', 'v2' or 'auto'/,
    );
  });

  it.each([
    'app\r\nX-Injected: 1',
    'app\n',
    'app\r',
    'a\u0000b',
    'tab\there',
    'del\u007f',
    'c1\u0085',
    'emoji 🚀',
    5,
  ])('userAgent %j is FrappeConfigurationError', (userAgent) => {
    expect(() => new FrappeOAuthClient({ ...base, userAgent: userAgent as Loose })).toThrow(
      FrappeConfigurationError,
    );
  });

  it('a printable userAgent is sent as it is', async () => {
    const server = await answeringServer();
    const client = await clientOf(server.url, {
      userAgent: 'shop-sync/2.1 (+https://shop.example.com) café',
    });
    await client.getDoc('Customer', 'Jane');
    expect(server.heard[0]?.headers['user-agent']).toBe('shop-sync/2.1 (+https://shop.example.com) café');
  });

  it.each(['http://shop.example.com/callback', 'http://10.0.0.5:8080/cb', 'http://127.0.0.1.example.com/cb'])(
    'a plain-http redirectUri %s on a non-loopback host is FrappeConfigurationError',
    (redirectUri) => {
      expect(() => new FrappeOAuthClient({ ...base, redirectUri })).toThrow(FrappeConfigurationError);
      expect(() => new FrappeOAuthClient({ ...base, redirectUri, allowInsecureHttp: true })).not.toThrow();
    },
  );

  it.each([
    'https://shop.example.com/callback',
    'http://127.0.0.1:8765/callback',
    'http://localhost:3000/cb',
    'http://[::1]:3000/cb',
  ])('redirectUri %s is accepted', (redirectUri) => {
    expect(() => new FrappeOAuthClient({ ...base, redirectUri })).not.toThrow();
  });

  it.each([
    ['https://erp.example.com/app', 'https://erp.example.com'],
    ['https://erp.example.com/app/', 'https://erp.example.com'],
    ['https://erp.example.com/desk', 'https://erp.example.com'],
    ['https://erp.example.com/desk/', 'https://erp.example.com'],
    ['https://erp.example.com/api', 'https://erp.example.com'],
    ['https://erp.example.com/api/', 'https://erp.example.com'],
    ['https://erp.example.com/api/method/ping', 'https://erp.example.com'],
    ['https://erp.example.com/api/resource/Customer/', 'https://erp.example.com'],
    ['https://erp.example.com/login', 'https://erp.example.com'],
    ['https://erp.example.com/login/', 'https://erp.example.com'],
    ['https://erp.example.com/erp/app', 'https://erp.example.com/erp'],
    ['https://erp.example.com/erp/api/v2/document', 'https://erp.example.com/erp'],
  ])('baseUrl %s is FrappeConfigurationError naming the site root', (baseUrl, root) => {
    let caught: unknown;
    try {
      new FrappeOAuthClient({ ...base, baseUrl });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FrappeConfigurationError);
    // (the error renders a bare origin with its slash)
    expect((caught as Error).message).toMatch(new RegExp(`use ${root.replace(/[.]/g, '\\.')}/?$`));
  });

  it.each([
    'https://erp.example.com',
    'https://erp.example.com/',
    'https://erp.example.com/erp',
    'https://erp.example.com/erp/',
    'https://erp.example.com/apps',
    'https://erp.example.com/my-api',
    'https://erp.example.com/application/',
  ])('baseUrl %s is kept', (baseUrl) => {
    expect(() => new FrappeOAuthClient({ ...base, baseUrl })).not.toThrow();
  });

  it.each(['/erp', '/erp/'])(
    'a site behind a proxy under %s is reached under that prefix',
    async (prefix) => {
      const server = await startHostileServer((request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(
            request.url?.endsWith('get_token')
              ? { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600, scope: 'all' }
              : { data: { name: 'Jane' } },
          ),
        );
      });
      const client = new FrappeOAuthClient({
        baseUrl: `${server.url}${prefix}`,
        clientId: 'shop',
        scopes: ['all'],
        transport: TEST_TRANSPORT,
      });
      clients.push(client);
      await client.loginWithPassword('alice', PASSWORD);
      await client.getDoc('Customer', 'Jane');
      await client.call('ping', {}, { httpMethod: 'GET' });
      expect(server.requests.map((entry) => entry.path)).toEqual([
        '/erp/api/method/frappe.integrations.oauth2.get_token',
        '/erp/api/resource/Customer/Jane',
        '/erp/api/method/ping',
      ]);
    },
  );
});
