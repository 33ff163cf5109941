import pRetry from 'p-retry';
import { fingerprint } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import { sleep } from '../transport/sleep';
import type { LifecycleContext } from './lifecycle-context';
import { type StoredToken, storedTokenFrom, type TokenResponse } from './stored-token';
import { classifyGrantFailure } from './token-endpoint';

/**
 * Refreshes one stored token: one refresh at a time per token in this process (callers that
 * arrive meanwhile share it), the store re-read first (another caller or process may have
 * refreshed already), transient failures retried with backoff, the new token checked and stored
 * before anyone uses it. A failed refresh never touches the stored refresh token.
 */
export class TokenRefresher {
  constructor(private readonly context: LifecycleContext) {}

  refresh(seen: StoredToken, options: RequestOptions): Promise<StoredToken> {
    const { shared, storeKey } = this.context;
    return shared.refreshes.run(storeKey, () => this.refreshNow(seen, options));
  }

  /** Starts a refresh nobody waits for, unless one runs or a recent one failed (cooldown). */
  refreshInBackground(token: StoredToken): void {
    const { shared, storeKey } = this.context;
    const until = shared.refreshCooldownUntil.get(storeKey) ?? 0;
    if (this.context.localNow() < until || shared.refreshes.isRunning(storeKey)) return;
    this.refresh(token, {}).catch((error: unknown) => {
      const name = error instanceof Error ? error.name : 'error';
      this.context.log('warn', `background refresh failed (${name}); the current token stays in use`);
    });
  }

  private async refreshNow(seen: StoredToken, options: RequestOptions): Promise<StoredToken> {
    const context = this.context;
    const { store, tokenKey, tokenEndpoint } = context.deps;
    let current: StoredToken | undefined;
    try {
      current = await store.getToken(tokenKey);
    } catch (error) {
      throw await context.authorizationRequired('the stored token could not be read', error);
    }
    if (!current) throw await context.authorizationRequired('the stored token was removed');
    const margin = context.options.refreshMarginSeconds;
    if (current.access_token !== seen.access_token && context.serverNow() < current.expires_at - margin) {
      return current;
    }
    const refreshToken = current.refresh_token;
    if (!refreshToken) throw await context.authorizationRequired('the stored token has no refresh token');
    const refreshPrint = fingerprint(refreshToken);
    if (context.shared.refusedRefreshTokens.has(refreshPrint)) {
      throw await context.authorizationRequired('the site already refused this refresh token');
    }

    context.emit('refresh_started', current);
    let response: TokenResponse;
    try {
      const { retries, minTimeoutMs, maxTimeoutMs } = context.options.refreshRetry;
      response = await pRetry(() => tokenEndpoint.refresh(refreshToken, options), {
        retries,
        minTimeout: minTimeoutMs,
        maxTimeout: maxTimeoutMs,
        randomize: true,
        // A background refresh's backoff must not keep Node alive.
        unref: true,
        signal: options.signal,
        shouldRetry: ({ error }) => classifyGrantFailure(error) === 'retryable',
      });
    } catch (error) {
      const replaced =
        classifyGrantFailure(error) === 'refused' ? await this.refreshedElsewhere(current) : undefined;
      if (replaced) return replaced;
      return this.failed(current, refreshPrint, error);
    }

    const fresh = await this.checked(current, response, options);
    // Persisted before anyone uses it: a crash now loses nothing.
    await store.setToken(tokenKey, fresh);
    context.shared.refreshCooldownUntil.delete(context.storeKey);
    context.forget(current);
    context.emit('refreshed', fresh);
    if (context.options.revokeSupersededTokens && current.access_token !== fresh.access_token) {
      const superseded = current.access_token;
      context.revoke(superseded, {}).catch(() => {
        context.log('warn', `could not revoke the superseded token ${fingerprint(superseded)}`);
      });
    }
    return fresh;
  }

  /**
   * A refusal may only mean that another process refreshed first: on develop the winner's refresh
   * revokes the pair the loser presented. Before giving up, look for the winner's token in the
   * store, giving it a moment to be written.
   */
  private async refreshedElsewhere(current: StoredToken): Promise<StoredToken | undefined> {
    const { store, tokenKey } = this.context.deps;
    for (const waitMs of [0, 100, 400]) {
      await sleep(waitMs);
      const stored = await store.getToken(tokenKey).catch(() => undefined);
      if (
        stored &&
        stored.access_token !== current.access_token &&
        this.context.serverNow() < stored.expires_at
      ) {
        this.context.log(
          'info',
          'the refresh token was superseded by a refresh elsewhere; using the stored token',
        );
        return stored;
      }
    }
    return undefined;
  }

  private async failed(current: StoredToken, refreshPrint: string, error: unknown): Promise<never> {
    const context = this.context;
    const kind = classifyGrantFailure(error);
    const summary = error instanceof Error ? { name: error.name, message: error.message } : undefined;
    context.emitEvent({
      ...context.event('refresh_failed', current),
      ...(summary ? { error: summary } : {}),
    });
    if (kind === 'refused') {
      // The stored token stays: only an explicit setToken/handleCallback/login replaces it.
      context.shared.refusedRefreshTokens.add(refreshPrint);
      throw await context.authorizationRequired('the site refused the refresh token', error);
    }
    if (kind === 'retryable') {
      const pauseMs = context.options.refreshCooldownSeconds * 1000;
      context.shared.refreshCooldownUntil.set(context.storeKey, context.localNow() + pauseMs);
    }
    throw error;
  }

  /** Builds the refreshed token and refuses one that belongs to another user. */
  private async checked(
    current: StoredToken,
    response: TokenResponse,
    options: RequestOptions,
  ): Promise<StoredToken> {
    const context = this.context;
    const claims = response.id_token ? await context.verifyIdToken(response.id_token, undefined) : undefined;
    const fresh = storedTokenFrom(response, context.serverNow(), current.user);
    // Frappe always rotates refresh tokens; should a site not, the old one stays valid.
    fresh.refresh_token ??= current.refresh_token;
    let user = claims?.email;
    if (user === undefined) user = (await context.identify(fresh, options))?.email;
    else context.shared.validated.set(fingerprint(fresh.access_token), null);
    if (current.user !== undefined && user !== undefined && user !== current.user) {
      throw await context.authorizationRequired(
        'the refresh returned a token for another Frappe user; it was not stored',
      );
    }
    if (user !== undefined) fresh.user = user;
    return fresh;
  }
}
