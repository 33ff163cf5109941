import { fingerprint } from '../errors';
import type { RequestOptions } from '../transport/http-transport';
import { hasOpenIdScope, LifecycleContext, type LifecycleDeps } from './lifecycle-context';
import type { FrappeProfile } from './profile-endpoint';
import type { StoredToken, TokenResponse } from './stored-token';
import { TokenIntake } from './token-intake';
import { TokenRefresher } from './token-refresher';

export type { LifecycleDeps } from './lifecycle-context';

/** A 403 probe of openid_profile happens at most this often per token. */
const PROBE_INTERVAL_MS = 30_000;

/**
 * The token lifecycle for one stored token: load → validate once → refresh ahead of expiry →
 * authorize when nothing else works. Expiry is judged from the stored `expires_at` in server time,
 * never guessed from a 403 (v13/early v14 answer a dead token with the same 403 as a permission
 * error).
 */
export class TokenLifecycle {
  private readonly context: LifecycleContext;
  private readonly refresher: TokenRefresher;
  private readonly intake: TokenIntake;

  constructor(deps: LifecycleDeps) {
    this.context = new LifecycleContext(deps);
    this.refresher = new TokenRefresher(this.context);
    this.intake = new TokenIntake(this.context);
  }

  getStoredToken(): Promise<StoredToken | undefined> {
    return this.context.deps.store.getToken(this.context.tokenKey);
  }

  /**
   * A token that is valid right now. Before the refresh margin: the stored token (validated once).
   * Inside it: the stored token at once, with one refresh started behind it. Expired: the result
   * of the one refresh in flight.
   */
  async getToken(options: RequestOptions = {}): Promise<StoredToken> {
    const token = await this.load();
    const now = this.context.serverNow();
    if (now >= token.expires_at) return this.refresher.refresh(token, options);
    if (now >= token.expires_at - this.context.options.refreshMarginSeconds) {
      this.refresher.refreshInBackground(token);
    }
    return this.validateOnce(token, options);
  }

  /**
   * After a 401: if another caller already replaced the token, use the stored one; otherwise
   * refresh (once, shared with concurrent callers).
   */
  async replaceAfterUnauthorized(used: StoredToken, options: RequestOptions = {}): Promise<StoredToken> {
    const stored = await this.load();
    if (stored.access_token !== used.access_token && this.context.serverNow() < stored.expires_at)
      return stored;
    return this.refresher.refresh(stored.access_token === used.access_token ? used : stored, options);
  }

  /**
   * After a 403: a dead token (stored expiry passed, or an openid_profile probe — at most one per
   * token per 30 s — rejects it) is refreshed and the new token returned; a live token means the
   * 403 is a real permission error (undefined).
   */
  async replaceAfterForbidden(
    used: StoredToken,
    options: RequestOptions = {},
  ): Promise<StoredToken | undefined> {
    const context = this.context;
    if (context.serverNow() >= used.expires_at) return this.replaceAfterUnauthorized(used, options);
    const print = fingerprint(used.access_token);
    const last = context.shared.lastProbe.get(print);
    if (last !== undefined && context.localNow() - last < PROBE_INTERVAL_MS) return undefined;
    context.shared.lastProbe.set(print, context.localNow());
    const result = await context.profile(used.access_token, options);
    if (result.kind === 'valid') {
      context.shared.validated.set(print, result.profile);
      return undefined;
    }
    return this.replaceAfterUnauthorized(used, options);
  }

  /** openid_profile of the current token (cached per token). */
  async getProfile(options: RequestOptions = {}): Promise<FrappeProfile> {
    const token = await this.getToken(options);
    const print = fingerprint(token.access_token);
    const cached = this.context.shared.validated.get(print);
    if (cached) return cached;
    const result = await this.context.profile(token.access_token, options);
    if (result.kind === 'rejected') throw result.error;
    this.context.shared.validated.set(print, result.profile);
    return result.profile;
  }

  acceptTokenResponse(
    response: TokenResponse,
    tokenKey: string,
    nonce: string | undefined,
    options: RequestOptions = {},
  ): Promise<StoredToken> {
    return this.intake.accept(response, tokenKey, nonce, options);
  }

  importToken(input: unknown, options: RequestOptions = {}): Promise<StoredToken> {
    return this.intake.import(input, options);
  }

  logout(options: RequestOptions = {}): Promise<void> {
    return this.intake.logout(options);
  }

  private async load(): Promise<StoredToken> {
    const context = this.context;
    let token: StoredToken | undefined;
    try {
      token = await this.getStoredToken();
    } catch (error) {
      throw await context.authorizationRequired('the stored token could not be read', error);
    }
    if (!token) throw await context.authorizationRequired('no token is stored for this client and token key');
    const print = fingerprint(token.access_token);
    if (!context.shared.announced.has(print)) {
      context.shared.announced.add(print);
      context.emit('loaded', token);
    }
    return token;
  }

  /** The first use of a loaded token asks openid_profile once; the answer is cached per token. */
  private async validateOnce(token: StoredToken, options: RequestOptions): Promise<StoredToken> {
    const context = this.context;
    const print = fingerprint(token.access_token);
    if (context.shared.validated.has(print)) return token;
    return context.shared.validations.run(print, async () => {
      if (context.shared.validated.has(print)) return token;
      if (!hasOpenIdScope(token)) {
        // Without `openid` the site cannot answer openid_profile; the stored expiry is all we have.
        context.shared.validated.set(print, null);
        return token;
      }
      const result = await context.profile(token.access_token, options);
      if (result.kind === 'rejected') {
        context.log('warn', `stored token ${print} was rejected by openid_profile; refreshing`);
        return this.refresher.refresh(token, options);
      }
      if (token.user !== undefined && token.user !== result.profile.email) {
        throw await context.authorizationRequired(
          'the stored token now belongs to another Frappe user than the one it was pinned to',
        );
      }
      context.shared.validated.set(print, result.profile);
      if (token.user === undefined) await this.pinUser(token, result.profile.email);
      context.emit('validated', { ...token, user: result.profile.email });
      return token;
    });
  }

  /** Writes the pinned user next to the token, unless the store already holds a newer token. */
  private async pinUser(token: StoredToken, user: string): Promise<void> {
    token.user = user;
    const { store } = this.context.deps;
    try {
      const stored = await store.getToken(this.context.tokenKey);
      if (stored?.access_token === token.access_token) {
        await store.setToken(this.context.tokenKey, { ...stored, user });
      }
    } catch {
      this.context.log('warn', 'could not store the pinned user; it will be pinned again next time');
    }
  }
}
