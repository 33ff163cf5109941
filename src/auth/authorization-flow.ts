import * as oidc from 'openid-client';
import { AuthorizationCallbackError, AuthorizationDeniedError, FrappeOAuthError } from '../errors';
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

/** The code and pending authorization a callback resolved to. */
export interface AcceptedCallback {
  code: string;
  pending: PendingAuthorization;
}

/**
 * The authorization-code flow's browser half: builds the authorize URL (PKCE S256, state, nonce)
 * with openid-client, keeps the verifier/state/nonce in the store so any process can take the
 * callback, and checks the callback before the code is exchanged.
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

  async buildUrl(tokenKey: string, extraParams: Record<string, string> = {}): Promise<string> {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    await this.store.setPending(
      state,
      { codeVerifier, nonce, redirectUri: this.config.redirectUri, tokenKey, createdAt: Date.now() },
      this.config.pendingTtlMs,
    );
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
   * errors, then a state that matches a pending authorization, used once.
   */
  async accept(callbackUrl: string | URL): Promise<AcceptedCallback> {
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
      if (state) await this.store.takePending(state);
      throw new AuthorizationDeniedError({ message: 'the user denied access at the Frappe consent page' });
    }
    if (error) {
      throw new FrappeOAuthError({
        message: `the authorization failed: ${error}`,
        error,
        errorDescription: params.get('error_description') ?? undefined,
      });
    }
    const state = params.get('state');
    if (!state) throw new AuthorizationCallbackError({ message: 'the callback carries no state' });
    const pending = await this.store.takePending(state);
    if (!pending) {
      throw new AuthorizationCallbackError({
        message: 'the callback state matches no pending authorization (expired, already used, or forged)',
      });
    }
    const code = params.get('code');
    if (!code)
      throw new AuthorizationCallbackError({ message: 'the callback carries no authorization code' });
    return { code, pending };
  }
}
