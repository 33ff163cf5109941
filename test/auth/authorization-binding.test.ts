import { createHash, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuthorizationCallbackError,
  AuthorizationDeniedError,
  FrappeInputError,
  type FrappeOAuthClient,
  FrappeOAuthError,
  type StoredToken,
} from '../../src';
import type { FrappeEmulator } from '../../src/testing';
import {
  approveInBrowser,
  clientFor,
  countRequests,
  PROFILES,
  REDIRECT_URI,
  startSite,
  TOKEN_PATH,
  USERS,
} from '../helpers/frappe-site';
import { auditError, auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

/** A session-id-like binding, registered with the leak scan. */
function newBinding(label: string): string {
  const binding = `${label}-session-${randomUUID()}`;
  auditSecret(binding);
  return binding;
}

/** A client over a Keyv whose raw Map the test can read. */
function clientWithVisibleStore(site: FrappeEmulator): {
  client: FrappeOAuthClient;
  map: Map<string, unknown>;
} {
  const map = new Map<string, unknown>();
  const client = clientFor(site, { store: new Keyv({ store: map }) });
  return { client, map };
}

/** The raw (serialized) pending-authorization entries in the store. */
function pendingEntries(map: Map<string, unknown>): string[] {
  return [...map.entries()]
    .filter(([key]) => key.includes(':pending:'))
    .map(([, value]) => (typeof value === 'string' ? value : JSON.stringify(value)));
}

/** Starts an authorization (with or without a binding) and lets alice approve it. */
async function startAndApprove(
  client: FrappeOAuthClient,
  site: FrappeEmulator,
  binding?: string,
): Promise<string> {
  const url = await client.getAuthorizationUrl(binding === undefined ? undefined : { binding });
  return approveInBrowser(site, url, USERS.alice.email);
}

async function settle(promise: Promise<StoredToken>): Promise<PromiseSettledResult<StoredToken>> {
  const [result] = await Promise.allSettled([promise]);
  if (result.status === 'rejected') auditError(result.reason);
  return result;
}

describe.each(PROFILES)('authorization binding on %s', (profile) => {
  it('completes a callback that carries the binding the authorization started with', async () => {
    const site = await startSite(profile);
    const { client } = clientWithVisibleStore(site);
    const binding = newBinding('alice');
    const callback = await startAndApprove(client, site, binding);
    const token = await client.handleCallback(callback, { binding });
    expect(token.user).toBe(USERS.alice.email);
    expect((await client.getStoredToken())?.access_token).toBe(token.access_token);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
  });

  it('refuses a mismatching binding before any code exchange, and leaves the authorization for the right browser', async () => {
    const site = await startSite(profile);
    const { client, map } = clientWithVisibleStore(site);
    const victim = newBinding('victim');
    const attacker = newBinding('attacker');
    const callback = await startAndApprove(client, site, attacker);

    const error = await rejectionOf(
      client.handleCallback(callback, { binding: victim }),
      AuthorizationCallbackError,
    );
    expect(error.message).toMatch(/binding/);
    expect(countRequests(site, TOKEN_PATH)).toBe(0);
    expect(await client.getStoredToken()).toBeUndefined();
    expect(pendingEntries(map)).toHaveLength(1);

    const token = await client.handleCallback(callback, { binding: attacker });
    expect(token.user).toBe(USERS.alice.email);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    expect(pendingEntries(map)).toHaveLength(0);
  });

  it('refuses a callback without a binding when the authorization was started with one', async () => {
    const site = await startSite(profile);
    const { client } = clientWithVisibleStore(site);
    const binding = newBinding('started');
    const callback = await startAndApprove(client, site, binding);

    const error = await rejectionOf(client.handleCallback(callback), AuthorizationCallbackError);
    expect(error.message).toMatch(/no binding/);
    await rejectionOf(client.handleCallback(callback, {}), AuthorizationCallbackError);
    expect(countRequests(site, TOKEN_PATH)).toBe(0);

    expect((await client.handleCallback(callback, { binding })).user).toBe(USERS.alice.email);
  });

  it('refuses a callback with a binding when the authorization was started without one', async () => {
    const site = await startSite(profile);
    const { client } = clientWithVisibleStore(site);
    const callback = await startAndApprove(client, site);

    const error = await rejectionOf(
      client.handleCallback(callback, { binding: newBinding('late') }),
      AuthorizationCallbackError,
    );
    expect(error.message).toMatch(/started without one/);
    expect(countRequests(site, TOKEN_PATH)).toBe(0);

    expect((await client.handleCallback(callback)).user).toBe(USERS.alice.email);
  });

  it('works as before with no binding on either side, and stores no digest', async () => {
    const site = await startSite(profile);
    const { client, map } = clientWithVisibleStore(site);
    const url = await client.getAuthorizationUrl();
    const [entry] = pendingEntries(map);
    expect(entry).toBeDefined();
    expect(entry).not.toContain('bindingDigest');
    const callback = await approveInBrowser(site, url, USERS.alice.email);
    expect((await client.handleCallback(callback)).user).toBe(USERS.alice.email);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
  });

  it('lets exactly one of many concurrent callbacks for one state through', async () => {
    const site = await startSite(profile);
    const { client } = clientWithVisibleStore(site);
    const binding = newBinding('racer');
    const intruder = newBinding('intruder');
    const callback = await startAndApprove(client, site, binding);

    const right = Array.from({ length: 8 }, () => settle(client.handleCallback(callback, { binding })));
    const wrong = Array.from({ length: 4 }, () =>
      settle(client.handleCallback(callback, { binding: intruder })),
    );
    const rightResults = await Promise.all(right);
    const wrongResults = await Promise.all(wrong);

    const succeeded = rightResults.filter((result) => result.status === 'fulfilled');
    expect(succeeded).toHaveLength(1);
    for (const result of [...rightResults, ...wrongResults]) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(AuthorizationCallbackError);
    }
    expect(wrongResults.every((result) => result.status === 'rejected')).toBe(true);
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    // used once: the state is spent for everyone now
    await rejectionOf(client.handleCallback(callback, { binding }), AuthorizationCallbackError);
  });

  it('keeps the binding out of errors and the store, which holds only its SHA-256 digest', async () => {
    const site = await startSite(profile);
    const { client, map } = clientWithVisibleStore(site);
    const binding = newBinding('secret');
    const other = newBinding('other');
    const callback = await startAndApprove(client, site, binding);

    const entries = pendingEntries(map);
    expect(entries).toHaveLength(1);
    const everything = JSON.stringify([...map.entries()]);
    expect(everything).not.toContain(binding);
    const stored = JSON.parse(entries[0] ?? '{}') as { value?: Record<string, unknown> };
    expect(stored.value?.bindingDigest).toBe(createHash('sha256').update(binding).digest('base64url'));

    for (const given of [{ binding: other }, {}]) {
      const error = await rejectionOf(client.handleCallback(callback, given), AuthorizationCallbackError);
      for (const rendering of [
        error.message,
        String(error.stack),
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
      ]) {
        expect(rendering).not.toContain(binding);
        expect(rendering).not.toContain(other);
      }
    }
    await client.handleCallback(callback, { binding });
    expect(JSON.stringify([...map.entries()])).not.toContain(binding);
  });

  it('does not let a Deny from another browser cancel the authorization', async () => {
    const site = await startSite(profile);
    const { client, map } = clientWithVisibleStore(site);
    const binding = newBinding('denier');
    const callback = await startAndApprove(client, site, binding);
    const deny = new URL(REDIRECT_URI);
    deny.searchParams.set('error', 'access_denied');
    deny.searchParams.set('state', new URL(callback).searchParams.get('state') ?? '');

    await rejectionOf(
      client.handleCallback(deny, { binding: newBinding('elsewhere') }),
      AuthorizationCallbackError,
    );
    expect(pendingEntries(map)).toHaveLength(1);
    await rejectionOf(client.handleCallback(deny, { binding }), AuthorizationDeniedError);
    expect(pendingEntries(map)).toHaveLength(0);
    await rejectionOf(client.handleCallback(callback, { binding }), AuthorizationCallbackError);
    expect(countRequests(site, TOKEN_PATH)).toBe(0);
  });

  it.each([
    ['a number', 42],
    ['an empty string', ''],
    ['null', null],
    ['an object', { id: 'session' }],
  ])(
    'rejects %s as binding with FrappeInputError, before anything is stored or sent',
    async (_label, value) => {
      const site = await startSite(profile);
      const { client, map } = clientWithVisibleStore(site);
      const bad = { binding: value } as unknown as { binding: string };

      const atStart = await rejectionOf(client.getAuthorizationUrl(bad), FrappeInputError);
      expect(atStart.message).toMatch(/binding/);
      expect(pendingEntries(map)).toHaveLength(0);

      const binding = newBinding('valid');
      const callback = await startAndApprove(client, site, binding);
      const atCallback = await rejectionOf(client.handleCallback(callback, bad), FrappeInputError);
      expect(atCallback.message).toMatch(/binding/);
      expect(countRequests(site, TOKEN_PATH)).toBe(0);
      expect(pendingEntries(map)).toHaveLength(1);
      expect((await client.handleCallback(callback, { binding })).user).toBe(USERS.alice.email);
    },
  );

  it('rejects a bare string where the options object belongs', async () => {
    const site = await startSite(profile);
    const { client, map } = clientWithVisibleStore(site);
    const binding = newBinding('bare');
    await rejectionOf(client.getAuthorizationUrl(binding as never), FrappeInputError);
    expect(pendingEntries(map)).toHaveLength(0);
    const callback = await startAndApprove(client, site, binding);
    await rejectionOf(client.handleCallback(callback, binding as never), FrappeInputError);
    expect(countRequests(site, TOKEN_PATH)).toBe(0);
  });
});

describe('a callback error from the query', () => {
  it('keeps markup out of the message and reduces the description to plain text', async () => {
    const site = await startSite('v15');
    const client = clientFor(site);
    const markup = await rejectionOf(
      client.handleCallback(
        `${REDIRECT_URI}?error=%3Cimg%20src%3Dx%3E&error_description=%3Cb%3Ebad%3C%2Fb%3E%3Cscript%3Ex()%3C%2Fscript%3E`,
      ),
      FrappeOAuthError,
    );
    expect(markup.message).not.toMatch(/[<>]/);
    expect(markup.error).toBe('unrecognised_error');
    expect(markup.errorDescription).toBe('bad');
    const plain = await rejectionOf(
      client.handleCallback(`${REDIRECT_URI}?error=server_error`),
      FrappeOAuthError,
    );
    expect(plain.message).toContain('server_error');
  });
});
