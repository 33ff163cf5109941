/**
 * Version profiles of the emulator (frappe-reference.md §12). Every behaviour that differs between
 * Frappe releases is read from one of these switches, never from a profile name compared inline,
 * so a new profile is one more table row.
 */
export type EmulatorProfileName = 'v14' | 'v15' | 'develop';

export interface ProfileSettings {
  readonly name: EmulatorProfileName;
  /** What a failed `Authorization` header does: continue as Guest (v13/early v14) or 401. */
  readonly invalidAuthorization: 'continue-as-guest' | 'authentication-error';
  /** develop adds `WWW-Authenticate: Bearer resource_metadata=…` on every 401/403. */
  readonly wwwAuthenticate: boolean;
  /** develop enforces the client's `token_endpoint_auth_method`; older releases never check secrets. */
  readonly enforceClientAuthentication: boolean;
  /** develop revokes the old token pair after a refresh (PR #40968). */
  readonly refreshRevokesOldPair: boolean;
  /** The resource-owner password grant (removed in develop, PR #42692). */
  readonly passwordGrant: boolean;
  /** develop rejects PKCE `plain` for public clients (inferred, §6.1). */
  readonly plainPkceForPublicClients: boolean;
  /** v14/v15 redirect `/.well-known/openid-configuration` (301); develop serves it directly. */
  readonly discoveryRedirects: boolean;
  /** develop serves the RFC 8414 and RFC 9728 documents. */
  readonly rfc8414Metadata: boolean;
  /** Tracebacks (`exception`, `exc`) in error bodies: always, or only for System Users (develop). */
  readonly tracebacksFor: 'everyone' | 'system-users';
  /** v15+ sets `exc_type` on every v1 error; v13/v14 only on errors raised through frappe.throw. */
  readonly excTypeAlways: boolean;
  /** ≤v15 answer a skipped consent with 302 to `approve?…`; develop redirects straight to the client. */
  readonly authorizeRedirectsViaApprove: boolean;
  /** develop's approve is POST-only, with the session CSRF token. */
  readonly approvePostOnly: boolean;
  /** The 202 delete answer: `{"message": "ok"}` on v13/v14, `{"data": "ok"}` from v15 on. */
  readonly deleteEnvelopeKey: 'message' | 'data';
  /** develop adds `Cache-Control: no-store,…` to every dynamic response. */
  readonly cacheControlNoStore: boolean;
  /** develop rejects an invalid JSON body with DataError (417); older releases fall back to form fields. */
  readonly rejectInvalidJsonBody: boolean;
  /** develop defers CSRF when a cookie session also sends `Authorization` (§9.6). */
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
   * masks it as 403 PermissionError for Guest (who cannot read OAuth Bearer Token / OAuth Client);
   * develop answers a proper OAuth error (400).
   */
  readonly oauthLookupMiss: 'not-found' | 'permission-error' | 'oauth-error';
}

const v15: ProfileSettings = {
  name: 'v15',
  invalidAuthorization: 'authentication-error',
  wwwAuthenticate: false,
  enforceClientAuthentication: false,
  refreshRevokesOldPair: false,
  passwordGrant: true,
  plainPkceForPublicClients: true,
  discoveryRedirects: true,
  rfc8414Metadata: false,
  tracebacksFor: 'everyone',
  excTypeAlways: true,
  authorizeRedirectsViaApprove: true,
  approvePostOnly: false,
  deleteEnvelopeKey: 'data',
  cacheControlNoStore: false,
  rejectInvalidJsonBody: false,
  csrfDeferralForCredentials: false,
  maskNotFoundForUnreadableDoctype: true,
  oauthLookupMiss: 'permission-error',
};

export const PROFILES: Readonly<Record<EmulatorProfileName, ProfileSettings>> = {
  v14: {
    ...v15,
    name: 'v14',
    invalidAuthorization: 'continue-as-guest',
    excTypeAlways: false,
    deleteEnvelopeKey: 'message',
    maskNotFoundForUnreadableDoctype: false,
    oauthLookupMiss: 'not-found',
  },
  v15,
  develop: {
    ...v15,
    name: 'develop',
    wwwAuthenticate: true,
    enforceClientAuthentication: true,
    refreshRevokesOldPair: true,
    passwordGrant: false,
    plainPkceForPublicClients: false,
    discoveryRedirects: false,
    rfc8414Metadata: true,
    tracebacksFor: 'system-users',
    authorizeRedirectsViaApprove: false,
    approvePostOnly: true,
    cacheControlNoStore: true,
    rejectInvalidJsonBody: true,
    csrfDeferralForCredentials: true,
    oauthLookupMiss: 'oauth-error',
  },
};

export function isProfileName(value: unknown): value is EmulatorProfileName {
  return value === 'v14' || value === 'v15' || value === 'develop';
}
