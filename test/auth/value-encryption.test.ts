import { createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  AuthorizationRequiredError,
  FrappeConfigurationError,
  FrappeOAuthClient,
  type FrappeOAuthClientOptions,
  TokenStoreError,
} from '../../src';
import type { StoredToken } from '../../src/auth/stored-token';
import { type KeyvLike, TokenStore } from '../../src/auth/token-store';
import { ValueCipher } from '../../src/auth/value-encryption';
import type { FrappeEmulator } from '../../src/testing';
import {
  advanceTime,
  approveInBrowser,
  authorizeAs,
  CLIENT,
  clientFor,
  countRequests,
  ManualClock,
  startSite,
  TOKEN_PATH,
  USERS,
} from '../helpers/frappe-site';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';

const K1 = randomBytes(32);
const K2 = randomBytes(32).toString('base64'); // the other accepted form
const OTHER_K1 = randomBytes(32); // same id as K1, other material
auditSecret(K1.toString('base64'), K1.toString('hex'), K2, OTHER_K1.toString('base64'));

const ONLY_K1 = { keys: { k1: K1 }, current: 'k1' };
const K1_AND_K2 = { keys: { k1: K1, k2: K2 }, current: 'k2' };
const ONLY_K2 = { keys: { k2: K2 }, current: 'k2' };

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `frappe-oauth-client-enc-test-${randomUUID()}`;
const redisStores: Keyv[] = [];

function redisStore(): Keyv {
  const adapter = new KeyvRedis(REDIS_URL, {
    throwOnConnectError: true,
    throwOnErrors: true,
    connectionTimeout: 500,
  });
  const store = new Keyv({ store: adapter, namespace, useKeyPrefix: false, throwOnErrors: true });
  store.on('error', () => undefined);
  redisStores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(
    redisStores.splice(0).map(async (store) => {
      await store.clear().catch(() => undefined);
      await store.disconnect().catch(() => undefined);
    }),
  );
});

afterAll(() => {
  expectNoSecretsLeaked();
});

// ── looking at what the store really holds ──────────────────────────────────────────────────

/** Every stored key (as the SDK names it) → the raw string the backend holds. */
async function rawDump(store: Keyv): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  if (store.store instanceof Map) {
    for (const [key, value] of store.store as Map<string, unknown>) {
      dump.set(key.replace(/^keyv:/, ''), typeof value === 'string' ? value : JSON.stringify(value));
    }
    return dump;
  }
  const adapter = store.store as KeyvRedis<unknown>;
  const client = (await adapter.getClient()) as unknown as {
    keys(pattern: string): Promise<string[]>;
    get(key: string): Promise<string | null>;
  };
  for (const key of await client.keys(`${namespace}::*`)) {
    dump.set(key.slice(`${namespace}::`.length), (await client.get(key)) ?? '');
  }
  return dump;
}

/** The one stored key of a kind (`token` or `pending`), ending with `suffix` when given. */
async function keyOf(store: Keyv, kind: 'token' | 'pending', suffix = ''): Promise<string> {
  const keys = [...(await rawDump(store)).keys()].filter(
    (key) => key.startsWith(`frappe-oauth-client:${kind}:`) && key.endsWith(suffix),
  );
  expect(keys).toHaveLength(1);
  return keys[0]!;
}

function allRaw(dump: Map<string, string>): string {
  return [...dump.values()].join('\n');
}

