import { afterAll, describe, expect, it } from 'vitest';
import { FrappeError, FrappeInputError, type FrappeOAuthClient } from '../../src';
import { type HostileServer, startHostileServer } from '../helpers/hostile-server';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { clientHolding } from '../helpers/token-holder';

const ACCESS_TOKEN = 'edgeAnswersTestAccessTokenError';
auditSecret(ACCESS_TOKEN);

afterAll(() => {
  expectNoSecretsLeaked();
});

const API_VERSIONS = ['v1', 'v2'] as const;

describe.each(API_VERSIONS)('answers at the edge over REST API %s', (apiVersion) => {
  function clientOf(baseUrl: string): Promise<FrappeOAuthClient> {
    return clientHolding(baseUrl, { access_token: ACCESS_TOKEN }, { apiVersion });
  }

  /**
   * A site that answers every request with status 200 and this body; on v2 a method's result sits
   * under `data` where v1 puts it under `message`, so the body's `"message":` reads `"data":` there.
   */
  async function answering(body: string, contentType = 'application/json'): Promise<HostileServer> {
    const sent = apiVersion === 'v2' ? body.replaceAll('"message":', '"data":') : body;
    return startHostileServer((_request, response) => {
      response.writeHead(200, { 'content-type': contentType });
      response.end(sent);
    });
  }

  type Call = (client: FrappeOAuthClient) => Promise<unknown>;

  const DOCUMENT_CALLS: Array<[string, Call]> = [
    ['getDoc', (c) => c.getDoc('Customer', 'Jane')],
    ['insertDoc', (c) => c.insertDoc('Customer', { customer_name: 'Jane' })],
    ['updateDoc', (c) => c.updateDoc('Customer', 'Jane', { credit_limit: 1 })],
    ['setValue', (c) => c.setValue('Customer', 'Jane', 'credit_limit', 1)],
  ];

  const BROKEN_DOCUMENT_ANSWERS: Array<[string, string]> = [
    ['an empty body', ''],
    ['an empty object (data and message missing)', '{}'],
    [
      'an exception with its status rewritten to 200',
      '{"exc_type": "ValidationError", "_server_messages": "[]"}',
    ],
    ['a traceback and no result', '{"exc": "[\\"Traceback ...\\"]"}'],
    ['null data', '{"data": null, "message": null}'],
    ['a list instead of a document', '{"data": [], "message": []}'],
    ['a string instead of a document', '{"data": "ok", "message": "ok"}'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a JSON string', '"ok"'],
    ['HTML', '<html><body>Welcome</body></html>'],
  ];

  describe('a 2xx that is not the envelope its endpoint promises is a FrappeError', () => {
    describe.each(DOCUMENT_CALLS)('%s', (_name, run) => {
      it.each(BROKEN_DOCUMENT_ANSWERS)('answered with %s', async (_label, body) => {
        const server = await answering(body);
        const client = await clientOf(server.url);
        const error = await rejectionOf(run(client), FrappeError);
        expect(error).not.toBeInstanceOf(FrappeInputError);
        expect(error.status).toBe(200);
        expect(server.requests).toHaveLength(1);
      });
    });

    it('the exception class of a 200-with-exc_type is kept', async () => {
      const server = await answering('{"exc_type": "ValidationError"}');
      const client = await clientOf(server.url);
      const error = await rejectionOf(client.getDoc('Customer', 'Jane'), FrappeError);
      expect(error.excType).toBe('ValidationError');
      expect(error.message).toMatch(/getDoc: the site answered 200 with an exception \(ValidationError\)/);
    });

    it('a token echoed in exc_type is not repeated', async () => {
      const server = await answering(JSON.stringify({ exc_type: ACCESS_TOKEN, exception: ACCESS_TOKEN }));
      const client = await clientOf(server.url);
      const error = await rejectionOf(client.getDoc('Customer', 'Jane'), FrappeError);
      expect(error.excType).toBeUndefined();
      expect(JSON.stringify(error)).not.toContain(ACCESS_TOKEN);
    });

    it.each([
      [
        'getList: data not a list',
        (c: FrappeOAuthClient) => c.getList('Customer'),
        '{"data": {"name": "x"}}',
      ],
      ['getList: no data', (c: FrappeOAuthClient) => c.getList('Customer'), '{}'],
      ['getCount: no message', (c: FrappeOAuthClient) => c.getCount('Customer'), '{}'],
      ['getCount: not a count', (c: FrappeOAuthClient) => c.getCount('Customer'), '{"message": "many"}'],
      ['getCount: negative', (c: FrappeOAuthClient) => c.getCount('Customer'), '{"message": -1}'],
      [
        'getValue: an exception',
        (c: FrappeOAuthClient) => c.getValue('Customer', 'name', 'x'),
        '{"exc_type": "PermissionError"}',
      ],
      [
        'insertMany: no names',
        (c: FrappeOAuthClient) => c.insertMany('Customer', [{ customer_name: 'A' }]),
        '{}',
      ],
      [
        'insertMany: names not strings',
        (c: FrappeOAuthClient) => c.insertMany('Customer', [{ customer_name: 'A' }]),
        '{"message": [1]}',
      ],
      ['renameDoc: no name', (c: FrappeOAuthClient) => c.renameDoc('Customer', 'a', 'b'), '{}'],
      ['call: an exception', (c: FrappeOAuthClient) => c.call('ping'), '{"exc_type": "PermissionError"}'],
      ['call: an empty body', (c: FrappeOAuthClient) => c.call('ping'), ''],
      ['call: not an object', (c: FrappeOAuthClient) => c.call('ping'), '["pong"]'],
      [
        'runDocMethod: an exception',
        (c: FrappeOAuthClient) => c.runDocMethod('Customer', 'x', 'get_greeting'),
        '{"exception": "frappe.exceptions.ValidationError: no"}',
      ],
    ])('%s', async (_label, run, body) => {
      const server = await answering(body);
      const client = await clientOf(server.url);
      const error = await rejectionOf(run(client), FrappeError);
      expect(error).not.toBeInstanceOf(FrappeInputError);
      expect(error.status).toBe(200);
    });

    it('what the endpoints legitimately answer still resolves', async () => {
      const check = async (body: string, run: Call, expected: unknown) => {
        const server = await answering(body);
        expect(await run(await clientOf(server.url))).toEqual(expected);
      };
      // a whitelisted method or document method that returned None
      await check('{}', (c) => c.call('ping'), undefined);
      await check('{"_server_messages": "[]"}', (c) => c.call('ping'), undefined);
      await check('{}', (c) => c.runDocMethod('Customer', 'x', 'get_greeting'), undefined);
      // get_value when nothing matched
      await check('{}', (c) => c.getValue('Customer', 'name', 'x'), undefined);
      await check('{"message": "12"}', (c) => c.getCount('Customer'), 12);
      await check('{"message": 0}', (c) => c.getCount('Customer'), 0);
      await check('{"data": []}', (c) => c.getList('Customer'), []);
      await check('{"message": "pong"}', (c) => c.call('ping'), 'pong');
    });
  });

  interface Row {
    name: string;
    modified: string;
  }

  function rows(from: number, count: number): Row[] {
    return Array.from({ length: count }, (_, i) => ({
      name: `C-${String(from + i).padStart(3, '0')}`,
      modified: `2030-01-01 00:00:${String(from + i).padStart(2, '0')}.000000`,
    }));
  }

  /**
   * A list endpoint that answers the n-th request (from 0) with `page(n)`. On v2 a page after a
   * position first asks for the rest of the rows sharing its `modified` (a `modified =` filter):
   * none here, as every row has its own; those requests are answered empty and not counted in n.
   */
  async function listing(page: (n: number) => unknown[]): Promise<HostileServer> {
    let served = 0;
    return startHostileServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const filters = new URL(request.url ?? '/', 'http://x').searchParams.get('filters') ?? '';
      const sameModified = filters.includes('["modified","=",');
      response.end(JSON.stringify({ data: sameModified ? [] : page(served++) }));
    });
  }

  /** The requests an iteration of `pages` pages sends: one per page on v1; on v2 two after the first. */
  function listRequests(pages: number): number {
    return apiVersion === 'v1' ? pages : 2 * pages - 1;
  }

  async function drain(iterable: AsyncIterable<Row>): Promise<{ seen: string[]; error: unknown }> {
    const seen: string[] = [];
    try {
      for await (const row of iterable) seen.push(row.name);
    } catch (error) {
      return { seen, error };
    }
    return { seen, error: undefined };
  }

  describe('iterateList stops on a page that does not move its position', () => {
    it('a server (or cache) answering the first page forever: one page, then a FrappeError', async () => {
      const server = await listing(() => rows(0, 3));
      const client = await clientOf(server.url);
      const { seen, error } = await drain(client.iterateList<Row>('Customer', { pageSize: 3 }));
      expect(seen).toEqual(['C-000', 'C-001', 'C-002']);
      expect(error).toBeInstanceOf(FrappeError);
      expect((error as Error).message).toMatch(/does not move past the last row/);
      expect(server.requests).toHaveLength(listRequests(2));
    });

    it('a cache answering the second page forever: two pages, then a FrappeError', async () => {
      const server = await listing((n) => (n === 0 ? rows(0, 2) : rows(2, 2)));
      const client = await clientOf(server.url);
      const { seen, error } = await drain(client.iterateList<Row>('Customer', { pageSize: 2 }));
      expect(seen).toEqual(['C-000', 'C-001', 'C-002', 'C-003']);
      expect(error).toBeInstanceOf(FrappeError);
      expect(server.requests).toHaveLength(listRequests(3));
    });

    it('a page holding a row without a position is refused before any of it is yielded', async () => {
      const server = await listing(() => [...rows(0, 1), { name: 'C-X' }, null]);
      const client = await clientOf(server.url);
      const { seen, error } = await drain(client.iterateList<Row>('Customer', { pageSize: 5 }));
      expect(seen).toEqual([]);
      expect(error).toBeInstanceOf(FrappeError);
    });

    it('a site that moves on is followed to the end', async () => {
      const server = await listing((n) => (n < 3 ? rows(n * 2, 2) : rows(6, 1)));
      const client = await clientOf(server.url);
      const { seen, error } = await drain(client.iterateList<Row>('Customer', { pageSize: 2 }));
      expect(error).toBeUndefined();
      expect(seen).toHaveLength(7);
    });
  });
});
