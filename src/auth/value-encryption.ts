import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { FrappeConfigurationError } from '../errors';

/** An AES-256 key: 32 bytes, as a Buffer/Uint8Array or a base64 string of 32 bytes. */
export type EncryptionKey = Uint8Array | string;

/**
 * Encryption at rest of what the token store keeps (tokens and pending authorizations):
 * AES-256-GCM under the key named by `current`; values written under another key id of `keys`
 * are still read, so keys can be rotated without signing anyone out.
 */
export interface EncryptionOptions {
  /** Key id → 32-byte key. Key ids: 1–32 characters of `A-Z a-z 0-9 . _ -`. */
  keys: { [keyId: string]: EncryptionKey };
  /** The key id new writes use; one of `keys`. */
  current: string;
}

/**
 * The stored form of an encrypted value (version 1), a plain JSON object so every Keyv store
 * (memory, Redis, SQL…) keeps it as it keeps any value:
 *
 *     { v: 1, kid: "k2", iv: <base64, 12 bytes>, tag: <base64, 16 bytes>, data: <base64> }
 *
 * `data` is AES-256-GCM of the value's JSON (UTF-8) under the key `kid`, with a random IV per
 * write, and with the additional authenticated data `frappe-oauth-client:v1:<kid>:<store key>`:
 * a value copied under another store key (another user's token key, say) does not open.
 */
export interface SealedValue {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/** What a stored value turned out to be. */
export type OpenedValue =
  /** Not an envelope: a value stored before encryption was switched on (or by something else). */
  | { kind: 'plain'; value: unknown }
  /** Opened; `stale` when it was sealed under a key id other than `current`. */
  | { kind: 'opened'; value: unknown; stale: boolean }
  /** An envelope no configured key opens; `why` is safe to show (no key, no ciphertext). */
  | { kind: 'unopenable'; why: string };

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HOW_TO_MAKE_A_KEY = "e.g. require('node:crypto').randomBytes(32).toString('base64')";

/** Seals and opens store values; built (and its options checked) once per client configuration. */
export class ValueCipher {
  private constructor(
    private readonly keys: ReadonlyMap<string, KeyObject>,
    private readonly current: string,
  ) {}

  /**
   * Checks the `encryption` option; FrappeConfigurationError saying what to fix. Messages name
   * key ids only when they are well-formed (a key id of at most 32 characters cannot hold a whole
   * key pasted in the wrong place), never key material.
   */
  static from(options: unknown): ValueCipher {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new FrappeConfigurationError({
        message: 'encryption must be an object { keys: { [keyId]: key }, current: keyId }',
      });
    }
    const { keys, current } = options as Partial<EncryptionOptions>;
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys) || keys instanceof Uint8Array) {
      throw new FrappeConfigurationError({
        message: `encryption.keys must be an object mapping key ids to 32-byte keys (${HOW_TO_MAKE_A_KEY})`,
      });
    }
    const resolved = new Map<string, KeyObject>();
    for (const [keyId, key] of Object.entries(keys)) {
      if (!KEY_ID.test(keyId)) {
        throw new FrappeConfigurationError({
          message:
            'every key id of encryption.keys must be 1–32 characters of A-Z, a-z, 0-9, ".", "_" or "-" (the id is stored next to each value; keep the key itself as the value)',
        });
      }
      const bytes = keyBytes(key, keyId);
      resolved.set(keyId, createSecretKey(bytes)); // a KeyObject holds its own copy
      bytes.fill(0);
    }
    if (resolved.size === 0) {
      throw new FrappeConfigurationError({
        message: `encryption.keys must hold at least one 32-byte key (${HOW_TO_MAKE_A_KEY})`,
      });
    }
    if (typeof current !== 'string' || !resolved.has(current)) {
      throw new FrappeConfigurationError({
        message: `encryption.current must be the id of one of encryption.keys (${[...resolved.keys()].map((id) => `"${id}"`).join(', ')})`,
      });
    }
    return new ValueCipher(resolved, current);
  }

  /** The envelope of `value` (any JSON value) under the current key, bound to `storeKey`. */
  seal(storeKey: string, value: unknown): SealedValue {
    const kid = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(kid)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(kid, storeKey));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return {
      v: 1,
      kid,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  /** Opens what the store holds under `storeKey`. Never throws. */
  open(storeKey: string, raw: unknown): OpenedValue {
    if (!looksSealed(raw)) return { kind: 'plain', value: raw };
    const envelope = raw as Record<string, unknown>;
    const { v, kid, iv, tag, data } = envelope;
    if (
      v !== 1 ||
      typeof kid !== 'string' ||
      !isBase64(iv, IV_BYTES) ||
      !isBase64(tag, TAG_BYTES) ||
      !isBase64(data)
    ) {
      return { kind: 'unopenable', why: 'it is not a well-formed encrypted value (version 1)' };
    }
    const shownKid = KEY_ID.test(kid) ? `"${kid}"` : 'that is not well-formed';
    const key = this.keys.get(kid);
    if (!key) {
      return {
        kind: 'unopenable',
        why: `it is encrypted with key id ${shownKid}, which encryption.keys does not hold (add that key back to encryption.keys to read it)`,
      };
    }
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(additionalData(kid, storeKey));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return {
        kind: 'unopenable',
        why: `it does not decrypt with the key under id ${shownKid} (another key under that id, a changed value, or a value copied from another store key)`,
      };
    }
    try {
      return { kind: 'opened', value: JSON.parse(plain), stale: kid !== this.current };
    } catch {
      // Authenticated but not JSON: not written by this SDK. The parse error (which would quote the
      // plaintext) is dropped.
      return { kind: 'unopenable', why: 'it decrypts to something that is not JSON' };
    }
  }
}