interface Envelope {
  v: number;
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/** The envelope under a store key, read through Keyv (as the SDK sees it). */
async function envelopeAt(store: Keyv, key: string): Promise<Envelope> {
  const value = (await store.get(key)) as Envelope;
  expect(Object.keys(value).sort()).toEqual(['data', 'iv', 'kid', 'tag', 'v']);
  expect(value.v).toBe(1);
  return value;
}

/** Opens an envelope by hand, as documented: AES-256-GCM, AAD `frappe-oauth-client:v1:<kid>:<key>`. */
function openByHand(envelope: Envelope, key: Buffer | string, storeKey: string): Record<string, unknown> {
  const decipher = createDecipheriv(
    'aes-256-gcm',
    typeof key === 'string' ? Buffer.from(key, 'base64') : key,
    Buffer.from(envelope.iv, 'base64'),
  );
  decipher.setAAD(Buffer.from(`frappe-oauth-client:v1:${envelope.kid}:${storeKey}`));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
}

function issuedSecrets(site: FrappeEmulator): string[] {
  return site.issuedTokens().flatMap((token) => [token.accessToken, token.refreshToken ?? '']);
}

function expectNoneIn(raw: string, secrets: Array<string | undefined>): void {
  const present = secrets.filter((secret) => secret && secret.length >= 4 && raw.includes(secret));
  expect(present, 'secrets found in the raw store').toEqual([]);
}

function encrypted(
  site: FrappeEmulator,
  store: Keyv,
  encryption: FrappeOAuthClientOptions['encryption'],
  overrides: Partial<FrappeOAuthClientOptions> = {},
): FrappeOAuthClient {
  return clientFor(site, { store, encryption, ...overrides });
}

// ── tests ───────────────────────────────────────────────────────────────────────────────────

describe('encryption at rest: what the store holds', () => {
  it('keeps no token, nonce or PKCE verifier in the raw store (memory), only envelopes', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const client = encrypted(site, store, ONLY_K1);

    const url = new URL(await client.getAuthorizationUrl());
    const nonce = url.searchParams.get('nonce') ?? undefined;
    const pendingKey = await keyOf(store, 'pending');
    const pending = openByHand(await envelopeAt(store, pendingKey), K1, pendingKey);
    const verifier = pending.codeVerifier as string;
    expect(verifier.length).toBeGreaterThan(20);
    expect(pending.nonce).toBe(nonce);
    auditSecret(verifier, nonce);
    expectNoneIn(allRaw(await rawDump(store)), [verifier, nonce]);

    const callback = await approveInBrowser(site, url.toString(), USERS.alice.email);
    const token = await client.handleCallback(callback);
    expect(token.user).toBe(USERS.alice.email);
    const dump = await rawDump(store);
    expectNoneIn(allRaw(dump), [...issuedSecrets(site), token.id_token, verifier, nonce]);
    expect(allRaw(dump)).not.toContain(USERS.alice.email); // the pinned user is inside the envelope too

    const tokenKey = await keyOf(store, 'token');
    const envelope = await envelopeAt(store, tokenKey);
    expect(envelope.kid).toBe('k1');
    expect(Buffer.from(envelope.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope.tag, 'base64')).toHaveLength(16);
    expect(openByHand(envelope, K1, tokenKey).access_token).toBe(token.access_token);
  });

  it('keeps no token in the raw Redis value, and a second process reads it', async () => {
    const site = await startSite('v15');
    const first = encrypted(site, redisStore(), ONLY_K1);
    const token = await authorizeAs(first, site, USERS.alice.email);
    const raw = allRaw(await rawDump(redisStores[0]!));
    expect(raw).toContain('"kid":"k1"');
    expectNoneIn(raw, [...issuedSecrets(site), token.id_token]);

    const second = encrypted(site, redisStore(), ONLY_K1);
    expect(await second.getAccessToken()).toBe(token.access_token);
  });

  it('a fresh IV per write: the same token sealed twice differs', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const client = encrypted(site, store, ONLY_K1);
    const token = await authorizeAs(client, site, USERS.alice.email);
    const key = await keyOf(store, 'token');
    const first = await envelopeAt(store, key);
    await client.setToken(token);
    const second = await envelopeAt(store, key);
    expect(second.iv).not.toBe(first.iv);
    expect(second.data).not.toBe(first.data);
  });
});

