import { AuthorizationRequiredError, FrappeInputError } from '../errors';
import type { CallScope } from '../transport/call-scope';
import { hasOpenIdScope, type LifecycleContext } from './lifecycle-context';
import type { FrappeProfile } from './profile-endpoint';
import {
  isTokenResponse,
  readStoredToken,
  type StoredToken,
  storedTokenFrom,
  type TokenResponse,
} from './stored-token';
import type { TokenAnswer } from './token-endpoint';

/**
 * How tokens enter and leave the store on purpose: a fresh grant (callback or password), an
 * import of a token obtained elsewhere, and logout. A grant whose store write fails rejects with
 * TokenStoreError: nothing was lost that signing in again would not give back.
 */
export class TokenIntake {
  constructor(private readonly context: LifecycleContext) {}

  /** Stores a token that just came from the token endpoint, after checking its id_token. */
  async accept(answer: TokenAnswer, nonce: string | undefined, scope: CallScope): Promise<StoredToken> {
    const context = this.context;
    const response = answer.body;
    const claims = response.id_token ? await context.verifyIdToken(response.id_token, nonce) : undefined;
    const token = storedTokenFrom(response, answer.serverTime ?? context.serverNow(), claims?.email, (note) =>
      context.log('warn', note),
    );
    // A verified id_token names the user: the token needs no openid_profile round trip.
    let profile: FrappeProfile | null | undefined = claims ? null : undefined;
    if (!claims && hasOpenIdScope(token)) {
      const result = await context.profile(token.access_token, scope.requestOptions());
      if (result.kind === 'rejected') throw result.error;
      profile = result.profile;
      token.user = result.profile.email;
    }
    await context.deps.store.setToken(context.tokenKey, token, context.storeDeadline(scope));
    context.slot.granted(token, profile);
    context.forgetOfferedUrl();
    context.emit('stored', token);
    if (profile) context.emit('validated', token);
    return token;
  }

  /**
   * Imports a bearer token obtained elsewhere. With `expires_at` it is trusted as stored by another
   * client; without, it is validated now and given a conservative expiry.
   */
  async import(input: unknown, scope: CallScope): Promise<StoredToken> {
    const context = this.context;
    const parsed = typeof input === 'string' ? parseJsonInput(input) : input;
    if (!isTokenResponse(parsed)) {
      throw new FrappeInputError({
        message: 'setToken needs Frappe bearer-token JSON with at least access_token and token_type',
      });
    }
    const given = parsed as TokenResponse & Partial<StoredToken>;
    let token: StoredToken;
    let profile: FrappeProfile | undefined;
    if (typeof given.expires_at === 'number' && Number.isFinite(given.expires_at)) {
      // Trusted as stored by another client: it must then read back as a stored token does.
      const stored = readStoredToken({ ...given });
      if (!stored) {
        throw new FrappeInputError({
          message:
            'setToken was given a stored token with fields of the wrong type (refresh_token, scope, id_token, user)',
        });
      }
      token = stored;
    } else {
      const now = context.serverNow();
      token = storedTokenFrom(given, now, typeof given.user === 'string' ? given.user : undefined, (note) =>
        context.log('warn', note),
      );
      const result = await context.profile(token.access_token, scope.requestOptions());
      if (result.kind === 'valid') {
        const lifetime = Math.min(token.expires_in ?? 3600, context.options.importedTokenLifetimeSeconds);
        token.expires_at = Math.floor(now) + lifetime;
        token.user ??= result.profile.email;
        profile = result.profile;
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
    await context.deps.store.setToken(context.tokenKey, token, context.storeDeadline(scope));
    context.slot.granted(token, profile);
    context.emit('stored', token);
    return token;
  }

  /**
   * Revokes the token at Frappe (the whole pair) — the stored one, and a refreshed pair still
   * waiting to be stored — then deletes it. If the revocation fails the token stays stored, so the
   * caller can try again rather than leave a live pair behind.
   */
  async logout(scope: CallScope): Promise<void> {
    const context = this.context;
    const { store } = context.deps;
    // A refresh still running would write its new pair after the delete: let it finish, then
    // revoke whatever it produced along with the rest.
    await scope.race<unknown>(context.slot.runningRefresh ?? Promise.resolve()).catch(() => undefined);
    const pending = context.slot.pendingWrite?.token;
    const stored = await store
      .getToken(context.tokenKey, context.storeDeadline(scope))
      .catch((error: unknown) => {
        if (pending) return undefined;
        throw error;
      });
    for (const token of [pending, stored]) {
      if (!token || (token === stored && pending?.access_token === stored.access_token)) continue;
      await context.revoke(token.access_token, scope.requestOptions());
      context.emit('revoked', token);
    }
    context.slot.cleared();
    await store.deleteToken(context.tokenKey, context.storeDeadline(scope));
    context.deps.events.emit({ type: 'deleted', tokenKey: context.tokenKey });
  }
}

function parseJsonInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FrappeInputError({ message: 'setToken was given a string that is not JSON' });
  }
}
