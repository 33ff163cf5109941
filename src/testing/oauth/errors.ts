import { FrappeException } from '../core/exceptions';
import type { Site } from '../site';

/**
 * An oauthlib error as the token and revocation endpoints return it: the RFC 6749 §5.2 body
 * `{error, error_description?}`. Frappe's `get_token` forces the status to 400 whatever oauthlib
 * said (§2.3), so the status lives with the caller, not here.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description = '',
  ) {
    super(description || error);
    this.name = 'OAuthError';
  }

  /** oauthlib's `OAuth2Error.json`: `error_description` only when there is one. */
  body(): Record<string, string> {
    return this.description
      ? { error: this.error, error_description: this.description }
      : { error: this.error };
  }
}

/**
 * A row Frappe's validator loads with `frappe.get_doc` does not exist (unknown or revoked refresh
 * token, unknown client). Before develop that exception escapes oauthlib and becomes an ordinary
 * Frappe error; see `ProfileSettings.oauthLookupMiss` for why v14 and v15 differ.
 */
export function lookupMiss(site: Site, doctype: string, name: string, oauthError: string): Error {
  switch (site.profile.oauthLookupMiss) {
    case 'not-found':
      return new FrappeException('DoesNotExistError', { message: `${doctype} ${name} not found` });
    case 'permission-error':
      return new FrappeException('PermissionError', {
        message: `User <strong>Guest</strong> does not have doctype access via role permission for document <strong>${doctype}</strong>`,
        title: 'Insufficient Permission',
      });
    default:
      return new OAuthError(oauthError);
  }
}

/** oauthlib's `scope_to_list`: strip, then split on single spaces (so doubled spaces give ''). */
export function scopeToList(scope: string): string[] {
  return scope.trim().split(' ');
}
