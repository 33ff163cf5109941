import { createHash, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import {
  AuthorizationCallbackError,
  AuthorizationDeniedError,
  FrappeInputError,
  FrappeOAuthError,
} from '../errors';
import { htmlToText } from '../responses/html-to-text';
import type { FrappeEndpoints } from './frappe-endpoints';
import type { PendingAuthorization, TokenStore } from './token-store';

export interface AuthorizationRequestConfig {
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  endpoints: FrappeEndpoints;
  /** openid-client refuses plain http unless told; the client allows it for loopback or on request. */
  allowInsecureHttp: boolean;
  pendingTtlMs: number;
}

/**
 * Ties an authorization to the browser that started it (login-CSRF protection). Without it,
 * `state` is a bearer capability: an attacker could start an authorization as themselves and get
 * a victim's browser to finish it, signing the victim in as the attacker. Pass the same value —
 * derived from the app's session, such as the session id — when the authorization starts and when
 * its callback arrives; a callback whose binding differs is refused before the code is exchanged.
 * The binding is a secret like a session id: only its SHA-256 digest is stored, and it appears in
 * no error, event or log.
 */
export interface AuthorizationBindingOptions {
  binding?: string;
}

/** The code and pending authorization a callback resolved to. */
export interface AcceptedCallback {
  code: string;
  pending: PendingAuthorization;
}

/**
 * The authorization-code flow's browser half: builds the authorize URL (PKCE S256, state, nonce)
 * with openid-client, keeps the verifier/state/nonce in the store so any process can take the
 * callback (with the digest of its binding, when it has one), and checks the callback before the
 * code is exchanged.
 */
export class AuthorizationFlow {
  private readonly configuration: oidc.Configuration;

  constructor(
    private readonly config: AuthorizationRequestConfig,
    private readonly store: TokenStore,
  ) {
    this.configuration = new oidc.Configuration(
      config.endpoints as unknown as oidc.ServerMetadata,
      config.clientId,
      { id_token_signed_response_alg: 'HS256' },
      oidc.None(),
    );
    if (config.allowInsecureHttp) oidc.allowInsecureRequests(this.configuration);
  }

  async buildUrl(
    tokenKey: string,
    extraParams: Record<string, string> = {},
    { binding }: AuthorizationBindingOptions = {},
  ): Promise<string> {
    const bindingDigest = digestOf(checkedBinding(binding));
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const pending: PendingAuthorization = {
      codeVerifier,
      nonce,
      redirectUri: this.config.redirectUri,
      tokenKey,
      createdAt: Date.now(),
    };
    if (bindingDigest !== undefined) pending.bindingDigest = bindingDigest;
    await this.store.setPending(state, pending, this.config.pendingTtlMs);
    const url = oidc.buildAuthorizationUrl(this.configuration, {
      ...extraParams,
      response_type: 'code',
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes.join(' '),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      // Without the method Frappe stores no challenge and silently skips PKCE (reference §6.1).
      code_challenge_method: 'S256',
    });
    // URLSearchParams writes spaces as '+', which oauthlib does not read as a space everywhere;
    // Frappe itself uses %20 (a literal '+' is already %2B here).
    url.search = url.search.replaceAll('+', '%20');
    return url.toString();
  }

  /**
   * Checks a callback URL: Deny (`error=access_denied`, which carries no state on Frappe), other
   * errors, then a state that matches a pending authorization started with the same binding, used
   * once. The pending authorization is read, its binding compared, and only then taken: a callback
   * from the wrong browser leaves it for the right one.
   */
  async accept(
    callbackUrl: string | URL,
    { binding }: AuthorizationBindingOptions = {},
  ): Promise<AcceptedCallback> {
    const bindingDigest = digestOf(checkedBinding(binding));
    let url: URL;
    try {
      url = new URL(String(callbackUrl), this.config.redirectUri);
    } catch {
      throw new AuthorizationCallbackError({ message: 'the callback URL could not be parsed' });
    }
    const params = url.searchParams;
    const error = params.get('error');
    if (error === 'access_denied') {
      const state = params.get('state');
      const pending = state ? await this.store.getPending(state) : undefined;
      if (state && pending) {
        // A Deny from another browser must not cancel this browser's sign-in.
        refuseUnlessBound(pending, bindingDigest);
        await this.store.claimPending(state);
      }
      throw new AuthorizationDeniedError({ message: 'the user denied access at the Frappe consent page' });
    }
    if (error) {
      // The query is anyone's to write: only an error code of RFC 6749's shape names the error in
      // the message, and a description is reduced to plain text.
      const code = /^[a-z][a-z0-9_]{0,63}$/i.test(error) ? error : 'unrecognised_error';
      const description = params.get('error_description');
      throw new FrappeOAuthError({
        message: `the authorization failed: ${code}`,
        error: code,
        errorDescription: description ? htmlToText(description) : undefined,
      });
    }
    const state = params.get('state');
    if (!state) throw new AuthorizationCallbackError({ message: 'the callback carries no state' });
    const pending = await this.store.getPending(state);
    if (!pending) throw noPendingAuthorization();
    refuseUnlessBound(pending, bindingDigest);
    if (!(await this.store.claimPending(state))) throw noPendingAuthorization();
    const code = params.get('code');
    if (!code)
      throw new AuthorizationCallbackError({ message: 'the callback carries no authorization code' });
    return { code, pending };
  }
}

function noPendingAuthorization(): AuthorizationCallbackError {
  return new AuthorizationCallbackError({
    message: 'the callback state matches no pending authorization (expired, already used, or forged)',
  });
}

/** The binding argument, refused before anything is stored or sent when it cannot be one. */
function checkedBinding(binding: unknown): string | undefined {
  if (binding === undefined) return undefined;
  if (typeof binding !== 'string' || binding === '') {
    throw new FrappeInputError({
      message: 'the binding option must be a non-empty string (a value tied to the browser session)',
    });
  }
  return binding;
}

function digestOf(binding: string | undefined): string | undefined {
  return binding === undefined ? undefined : createHash('sha256').update(binding, 'utf8').digest('base64url');
}

/**
 * Refuses a callback whose binding is not the one the authorization was started with, or is
 * present on one side only. The messages name which side lacks a binding, never a value.
 */
function refuseUnlessBound(pending: PendingAuthorization, bindingDigest: string | undefined): void {
  const expected = pending.bindingDigest;
  if (expected === undefined && bindingDigest === undefined) return;
  if (expected === undefined) {
    throw new AuthorizationCallbackError({
      message: 'the callback carries a binding, but its authorization was started without one',
    });
  }
  if (bindingDigest === undefined) {
    throw new AuthorizationCallbackError({
      message:
        'the callback carries no binding, but its authorization was started with one (from another browser?)',
    });
  }
  const stored = Buffer.from(expected, 'base64url');
  const given = Buffer.from(bindingDigest, 'base64url');
  // Both are SHA-256 digests, so equal lengths unless the stored value is damaged.
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) {
    throw new AuthorizationCallbackError({
      message:
        'the callback binding does not match the one its authorization was started with (from another browser?)',
    });
  }
}