describe('encryption at rest: the token lifecycle', () => {
  for (const backend of ['memory', 'redis'] as const) {
    it(`sign-in, expiry, refresh and a REST call, encrypted (${backend})`, async () => {
      const site = await startSite('develop'); // develop revokes the old pair on refresh
      const clock = new ManualClock();
      const store = backend === 'memory' ? new Keyv() : redisStore();
      const client = encrypted(site, store, ONLY_K1, { clock: clock.now });
      const token = await authorizeAs(client, site, USERS.alice.email);
      advanceTime(site, clock, 3700);
      const refreshed = await client.getAccessToken();
      expect(refreshed).not.toBe(token.access_token);
      expect(countRequests(site, TOKEN_PATH)).toBe(2);
      const response = await client.request<{ message: string }>({
        url: '/api/method/frappe.auth.get_logged_user',
      });
      expect(response.data.message).toBe(USERS.alice.email);
      const dump = await rawDump(store);
      expectNoneIn(allRaw(dump), issuedSecrets(site));
      const key = await keyOf(store, 'token');
      expect(openByHand(await envelopeAt(store, key), K1, key).access_token).toBe(refreshed);
      // Another process with the same keys resumes the refreshed pair.
      const other = encrypted(site, backend === 'memory' ? store : redisStore(), ONLY_K1, {
        clock: clock.now,
      });
      expect(await other.getAccessToken()).toBe(refreshed);
    });

    it(`20 concurrent calls after expiry send one token request (${backend})`, async () => {
      const site = await startSite('v15');
      const clock = new ManualClock();
      const store = backend === 'memory' ? new Keyv() : redisStore();
      const client = encrypted(site, store, ONLY_K1, { clock: clock.now });
      const token = await authorizeAs(client, site, USERS.alice.email);
      expect(countRequests(site, TOKEN_PATH)).toBe(1);
      advanceTime(site, clock, 3700);
      const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(token.access_token);
      expect(countRequests(site, TOKEN_PATH)).toBe(2);
      const key = await keyOf(store, 'token');
      expect(openByHand(await envelopeAt(store, key), K1, key).access_token).toBe(tokens[0]);
    });
  }

  it('handles the callback in another process (Redis): the encrypted pending authorization opens there', async () => {
    const site = await startSite('v15');
    const starter = encrypted(site, redisStore(), ONLY_K1);
    const url = await starter.getAuthorizationUrl();
    const finisher = encrypted(site, redisStore(), ONLY_K1);
    const token = await finisher.handleCallback(await approveInBrowser(site, url, USERS.bob.email));
    expect(token.user).toBe(USERS.bob.email);
  });

  it('a pending authorization no key opens is a TokenStoreError and stays for a process that can', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const starter = encrypted(site, store, ONLY_K1);
    const url = await starter.getAuthorizationUrl();
    const callback = await approveInBrowser(site, url, USERS.bob.email);
    const before = await rawDump(store);
    const stranger = encrypted(site, store, ONLY_K2);
    const error = await rejectionOf(stranger.handleCallback(callback), TokenStoreError);
    expect(error.reason).toBe('failed');
    expect(error.message).toContain('"k1"');
    expect(await rawDump(store)).toEqual(before);
    expect(countRequests(site, TOKEN_PATH)).toBe(0);
    // The state was not spent: the process with the key finishes the sign-in.
    expect((await starter.handleCallback(callback)).user).toBe(USERS.bob.email);
  });
});

describe('encryption at rest: key rotation', () => {
  it('reads under an old key id, and writes under current from then on', async () => {
    const site = await startSite('v15');
    const clock = new ManualClock();
    const store = new Keyv();
    const before = encrypted(site, store, ONLY_K1, { clock: clock.now });
    const token = await authorizeAs(before, site, USERS.alice.email);
    const key = await keyOf(store, 'token');
    expect((await envelopeAt(store, key)).kid).toBe('k1');

    const rotated = encrypted(site, store, K1_AND_K2, { clock: clock.now });
    expect(await rotated.getAccessToken()).toBe(token.access_token);
    // Read under k1, rewritten under k2 (lazily, by the read).
    const resealed = await envelopeAt(store, key);
    expect(resealed.kid).toBe('k2');
    expect(openByHand(resealed, K2, key).access_token).toBe(token.access_token);

    advanceTime(site, clock, 3700);
    const refreshed = await rotated.getAccessToken();
    expect(refreshed).not.toBe(token.access_token);
    const written = await envelopeAt(store, key);
    expect(written.kid).toBe('k2');
    expect(openByHand(written, K2, key).access_token).toBe(refreshed);

    // k1 can go now: a client that knows only k2 reads it.
    const after = encrypted(site, store, ONLY_K2, { clock: clock.now });
    expect(await after.getAccessToken()).toBe(refreshed);
  });

  it('a next write under current, even while the old key is still the one read', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const before = encrypted(site, store, ONLY_K1);
    const token = await authorizeAs(before, site, USERS.alice.email);
    const key = await keyOf(store, 'token');
    const rotated = encrypted(site, store, K1_AND_K2);
    await rotated.setToken(token);
    expect((await envelopeAt(store, key)).kid).toBe('k2');
    // The process still on k1 alone cannot read k2 values (why k2 is rolled out before it is current).
    const error = await rejectionOf(before.getStoredToken(), TokenStoreError);
    expect(error.reason).toBe('failed');
  });

  it('after dropping the key a value was written with: TokenStoreError, value untouched, nothing sent', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const before = encrypted(site, store, ONLY_K1);
    await authorizeAs(before, site, USERS.alice.email);
    const requests = site.requests().length;
    const dump = await rawDump(store);

    const dropped = encrypted(site, store, ONLY_K2);
    const error = await rejectionOf(dropped.getAccessToken(), TokenStoreError);
    expect(error.reason).toBe('failed');
    expect(error.message).toContain('key id "k1"');
    expect(error.message).toContain('encryption.keys');
    await rejectionOf(dropped.getStoredToken(), TokenStoreError);
    await rejectionOf(dropped.request({ url: '/api/method/frappe.auth.get_logged_user' }), TokenStoreError);
    expect(await rawDump(store)).toEqual(dump);
    expect(site.requests().length).toBe(requests);
  });
});

