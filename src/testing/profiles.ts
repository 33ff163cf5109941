/**
 * Version profiles of the emulator (frappe-reference.md §12). Every behaviour that differs between
 * Frappe releases is read from one of these switches, never from a profile name compared inline,
 * so a new profile is one more table row.
 */
export type EmulatorProfileName = 'v14' | 'v15' | 'v16' | 'develop';

/** Every profile name, oldest first (error messages and tests list them from here). */
export const PROFILE_NAMES: readonly EmulatorProfileName[] = ['v14', 'v15', 'v16', 'develop'];

export interface ProfileSettings {
  readonly name: EmulatorProfileName;
  /** What a failed `Authorization` header does: continue as Guest (v13/early v14) or 401. */
  readonly invalidAuthorization: 'continue-as-guest' | 'authentication-error';
  /** v16+ add `WWW-Authenticate: Bearer resource_metadata=…` on every 401/403. */
  readonly wwwAuthenticate: boolean;
  /** develop checks client secrets (PR #41546); v16 and older never check them. */
  readonly enforceClientAuthentication: boolean;
  /**
   * Which secret-bearing methods a confidential client may use once secrets are checked:
   * `stated` = exactly its `token_endpoint_auth_method` (PR #41546 as described); `basic-or-post`
   * = HTTP Basic or the form body, never both (the later develop tests:
   * `test_confidential_client_authentication`, `test_duplicate_or_mismatched_client_authentication`).
   */
  readonly confidentialClientMethods: 'stated' | 'basic-or-post';
  /** develop revokes the old token pair after a refresh (PR #40968). */
  readonly refreshRevokesOldPair: boolean;
  /** The resource-owner password grant (removed in develop, PR #42692). */
  readonly passwordGrant: boolean;
  /** develop rejects PKCE `plain` for public clients (inferred, §6.1). */
  readonly plainPkceForPublicClients: boolean;
  /** develop requires a PKCE challenge from public clients (oauthlib's `is_pkce_required`). */
  readonly pkceRequiredForPublicClients: boolean;
  /** develop refuses a refresh token presented by another client than its own (issue #41534). */
  readonly refreshTokenBoundToClient: boolean;
  /** v14/v15 redirect `/.well-known/openid-configuration` (301); v16+ serve it directly. */
  readonly discoveryRedirects: boolean;
  /** v16+ serve the RFC 8414 and RFC 9728 documents. */
  readonly rfc8414Metadata: boolean;
  /** v16+ have `register_client` (RFC 7591), on by default in OAuth Settings. */
  readonly dynamicClientRegistration: boolean;
  /**
   * Length of a client secret Frappe generates (`OAuthClient.validate`): 10 hex characters, 56+ on
   * develop (`test_generates_strong_client_secret`).
   */
  readonly generatedClientSecretLength: number;
  /**
   * develop's scheduled `delete_unused_dynamic_clients`: registered clients older than 10 minutes
   * that issued no token are deleted (the `runScheduledJobs` control runs it).
   */
  readonly deletesUnusedDynamicClients: boolean;
  /** Tracebacks (`exception`, `exc`) in error bodies: always, or only for System Users (v16+). */
  readonly tracebacksFor: 'everyone' | 'system-users';
  /** v15+ sets `exc_type` on every v1 error; v13/v14 only on errors raised through frappe.throw. */
  readonly excTypeAlways: boolean;
  /** ≤v15 answer a skipped consent with 302 to `approve?…`; v16+ redirect straight to the client. */
  readonly authorizeRedirectsViaApprove: boolean;
  /** v16+: approve is POST-only, with the session CSRF token. */
  readonly approvePostOnly: boolean;
  /**
   * develop: a POST to authorize must be a form (anything else is 415), and a Guest's
   * `/login?redirect-to=` carries the form's parameters, not only the query's.
   */
  readonly authorizeFormPost: boolean;
  /**
   * develop: openid_profile also takes the access token from a form body (`access_token=…`), as
   * oauthlib's resource endpoint does; older releases need the bearer header (general auth).
   */
  readonly userinfoBodyToken: boolean;
  /**
   * develop gives a session its CSRF token at login and refuses an unsafe cookie request that
   * carries no token unless it shows same-origin evidence (`Sec-Fetch-Site`, `Origin`, `Referer`).
   */
  readonly csrfTokenAtLogin: boolean;
  /** A malformed `Authorization` header (not two words): ignored (≤v15) or AuthenticationError. */
  readonly malformedAuthorizationIsError: boolean;
  /** Where the desk lives: `/app` (≤v15) or `/desk` (v16+, `/app` redirects there). */
  readonly deskPath: '/app' | '/desk';
  /** The 202 delete answer: `{"message": "ok"}` on v13/v14, `{"data": "ok"}` from v15 on. */
  readonly deleteEnvelopeKey: 'message' | 'data';
  /**
   * REST API v2 (`/api/v2/...`, `frappe/api/v2.py`, v15+): its routes, `{"data": …}` answers and
   * the `{"errors": [...], "messages": [...]}` error envelope. v14 answers 404 there.
   */
  readonly apiV2: boolean;
  /** v16+ add `Cache-Control: no-store,…` to every dynamic response. */
  readonly cacheControlNoStore: boolean;
  /** v16+ reject an invalid JSON body with DataError (417); older releases fall back to form fields. */
  readonly rejectInvalidJsonBody: boolean;
  /** v16+ defer CSRF when a cookie session also sends `Authorization` (§9.6). */
  readonly csrfDeferralForCredentials: boolean;
  /**
   * A DoesNotExistError on a doctype the user cannot read becomes 403 PermissionError
   * (`handle_does_not_exist_error`, §8.3 end; v15 and later), so missing and forbidden look alike.
   */
  readonly maskNotFoundForUnreadableDoctype: boolean;
  /**
   * What a failed row lookup inside Frappe's OAuth validator becomes (unknown/revoked refresh
   * token, unknown client_id at the token endpoint, §2.3): ≤v15 load the row with `frappe.get_doc`,
   * which throws DoesNotExistError (404) past oauthlib; v15's `handle_does_not_exist_error` then
   * masks it as 403 PermissionError for Guest (who cannot read OAuth Bearer Token / OAuth Client).
   * v16 and develop still do not catch it in `validate_refresh_token` (403); `oauth-error` (400)
   * is what a validator that caught it would answer.
   */
  readonly oauthLookupMiss: 'not-found' | 'permission-error' | 'oauth-error';
}

