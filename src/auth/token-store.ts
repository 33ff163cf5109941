import { TokenStoreError } from '../errors';
import type { CancelSignal } from '../transport/transport';
import { readStoredToken, type StoredToken } from './stored-token';
import { looksSealed, sealedKeyId, type ValueCipher } from './value-encryption';

/**
 * How long a store operation may take: its own `timeoutMs` (TokenStoreError `timeout` past it)
 * and the call's `signal` (whose reason — the call's FrappeNetworkError — ends it first when the
 * call's deadline is the nearer one).
 */
export interface StoreDeadline {
  timeoutMs?: number;
  signal?: CancelSignal;
}

/** What an authorization in progress keeps until its callback arrives (possibly in another process). */
export interface PendingAuthorization {
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  tokenKey: string;
  createdAt: number;
  /**
   * SHA-256 (base64url) of the binding the authorization was started with, when there was one.
   * Only the digest is stored: the binding is a secret like a session id.
   */
  bindingDigest?: string;
}

const PREFIX = 'frappe-oauth-client';

/**
 * The part of Keyv the SDK uses. Typed structurally so that a Keyv from either module format (or
 * a compatible Keyv version) fits, without the dual-package type clash of its class.
 */
export interface KeyvLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttl?: number): Promise<unknown>;
  delete(key: string): Promise<unknown>;
}

/**
 * The token store: a Keyv (memory by default, Redis for many processes). Keys are built from the
 * site, the client and the token key, so one store can hold many sites and users. Store failures
 * and unreadable values become `TokenStoreError`; nothing here deletes a value it cannot read.
 *
 * With a cipher (the `encryption` option), tokens and pending authorizations are stored sealed
 * (see `SealedValue`); checkpoints (`setValue`) are not secret and stay as they are. A value no
 * configured key opens is a TokenStoreError (reason `failed`, see `open`) and is left untouched. A
 * plaintext token (stored before encryption was switched on) or one sealed under an old key id is
 * read, used, and rewritten under the current key — only while the store still holds that very
 * value; a failed rewrite is ignored (the next read tries again). A plaintext pending
 * authorization is read but not rewritten: it is used up within minutes.
 */
export class TokenStore {
  /**
   * Writes and deletes of each token store key made through this store, so that a lazy rewrite
   * never lands after a write this process made meanwhile.
   */
  private readonly writes = new Map<string, number>();

  constructor(
    readonly keyv: KeyvLike,
    private readonly siteKey: string,
    /**
     * The default store is a Map in this process: it answers at once and cannot hang, so its
     * operations skip the deadline machinery (a timer and a race per call on the hot path).
     */
    private readonly inProcess = false,
    /** Seals tokens and pending authorizations at rest; none when `encryption` is not set. */
    private readonly cipher?: ValueCipher,
  ) {}

  tokenKeyFor(tokenKey: string): string {
    return `${PREFIX}:token:${this.siteKey}:${encodeURIComponent(tokenKey)}`;
  }

  /** `timeoutMs` bounds the store's answer (TokenStoreError with reason `timeout` past it). */
  async getToken(tokenKey: string, deadline?: StoreDeadline): Promise<StoredToken | undefined> {
    const storeKey = this.tokenKeyFor(tokenKey);
    const writesBefore = this.writes.get(storeKey) ?? 0;
    const raw = await this.call('read the stored token', () => this.keyv.get(storeKey), deadline);
    if (raw === undefined || raw === null) return undefined;
    const opened = this.open(storeKey, raw, `the value stored for token key "${tokenKey}"`);
    const token = readStoredToken(opened.value);
    if (!token && this.cipher === undefined && looksSealed(raw)) {
      // A configuration matter, like a failing store: not a reason to send the user to sign in
      // again (which would replace the value).
      throw new TokenStoreError({
        message: `the value stored for token key "${tokenKey}" is encrypted${keyIdNote(raw)} but this client has no encryption option; configure the same encryption keys as the process that stored it`,
        reason: 'failed',
      });
    }
    if (!token) {
      throw new TokenStoreError({
        message: `the value stored for token key "${tokenKey}" is not a bearer token; replace it with setToken, handleCallback or loginWithPassword`,
        reason: 'unreadable',
      });
    }
    if (opened.reseal) await this.reseal(storeKey, raw, token, writesBefore, deadline);
    return token;
  }

  async setToken(tokenKey: string, token: StoredToken, deadline?: StoreDeadline): Promise<void> {
    const storeKey = this.tokenKeyFor(tokenKey);
    this.wrote(storeKey);
    const value = this.cipher ? this.cipher.seal(storeKey, token) : token;
    const ok = await this.call('store the token', () => this.keyv.set(storeKey, value), deadline);
    if (ok === false)
      throw new TokenStoreError({ message: 'the store refused to save the token', reason: 'failed' });
  }

  async deleteToken(tokenKey: string, deadline?: StoreDeadline): Promise<void> {
    const storeKey = this.tokenKeyFor(tokenKey);
    this.wrote(storeKey);
    await this.call('delete the stored token', () => this.keyv.delete(storeKey), deadline);
  }

  async setPending(state: string, pending: PendingAuthorization, ttlMs: number): Promise<void> {
    const storeKey = this.pendingKey(state);
    const value = this.cipher ? this.cipher.seal(storeKey, pending) : pending;
    const ok = await this.call('store the pending authorization', () =>
      this.keyv.set(storeKey, value, ttlMs),
    );
    if (ok === false) {
      throw new TokenStoreError({
        message: 'the store refused to save the pending authorization',
        reason: 'failed',
      });
    }
  }

