import {
  AuthorizationDeniedError,
  AuthorizationRequiredError,
  FrappeError,
  FrappePermissionError,
  TokenStoreError,
} from '../errors';
import { CliUsageError } from './usage-error';

/** Exit statuses: 1 a failure, 2 a wrong command line, 3 a sign-in is needed. */
export const EXIT = { failed: 1, usage: 2, signInNeeded: 3 } as const;

/**
 * The one line a failure prints on stderr, and the exit status. Messages come from the SDK's
 * errors, which never hold a token, secret, password or code.
 */
export function describeError(error: unknown, site: string | undefined): { message: string; status: number } {
  const siteFlag = site ? ` --site ${site}` : '';
  if (error instanceof CliUsageError) return { message: error.message, status: EXIT.usage };
  if (error instanceof AuthorizationRequiredError) {
    return {
      message: `${error.message}: sign in again with frappe-oauth login${siteFlag}`,
      status: EXIT.signInNeeded,
    };
  }
  if (error instanceof AuthorizationDeniedError) return { message: error.message, status: EXIT.signInNeeded };
  if (error instanceof TokenStoreError && error.reason === 'failed') {
    return {
      message: `${error.message} (if the token was stored encrypted, give the same --key or $FRAPPE_OAUTH_KEY)`,
      status: EXIT.failed,
    };
  }
  if (error instanceof FrappePermissionError) {
    return { message: `permission denied by the site: ${error.message}`, status: EXIT.failed };
  }
  if (error instanceof FrappeError)
    return { message: `${error.name}: ${error.message}`, status: EXIT.failed };
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { message: `unexpected failure: ${text}`, status: EXIT.failed };
}