const v15: ProfileSettings = {
  name: 'v15',
  invalidAuthorization: 'authentication-error',
  wwwAuthenticate: false,
  enforceClientAuthentication: false,
  confidentialClientMethods: 'stated',
  refreshRevokesOldPair: false,
  passwordGrant: true,
  plainPkceForPublicClients: true,
  pkceRequiredForPublicClients: false,
  refreshTokenBoundToClient: false,
  discoveryRedirects: true,
  rfc8414Metadata: false,
  dynamicClientRegistration: false,
  generatedClientSecretLength: 10,
  deletesUnusedDynamicClients: false,
  tracebacksFor: 'everyone',
  excTypeAlways: true,
  authorizeRedirectsViaApprove: true,
  approvePostOnly: false,
  authorizeFormPost: false,
  userinfoBodyToken: false,
  csrfTokenAtLogin: false,
  malformedAuthorizationIsError: false,
  deskPath: '/app',
  deleteEnvelopeKey: 'data',
  apiV2: true,
  cacheControlNoStore: false,
  rejectInvalidJsonBody: false,
  csrfDeferralForCredentials: false,
  maskNotFoundForUnreadableDoctype: true,
  oauthLookupMiss: 'permission-error',
};

/**
 * Frappe v16 (January 2026): the OAuth Settings doctype with RFC 8414 / RFC 9728 metadata and
 * dynamic client registration, `WWW-Authenticate` on 401/403, approve POST-only, no tracebacks
 * for Guest, the desk at `/desk`. Client secrets are still unchecked and the password grant is
 * still there: those changed on develop afterwards.
 */
const v16: ProfileSettings = {
  ...v15,
  name: 'v16',
  wwwAuthenticate: true,
  discoveryRedirects: false,
  rfc8414Metadata: true,
  dynamicClientRegistration: true,
  tracebacksFor: 'system-users',
  authorizeRedirectsViaApprove: false,
  approvePostOnly: true,
  cacheControlNoStore: true,
  rejectInvalidJsonBody: true,
  csrfDeferralForCredentials: true,
  malformedAuthorizationIsError: true,
  deskPath: '/desk',
};

export const PROFILES: Readonly<Record<EmulatorProfileName, ProfileSettings>> = {
  v14: {
    ...v15,
    name: 'v14',
    invalidAuthorization: 'continue-as-guest',
    excTypeAlways: false,
    deleteEnvelopeKey: 'message',
    apiV2: false,
    maskNotFoundForUnreadableDoctype: false,
    oauthLookupMiss: 'not-found',
  },
  v15,
  v16,
  develop: {
    ...v16,
    name: 'develop',
    enforceClientAuthentication: true,
    confidentialClientMethods: 'basic-or-post',
    refreshRevokesOldPair: true,
    passwordGrant: false,
    plainPkceForPublicClients: false,
    pkceRequiredForPublicClients: true,
    refreshTokenBoundToClient: true,
    generatedClientSecretLength: 56,
    deletesUnusedDynamicClients: true,
    authorizeFormPost: true,
    userinfoBodyToken: true,
    csrfTokenAtLogin: true,
  },
};

export function isProfileName(value: unknown): value is EmulatorProfileName {
  return typeof value === 'string' && (PROFILE_NAMES as readonly string[]).includes(value);
}
