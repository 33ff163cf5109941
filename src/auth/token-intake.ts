import { AuthorizationRequiredError, FrappeInputError, fingerprint } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import type { LifecycleContext } from './lifecycle-context';
import { isTokenResponse, type StoredToken, storedTokenFrom, type TokenResponse } from './stored-token';

/**
 * How tokens enter and leave the store on purpose: a fresh grant (callback or password), an
 * import of a token obtained elsewhere, and logout.
 */
export class TokenIntake {
  constructor(private readonly context: LifecycleContext) {}

  /** Stores a token that just came from the token endpoint, after checking its id_token. */
  async accept(
    response: TokenResponse,
    tokenKey: string,
    nonce: string | undefined,
    options: RequestOptions,
  ): Promise<StoredToken> {
    const context = this.context;
    const claims = response.id_token ? await context.verifyIdToken(response.id_token, nonce) : undefined;
    const token = storedTokenFrom(response, context.serverNow(), claims?.email);
    if (claims) {
      // A verified id_token names the user: the token needs no openid_profile round trip.
      context.shared.validated.set(fingerprint(token.access_token), null);
    } else {
      const profile = await context.identify(token, options);
      if (profile) token.user = profile.email;
    }
    const { store } = context.deps;
    await store.setToken(tokenKey, token);
    context.shared.pendingUrls.delete(store.tokenKeyFor(tokenKey));
    context.emit('stored', token);
    return token;
  }

  /**
   * Imports a bearer token obtained elsewhere. With `expires_at` it is trusted as stored by another
   * client; without, it is validated now and given a conservative expiry.
   */
  async import(input: unknown, options: RequestOptions): Promise<StoredToken> {
    const context = this.context;
    const parsed = typeof input === 'string' ? parseJsonInput(input) : input;
    if (!isTokenResponse(parsed)) {
      throw new FrappeInputError({
        message: 'setToken needs Frappe bearer-token JSON with at least access_token and token_type',
      });
    }
    const given = parsed as TokenResponse & Partial<StoredToken>;
    let token: StoredToken;
    if (typeof given.expires_at === 'number' && Number.isFinite(given.expires_at)) {
      token = { ...(given as StoredToken) };
    } else {
      const now = context.serverNow();
      token = storedTokenFrom(given, now, typeof given.user === 'string' ? given.user : undefined);
      const result = await context.profile(token.access_token, options);
      if (result.kind === 'valid') {
        const lifetime = Math.min(token.expires_in ?? 3600, context.options.importedTokenLifetimeSeconds);
        token.expires_at = Math.floor(now) + lifetime;
        token.user ??= result.profile.email;
        context.shared.validated.set(fingerprint(token.access_token), result.profile);
      } else if (token.refresh_token) {
        // Dead already: keep it as expired so the first use refreshes it.
        token.expires_at = Math.floor(now);
      } else {
        throw new AuthorizationRequiredError({
          message: 'the imported token is not accepted by the site and has no refresh token',
          cause: result.error,
          authorizationUrl: await context.authorizationUrlOrUndefined(),
        });
      }
    }
    await context.deps.store.setToken(context.tokenKey, token);
    context.emit('stored', token);
    return token;
  }

  /**
   * Revokes the stored token at Frappe (the whole pair), then deletes it. If the revocation fails
   * the token stays stored, so the caller can try again rather than leave a live pair behind.
   */
  async logout(options: RequestOptions): Promise<void> {
    const context = this.context;
    const { store } = context.deps;
    const token = await store.getToken(context.tokenKey).catch(() => undefined);
    if (token) {
      await context.revoke(token.access_token, options);
      context.emit('revoked', token);
      context.forget(token);
    }
    await store.deleteToken(context.tokenKey);
    context.emitEvent({ type: 'deleted', tokenKey: context.tokenKey });
  }
}

function parseJsonInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FrappeInputError({ message: 'setToken was given a string that is not JSON' });
  }
}
