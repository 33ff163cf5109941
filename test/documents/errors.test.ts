import { afterAll, describe, expect, it } from 'vitest';
import {
  FrappeAuthenticationError,
  FrappeConflictError,
  FrappeDuplicateEntryError,
  FrappeError,
  FrappeNetworkError,
  FrappeNotFoundError,
  FrappePermissionError,
  FrappeRateLimitError,
  FrappeServerError,
  FrappeValidationError,
} from '../../src';
import { countRequests, TOKEN_PATH } from '../helpers/frappe-site';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS, apiOf, newSalesOrder, otherUser, pathsOf, served, signedIn } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

type Doc = Record<string, unknown> & { name: string; modified: string };

/** The error's whole text, to check that no HTML or page content got into it. */
function textOf(error: FrappeError): string {
  return [error.message, ...error.messages].join('\n');
}

describe.each(API_VARIANTS)('typed errors from real $label responses', (variant) => {
  const paths = pathsOf(variant);
  it('a 401 that persists after the one refresh-and-retry is FrappeAuthenticationError', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const body = JSON.stringify({ exc_type: 'AuthenticationError' });
    site.injectFault(
      paths.resource('Customer', 'Jane Doe'),
      { kind: 'status', status: 401, body, contentType: 'application/json' },
      { times: 2 },
    );
    const error = await rejectionOf(client.getDoc('Customer', 'Jane Doe'), FrappeAuthenticationError);
    expect(error).toMatchObject({ status: 401, excType: 'AuthenticationError', method: 'GET' });
    expect(served(site, 'GET', paths.resource('Customer', 'Jane Doe'))).toBe(2);
    expect(countRequests(site, TOKEN_PATH)).toBe(1); // the one refresh between the two tries
  });

  it('reading a doctype without the role is FrappePermissionError with the decoded messages', async () => {
    const { client } = await signedIn(variant, 'bob');
    const error = await rejectionOf(client.getDoc('Customer', 'Jane Doe'), FrappePermissionError);
    expect(error.status).toBe(403);
    expect(error.excType).toBe('PermissionError');
    expect(error.messages).toContain(
      'User bob@example.com does not have doctype access via role permission for document Customer',
    );
    expect(textOf(error)).not.toMatch(/<\/?b>/);
  });

  it('deleting without delete permission is FrappePermissionError and the document stays', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const error = await rejectionOf(client.deleteDoc('Customer', 'Jane Doe'), FrappePermissionError);
    expect(error).toMatchObject({ status: 403, method: 'DELETE' });
    expect(site.getDocument('Customer', 'Jane Doe')).toBeDefined();
  });

  it('a missing document of an unreadable doctype is masked as 403 from v15 on, 404 before', async () => {
    const { client } = await signedIn(variant, 'bob');
    const promise = client.getDoc('Customer', 'No Such Customer');
    if (variant.profile === 'v14') {
      expect((await rejectionOf(promise, FrappeNotFoundError)).status).toBe(404);
    } else {
      expect((await rejectionOf(promise, FrappePermissionError)).status).toBe(403);
    }
  });

  it('a missing mandatory field is FrappeValidationError (MandatoryError) in plain text', async () => {
    const { site, client } = await signedIn(variant, 'bob');
    const before = site.documentCount('Item');
    const error = await rejectionOf(
      client.insertDoc('Item', { item_code: 'HALF-DONE' }),
      FrappeValidationError,
    );
    expect(error).toMatchObject({ status: 417, excType: 'MandatoryError' });
    expect(error.messages.join('\n')).toContain('Value missing for Item: Item Group');
    expect(error.messages.join('\n')).toContain('Value missing for Item: Default Unit of Measure');
    expect(textOf(error)).not.toContain('<br>');
    expect(site.documentCount('Item')).toBe(before);
  });

  it('a link to a missing document is FrappeValidationError (LinkValidationError)', async () => {
    const { client } = await signedIn(variant, 'admin');
    const error = await rejectionOf(
      client.insertDoc('Sales Order', newSalesOrder('Nobody Ltd.')),
      FrappeValidationError,
    );
    expect(error).toMatchObject({ status: 417, excType: 'LinkValidationError' });
    expect(error.messages).toEqual(['Could not find Customer: Nobody Ltd.']);
  });

  it('inserting the same customer_name twice is FrappeDuplicateEntryError, one document stays', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    await client.insertDoc('Customer', { customer_name: 'Twice Ltd.' });
    const before = site.documentCount('Customer');
    const error = await rejectionOf(
      client.insertDoc('Customer', { customer_name: 'Twice Ltd.' }),
      FrappeDuplicateEntryError,
    );
    expect(error).toMatchObject({ status: 409, excType: 'DuplicateEntryError' });
    expect(error.messages).toEqual(['Customer Twice Ltd. already exists']);
    expect(site.documentCount('Customer')).toBe(before);
  });

  it('updateDoc with a stale modified is FrappeConflictError, also a FrappeValidationError', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const read = await client.getDoc<Doc>('Customer', 'Jane Doe');
    site.updateDocument('Customer', 'Jane Doe', { mobile_no: '+1 555 0199' }); // someone else saves
    const error = await rejectionOf(
      client.updateDoc('Customer', 'Jane Doe', { territory: 'Germany' }, { modified: read.modified }),
      FrappeConflictError,
    );
    expect(error).toBeInstanceOf(FrappeValidationError);
    expect(error).toMatchObject({ status: 417, excType: 'TimestampMismatchError', method: 'PUT' });
    expect(error.messages.join(' ')).toContain('Document has been modified after you have opened it');
    expect(site.getDocument('Customer', 'Jane Doe')).toMatchObject({
      territory: 'Rest Of The World',
      mobile_no: '+1 555 0199',
    });
    // with the fresh value the same update goes through
    const fresh = await client.getDoc<Doc>('Customer', 'Jane Doe');
    await client.updateDoc('Customer', 'Jane Doe', { territory: 'Germany' }, { modified: fresh.modified });
    expect(site.getDocument('Customer', 'Jane Doe')?.territory).toBe('Germany');
  });

  it('a 429 with no retries left is FrappeRateLimitError with Retry-After, nothing written', async () => {
    const { site, client } = await signedIn(variant, 'alice', { retry: { retries: 0 } });
    const before = site.documentCount('Customer');
    site.injectFault(
      paths.resource('Customer'),
      { kind: 'rate-limit', retryAfterSeconds: 7 },
      { method: 'POST' },
    );
    const error = await rejectionOf(
      client.insertDoc('Customer', { customer_name: 'Throttled Ltd.' }),
      FrappeRateLimitError,
    );
    expect(error).toMatchObject({ status: 429, excType: 'TooManyRequestsError', retryAfterSeconds: 7 });
    expect(site.documentCount('Customer')).toBe(before);
  });

  it('a proxy 502 HTML page, still there after the retries, is FrappeServerError without the page', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(paths.resource('Customer'), { kind: 'status', status: 502 }, { times: 4 });
    const error = await rejectionOf(client.getList('Customer'), FrappeServerError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('HTML error page');
    expect(textOf(error)).not.toMatch(/<html|nginx|<center>/i);
    expect(served(site, 'GET', paths.resource('Customer'))).toBe(4); // first try + 3 retries
  });

  it('a dropped connection and a timeout are FrappeNetworkError with their reason', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(paths.resource('Customer'), { kind: 'drop' }, { method: 'POST' });
    const dropped = await rejectionOf(
      client.insertDoc('Customer', { customer_name: 'Dropped Ltd.' }),
      FrappeNetworkError,
    );
    expect(dropped).toMatchObject({ reason: 'connection', status: undefined });

    site.injectFault(paths.resource('Customer'), { kind: 'delay', ms: 2000 }, { method: 'POST' });
    const slow = await rejectionOf(
      client.insertDoc('Customer', { customer_name: 'Slow Ltd.' }, { timeoutMs: 100 }),
      FrappeNetworkError,
    );
    expect(slow.reason).toBe('timeout');
    expect(slow.message).toContain('timed out');
    expect(served(site, 'POST', paths.resource('Customer'))).toBe(2); // neither was repeated
  });

  it('a truncated error body still gives a typed error that does not quote the body', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(paths.resource('Customer', 'Nobody'), { kind: 'truncate' }, { times: 4 });
    // the 404 head arrives, its body is cut: axios reports the response incomplete
    const error = await rejectionOf(client.getDoc('Customer', 'Nobody'), FrappeNetworkError);
    expect(error.message).toContain(`GET ${paths.resource('Customer', 'Nobody')}`);
    expect(textOf(error)).not.toMatch(/DoesNotExistError|not found/);
    expect(served(site, 'GET', paths.resource('Customer', 'Nobody'))).toBe(4); // a GET is retried
  });

  it('a status with no class of its own is a plain FrappeError with that status', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    site.injectFault(paths.resource('Customer', 'Jane Doe'), {
      kind: 'status',
      status: 418,
      body: '{"message": "short and stout"}',
      contentType: 'application/json',
    });
    const error = await rejectionOf(client.getDoc('Customer', 'Jane Doe'), FrappeError);
    expect(error.constructor).toBe(FrappeError);
    expect(error.status).toBe(418);
  });

  it('a second user sees its own permission errors while the first works', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const bob = await otherUser(site, 'bob', apiOf(variant));
    await expect(client.getDoc('Customer', 'Jane Doe')).resolves.toMatchObject({ name: 'Jane Doe' });
    await rejectionOf(bob.updateDoc('Customer', 'Jane Doe', { territory: 'India' }), FrappePermissionError);
    expect(site.getDocument('Customer', 'Jane Doe')?.territory).toBe('Rest Of The World');
  });
});