describe('encryption at rest: values that do not open', () => {
  it('a wrong key under the right id: TokenStoreError, value untouched, no token request', async () => {
    const site = await startSite('v15');
    const clock = new ManualClock();
    const store = new Keyv();
    await authorizeAs(encrypted(site, store, ONLY_K1, { clock: clock.now }), site, USERS.alice.email);
    const dump = await rawDump(store);
    advanceTime(site, clock, 3700); // expired: a client that misread it as "no token" would refresh
    const wrong = encrypted(site, store, { keys: { k1: OTHER_K1 }, current: 'k1' }, { clock: clock.now });
    const error = await rejectionOf(wrong.getAccessToken(), TokenStoreError);
    expect(error).not.toBeInstanceOf(AuthorizationRequiredError);
    expect(error.reason).toBe('failed');
    expect(error.message).toContain('does not decrypt');
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
    expect(await rawDump(store)).toEqual(dump);
  });

  for (const field of ['data', 'tag', 'iv'] as const) {
    it(`tampered ${field}: TokenStoreError, the tampered value left as it is`, async () => {
      const site = await startSite('v15');
      const store = new Keyv();
      const client = encrypted(site, store, ONLY_K1);
      await authorizeAs(client, site, USERS.alice.email);
      const key = await keyOf(store, 'token');
      const envelope = await envelopeAt(store, key);
      const bytes = Buffer.from(envelope[field], 'base64');
      bytes[bytes.length - 1]! ^= 0x01;
      const tampered = { ...envelope, [field]: bytes.toString('base64') };
      auditSecret(envelope.data, tampered.data);
      await store.set(key, tampered);
      const reader = encrypted(site, store, ONLY_K1);
      const error = await rejectionOf(reader.getStoredToken(), TokenStoreError);
      expect(error.reason).toBe('failed');
      await rejectionOf(reader.getAccessToken(), TokenStoreError);
      expect(await store.get(key)).toEqual(tampered);
    });
  }

  it('a malformed envelope is unreadable, not plaintext', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const client = encrypted(site, store, ONLY_K1);
    await authorizeAs(client, site, USERS.alice.email);
    const key = await keyOf(store, 'token');
    const envelope = await envelopeAt(store, key);
    const future = { ...envelope, v: 2 };
    await store.set(key, future);
    const error = await rejectionOf(encrypted(site, store, ONLY_K1).getStoredToken(), TokenStoreError);
    expect(error.message).toContain('not a well-formed encrypted value');
    expect(await store.get(key)).toEqual(future);
  });

  it("a value moved under another user's store key does not open there", async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const alice = encrypted(site, store, ONLY_K1);
    const aliceToken = await authorizeAs(alice, site, USERS.alice.email);
    const bob = alice.withTokenKey('bob');
    await authorizeAs(bob, site, USERS.bob.email);
    const aliceKey = await keyOf(store, 'token', ':default');
    const bobKey = await keyOf(store, 'token', ':bob');
    // Someone with write access to the store copies alice's envelope over bob's.
    const copied = await envelopeAt(store, aliceKey);
    await store.set(bobKey, copied);
    const fresh = encrypted(site, store, ONLY_K1, { tokenKey: 'bob' });
    const error = await rejectionOf(fresh.getAccessToken(), TokenStoreError);
    expect(error.reason).toBe('failed');
    expect(await store.get(bobKey)).toEqual(copied);
    // Under its own key it still opens.
    expect(await encrypted(site, store, ONLY_K1).getAccessToken()).toBe(aliceToken.access_token);
  });

  it('a client without the encryption option says the value is encrypted', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    await authorizeAs(encrypted(site, store, ONLY_K1), site, USERS.alice.email);
    const dump = await rawDump(store);
    const plain = clientFor(site, { store });
    const error = await rejectionOf(plain.getAccessToken(), TokenStoreError);
    expect(error.reason).toBe('failed');
    expect(error.message).toContain('has no encryption option');
    expect(await rawDump(store)).toEqual(dump);
  });
});

