import { TokenStoreError } from '../errors';
import type { CancelSignal } from '../transport/transport';
import { readStoredToken, type StoredToken } from './stored-token';

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
 */
export class TokenStore {
  constructor(
    readonly keyv: KeyvLike,
    private readonly siteKey: string,
    /**
     * The default store is a Map in this process: it answers at once and cannot hang, so its
     * operations skip the deadline machinery (a timer and a race per call on the hot path).
     */
    private readonly inProcess = false,
  ) {}

  tokenKeyFor(tokenKey: string): string {
    return `${PREFIX}:token:${this.siteKey}:${encodeURIComponent(tokenKey)}`;
  }

  /** `timeoutMs` bounds the store's answer (TokenStoreError with reason `timeout` past it). */
  async getToken(tokenKey: string, deadline?: StoreDeadline): Promise<StoredToken | undefined> {
    const raw = await this.call(
      'read the stored token',
      () => this.keyv.get(this.tokenKeyFor(tokenKey)),
      deadline,
    );
    if (raw === undefined || raw === null) return undefined;
    const token = readStoredToken(raw);
    if (!token) {
      throw new TokenStoreError({
        message: `the value stored for token key "${tokenKey}" is not a bearer token; replace it with setToken, handleCallback or loginWithPassword`,
        reason: 'unreadable',
      });
    }
    return token;
  }

  async setToken(tokenKey: string, token: StoredToken, deadline?: StoreDeadline): Promise<void> {
    const ok = await this.call(
      'store the token',
      () => this.keyv.set(this.tokenKeyFor(tokenKey), token),
      deadline,
    );
    if (ok === false)
      throw new TokenStoreError({ message: 'the store refused to save the token', reason: 'failed' });
  }

  async deleteToken(tokenKey: string, deadline?: StoreDeadline): Promise<void> {
    await this.call('delete the stored token', () => this.keyv.delete(this.tokenKeyFor(tokenKey)), deadline);
  }

  async setPending(state: string, pending: PendingAuthorization, ttlMs: number): Promise<void> {
    const ok = await this.call('store the pending authorization', () =>
      this.keyv.set(this.pendingKey(state), pending, ttlMs),
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
    const pending = await this.call('read the pending authorization', () =>
      this.keyv.get(this.pendingKey(state)),
    );
    if (pending === undefined || pending === null) return undefined;
    return isPending(pending) ? pending : undefined;
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