/**
 * Whether a stored value is (meant to be) an envelope: an object with `v` and `data`. A token or
 * a pending authorization has neither, so a plaintext value is never mistaken for one.
 */
export function looksSealed(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && 'v' in raw && 'data' in raw;
}

/** The key id an envelope names, when it is well-formed enough to show. */
export function sealedKeyId(raw: unknown): string | undefined {
  const kid = looksSealed(raw) ? (raw as Record<string, unknown>).kid : undefined;
  return typeof kid === 'string' && KEY_ID.test(kid) ? kid : undefined;
}

function additionalData(kid: string, storeKey: string): Buffer {
  return Buffer.from(`frappe-oauth-client:v1:${kid}:${storeKey}`, 'utf8');
}

function isBase64(value: unknown, bytes?: number): value is string {
  if (typeof value !== 'string' || !BASE64.test(value)) return false;
  return bytes === undefined || Buffer.byteLength(value, 'base64') === bytes;
}

function keyBytes(key: unknown, keyId: string): Buffer {
  let bytes: Buffer | undefined;
  if (typeof key === 'string') {
    const trimmed = key.trim();
    // base64 or base64url, padded or not
    const normalized = trimmed.replaceAll('-', '+').replaceAll('_', '/');
    const padded = normalized + '='.repeat((4 - (normalized.length % 4)) % 4);
    if (!BASE64.test(padded)) {
      throw new FrappeConfigurationError({
        message: `encryption.keys["${keyId}"] is a string but not base64; give 32 bytes as a Buffer or as base64 (${HOW_TO_MAKE_A_KEY})`,
      });
    }
    bytes = Buffer.from(padded, 'base64');
  } else if (key instanceof Uint8Array) {
    bytes = Buffer.from(key); // a copy: later changes to the caller's buffer do not reach the key
  } else {
    throw new FrappeConfigurationError({
      message: `encryption.keys["${keyId}"] must be 32 bytes, as a Buffer/Uint8Array or a base64 string (${HOW_TO_MAKE_A_KEY})`,
    });
  }
  if (bytes.length !== KEY_BYTES) {
    const length = bytes.length;
    bytes.fill(0);
    throw new FrappeConfigurationError({
      message: `encryption.keys["${keyId}"] is ${length} bytes; AES-256-GCM needs exactly 32 (${HOW_TO_MAKE_A_KEY})`,
    });
  }
  return bytes;
}