describe('encryption at rest: switching it on over plaintext tokens', () => {
  it('a plaintext token is read, used, and rewritten encrypted', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const token = await authorizeAs(clientFor(site, { store }), site, USERS.alice.email);
    const key = await keyOf(store, 'token');
    expect(allRaw(await rawDump(store))).toContain(token.access_token);

    const client = encrypted(site, store, ONLY_K1);
    expect(await client.getAccessToken()).toBe(token.access_token);
    const response = await client.request<{ message: string }>({
      url: '/api/method/frappe.auth.get_logged_user',
    });
    expect(response.data.message).toBe(USERS.alice.email);
    expectNoneIn(allRaw(await rawDump(store)), issuedSecrets(site));
    const envelope = await envelopeAt(store, key);
    expect(envelope.kid).toBe('k1');
    expect(openByHand(envelope, K1, key)).toMatchObject({
      access_token: token.access_token,
      refresh_token: token.refresh_token,
      user: USERS.alice.email,
    });
  });

  it('rewrites only while the store still holds that plaintext value', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const first = await authorizeAs(clientFor(site, { store }), site, USERS.alice.email);
    const second = await authorizeAs(clientFor(site, { store }), site, USERS.alice.email);
    await clientFor(site, { store }).setToken(first);
    const key = await keyOf(store, 'token');
    // Another process writes `second` (plaintext, an old version of it) right after our read.
    let raced = false;
    const racing: KeyvLike = {
      get: async (name) => {
        const value = await store.get(name);
        if (name === key && !raced) {
          raced = true;
          await store.set(key, second);
        }
        return value;
      },
      set: (name, value, ttl) => store.set(name, value, ttl),
      delete: (name) => store.delete(name),
    };
    const client = encrypted(site, store, ONLY_K1, { store: racing });
    expect((await client.getStoredToken())?.access_token).toBe(first.access_token);
    expect(raced).toBe(true);
    // Not overwritten with the (encrypted) first token: the other process's write stands.
    expect(await store.get(key)).toEqual(second);
    // The next read finds `second` as plaintext and rewrites it.
    expect((await client.getStoredToken())?.access_token).toBe(second.access_token);
    expect(openByHand(await envelopeAt(store, key), K1, key).access_token).toBe(second.access_token);
  });

  it('never rewrites over a write this process made meanwhile', async () => {
    const memory = new Keyv();
    const old: StoredToken = { access_token: 'old-access', token_type: 'Bearer', expires_at: 2e9 };
    const newer: StoredToken = { access_token: 'newer-access', token_type: 'Bearer', expires_at: 2e9 };
    let reads = 0;
    let tokens: TokenStore | undefined;
    const racing: KeyvLike = {
      get: async (name) => {
        const value = await memory.get(name);
        // Between the re-read and the rewrite, this process stores a newer token.
        if (++reads === 2) void tokens!.setToken('default', newer);
        return value;
      },
      set: (name, value, ttl) => memory.set(name, value, ttl),
      delete: (name) => memory.delete(name),
    };
    tokens = new TokenStore(racing, 'site', false, ValueCipher.from(ONLY_K1));
    await memory.set(tokens.tokenKeyFor('default'), old);
    expect((await tokens.getToken('default'))?.access_token).toBe('old-access');
    expect(reads).toBe(2);
    expect((await tokens.getToken('default'))?.access_token).toBe('newer-access');
  });

  it('a failed rewrite is not an error: the token is used, and the next read rewrites it', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const token = await authorizeAs(clientFor(site, { store }), site, USERS.alice.email);
    const key = await keyOf(store, 'token');
    let refuse = true;
    const flaky: KeyvLike = {
      get: (name) => store.get(name),
      set: async (name, value, ttl) => {
        if (refuse) throw new Error('READONLY You cannot write against a read only replica');
        return store.set(name, value, ttl);
      },
      delete: (name) => store.delete(name),
    };
    const client = encrypted(site, store, ONLY_K1, { store: flaky });
    expect(await client.getAccessToken()).toBe(token.access_token);
    expect(await store.get(key)).toEqual(token); // still plaintext
    refuse = false;
    expect(await client.getAccessToken()).toBe(token.access_token);
    expect(openByHand(await envelopeAt(store, key), K1, key).access_token).toBe(token.access_token);
  });

  it('a plaintext pending authorization (started before the switch) still completes', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const url = await clientFor(site, { store }).getAuthorizationUrl();
    const callback = await approveInBrowser(site, url, USERS.bob.email);
    const token = await encrypted(site, store, ONLY_K1).handleCallback(callback);
    expect(token.user).toBe(USERS.bob.email);
    const key = await keyOf(store, 'token');
    expect((await envelopeAt(store, key)).kid).toBe('k1');
  });
});