  /**
   * Reads a pending authorization without using it up, so a callback can be checked (its binding)
   * before it spends the state; `claimPending` then takes it.
   */
  async getPending(state: string): Promise<PendingAuthorization | undefined> {
    const storeKey = this.pendingKey(state);
    const raw = await this.call('read the pending authorization', () => this.keyv.get(storeKey));
    if (raw === undefined || raw === null) return undefined;
    const { value } = this.open(storeKey, raw, 'the pending authorization of this state');
    return isPending(value) ? value : undefined;
  }

  /**
   * Deletes a pending authorization; true when this call took it. A state is good for one
   * callback only: when the store reports nothing deleted, another callback (perhaps in another
   * process) took it first, and it is theirs.
   */
  async claimPending(state: string): Promise<boolean> {
    const deleted = await this.call('delete the pending authorization', () =>
      this.keyv.delete(this.pendingKey(state)),
    );
    return deleted !== false;
  }

  /** Arbitrary JSON values under this site's namespace (iteration checkpoints and the like). */
  async getValue<T>(name: string): Promise<T | undefined> {
    return (await this.call('read a stored value', () =>
      this.keyv.get(`${PREFIX}:value:${this.siteKey}:${name}`),
    )) as T | undefined;
  }

  async setValue(name: string, value: unknown): Promise<void> {
    await this.call('store a value', () => this.keyv.set(`${PREFIX}:value:${this.siteKey}:${name}`, value));
  }

  private pendingKey(state: string): string {
    return `${PREFIX}:pending:${this.siteKey}:${state}`;
  }

  /**
   * The value behind a stored one: as it is without a cipher (or when it is plaintext), else
   * opened; `reseal` when it should be rewritten under the current key. A TokenStoreError when no
   * configured key opens it (the message names neither key nor ciphertext), with reason `failed`
   * rather than `unreadable`: the value is most likely fine and the keys are not (a key dropped
   * too early, a process without the new key), so like a failing store it must not send every
   * user to sign in again — which `unreadable` does, and which would replace the value.
   */
  private open(storeKey: string, raw: unknown, what: string): { value: unknown; reseal: boolean } {
    if (!this.cipher) return { value: raw, reseal: false };
    const opened = this.cipher.open(storeKey, raw);
    if (opened.kind === 'plain') return { value: raw, reseal: true };
    if (opened.kind === 'opened') return { value: opened.value, reseal: opened.stale };
    throw new TokenStoreError({
      message: `${what} cannot be read: ${opened.why}; it is left in the store as it is`,
      reason: 'failed',
    });
  }

  /**
   * Rewrites a token read as plaintext (or under an old key id) sealed under the current key,
   * provided the store still holds the very value read and this process wrote nothing there
   * since. Keyv has no compare-and-set: another process may still write between the re-read and
   * this write (a window of one store round trip, once per token). Failures are ignored: the
   * token was read, and the next read tries again.
   */
  private async reseal(
    storeKey: string,
    raw: unknown,
    token: StoredToken,
    writesBefore: number,
    deadline?: StoreDeadline,
  ): Promise<void> {
    try {
      const again = await this.call('re-read the stored token', () => this.keyv.get(storeKey), deadline);
      if (!sameValue(again, raw) || (this.writes.get(storeKey) ?? 0) !== writesBefore) return;
      const sealed = this.cipher!.seal(storeKey, token);
      await this.call('store the token encrypted', () => this.keyv.set(storeKey, sealed), deadline);
    } catch {
      // Left as it was; read again (and rewritten) next time.
    }
  }

  private wrote(storeKey: string): void {
    this.writes.set(storeKey, (this.writes.get(storeKey) ?? 0) + 1);
  }

  private async call<T>(what: string, operation: () => Promise<T>, deadline?: StoreDeadline): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const signal = deadline?.signal;
    try {
      if (signal?.aborted) throw signal.reason;
      const answer = Promise.resolve(operation());
      if (this.inProcess || (deadline?.timeoutMs === undefined && !signal)) return await answer;
      // A store that never answers must not hang the call: give up at the deadline (the operation
      // itself cannot be cancelled through Keyv, so its late answer is ignored).
      answer.catch(() => undefined);
      const late = new Promise<never>((_, reject) => {
        if (deadline?.timeoutMs !== undefined) {
          const ms = deadline.timeoutMs;
          timer = setTimeout(
            () =>
              reject(
                new TokenStoreError({
                  message: `could not ${what}: the store did not answer within ${Math.round(ms)} ms`,
                  reason: 'timeout',
                }),
              ),
            Math.max(0, ms),
          );
          timer.unref();
        }
        if (signal) {
          onAbort = () => reject(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
        }
      });
      return await Promise.race([answer, late]);
    } catch (error) {
      if (error instanceof TokenStoreError || (signal?.aborted && error === signal.reason)) throw error;
      throw new TokenStoreError({
        message: `could not ${what}: the store failed`,
        reason: 'failed',
        cause: error,
      });
    } finally {
      if (timer) clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }
}

function keyIdNote(raw: unknown): string {
  const kid = sealedKeyId(raw);
  return kid === undefined ? '' : ` (key id "${kid}")`;
}

/** The same stored value: the same object (a Map store), or the same JSON (a store that serializes). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

function isPending(value: unknown): value is PendingAuthorization {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.codeVerifier === 'string' &&
    typeof candidate.nonce === 'string' &&
    typeof candidate.redirectUri === 'string' &&
    typeof candidate.tokenKey === 'string' &&
    (candidate.bindingDigest === undefined || typeof candidate.bindingDigest === 'string')
  );
}