describe('encryption at rest: options', () => {
  const base = { baseUrl: 'https://erp.example.com', clientId: CLIENT.clientId };
  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', 'k1', /encryption must be an object/],
    ['null', null, /encryption must be an object/],
    ['keys missing', { current: 'k1' }, /encryption\.keys must be an object/],
    ['keys empty', { keys: {}, current: 'k1' }, /at least one 32-byte key/],
    ['a 16-byte key', { keys: { k1: randomBytes(16) }, current: 'k1' }, /"k1"\] is 16 bytes/],
    [
      'base64 of 31 bytes',
      { keys: { k1: randomBytes(31).toString('base64') }, current: 'k1' },
      /is 31 bytes/,
    ],
    ['a hex string', { keys: { k1: randomBytes(32).toString('hex') }, current: 'k1' }, /is 48 bytes/],
    ['not base64', { keys: { k1: 'not base64 at all!' }, current: 'k1' }, /not base64/],
    ['a number', { keys: { k1: 42 }, current: 'k1' }, /must be 32 bytes/],
    ['unknown current', { keys: { k1: K1 }, current: 'k2' }, /encryption\.current must be .*"k1"/],
    ['no current', { keys: { k1: K1 } }, /encryption\.current/],
    ['a key id with a space', { keys: { 'key one': K1 }, current: 'key one' }, /every key id/],
    ['an empty key id', { keys: { '': K1 }, current: '' }, /every key id/],
    ['a key pasted as the id', { keys: { [K2]: K1 }, current: K2 }, /every key id/],
  ];
  for (const [what, encryption, message] of bad) {
    it(`refuses ${what} with FrappeConfigurationError`, () => {
      let caught: unknown;
      try {
        new FrappeOAuthClient({ ...base, encryption } as FrappeOAuthClientOptions);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(FrappeConfigurationError);
      expect((caught as Error).message).toMatch(message);
      const keys = (encryption as { keys?: Record<string, unknown> } | null)?.keys ?? {};
      for (const [id, key] of Object.entries(keys)) {
        const shown = [
          typeof key === 'string' ? key : '',
          Buffer.isBuffer(key) ? key.toString('base64') : '',
        ];
        if (id.length > 32) shown.push(id);
        for (const secret of shown.filter((text) => text.length > 8)) {
          expect((caught as Error).message).not.toContain(secret);
        }
      }
    });
  }

  it('takes Buffer, Uint8Array, base64 and base64url keys', async () => {
    const bytes = randomBytes(32);
    const forms = [bytes, new Uint8Array(bytes), bytes.toString('base64'), bytes.toString('base64url')];
    const site = await startSite('v15');
    const store = new Keyv();
    await authorizeAs(
      encrypted(site, store, { keys: { a: forms[0]! }, current: 'a' }),
      site,
      USERS.alice.email,
    );
    for (const form of forms) {
      const client = encrypted(site, store, { keys: { a: form }, current: 'a' });
      expect((await client.getStoredToken())?.user).toBe(USERS.alice.email);
    }
  });

  it('keeps its own copy of a key: changing the Buffer afterwards changes nothing', async () => {
    const site = await startSite('v15');
    const store = new Keyv();
    const bytes = randomBytes(32);
    const copy = Buffer.from(bytes);
    const client = encrypted(site, store, { keys: { a: bytes }, current: 'a' });
    expect(bytes.equals(copy)).toBe(true); // the caller's buffer is not wiped either
    bytes.fill(0);
    const token = await authorizeAs(client, site, USERS.alice.email);
    const key = await keyOf(store, 'token');
    expect(openByHand(await envelopeAt(store, key), copy, key).access_token).toBe(token.access_token);
  });
});
