import pRetry from 'p-retry';
import { AuthorizationCallbackError, FrappeError } from '../errors';
import type { CallScope } from '../transport/call-scope';
import type { IdTokenClaims } from './id-token';
import { hasOpenIdScope, type LifecycleContext } from './lifecycle-context';
import { type StoredToken, storedTokenFrom } from './stored-token';
import { classifyGrantFailure, type TokenAnswer } from './token-endpoint';

/**
 * A refresh that cannot succeed with this pair: the answer belongs to another user, the stored
 * token has no refresh token, or the store no longer holds it. The refresh flight turns it into
 * AuthorizationRequiredError; it never leaves the flight.
 */
export class RefreshRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefreshRefusal';
  }
}

/**
 * The refresh_token grant, with transient failures (network, 5xx, 429) retried with backoff under
 * the refresh's own deadline. Refusals and other failures end it at once.
 */
export function requestRefresh(
  context: LifecycleContext,
  refreshToken: string,
  scope: CallScope,
): Promise<TokenAnswer> {
  const { retries, minDelayMs, maxDelayMs } = context.options.refreshRetry;
  const { tokenEndpoint } = context.deps;
  return pRetry(() => tokenEndpoint.refresh(refreshToken, scope.requestOptions(context.options.timeoutMs)), {
    retries,
    minTimeout: minDelayMs,
    maxTimeout: maxDelayMs,
    randomize: true,
    // Callers waiting for this refresh hold their own ref'd deadline timers; the backoff itself
    // is the SDK's work and must not keep Node alive once nobody waits.
    unref: true,
    signal: scope.signal,
    shouldRetry: ({ error }) => classifyGrantFailure(error) === 'retryable',
    // p-retry picks the randomized wait itself and does not tell it, so the line says why and
    // what is left, not how long.
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft === 0 || classifyGrantFailure(error) !== 'retryable') return;
      const why =
        error instanceof FrappeError && error.status !== undefined
          ? `${error.name} ${error.status}`
          : error.name;
      context.log('info', `refresh: token request failed (${why}); retrying`, {
        event: 'refresh_retry',
        attempt: attemptNumber,
        retriesLeft,
        reason: why,
      });
    },
  });
}

/** The refreshed pair, and whether its user is known for sure (id_token or openid_profile). */
export interface CheckedRefresh {
  fresh: StoredToken;
  verified: boolean;
}

/**
 * The id_token's claims once verified. An id_token that fails its checks is a refusal
 * (AuthorizationCallbackError); an issuer that cannot be discovered right now only means the
 * claims are unknown, and openid_profile is asked instead.
 */
async function verifiedClaims(
  context: LifecycleContext,
  idToken: string,
): Promise<IdTokenClaims | undefined> {
  try {
    return await context.verifyIdToken(idToken, undefined);
  } catch (error) {
    if (error instanceof AuthorizationCallbackError) throw error;
    const name = error instanceof Error ? error.name : 'error';
    context.log('warn', `could not verify the refreshed id_token now (${name}); asking openid_profile`);
    return undefined;
  }
}

/**
 * Builds the stored form of a refresh answer and makes sure it belongs to the same Frappe user.
 * An id_token is verified; without one, openid_profile is asked. If openid_profile cannot answer
 * (network, 5xx) the pair is kept unverified rather than lost: it is checked on first use.
 */
export async function checkRefreshed(
  context: LifecycleContext,
  previous: StoredToken,
  answer: TokenAnswer,
  scope: CallScope,
): Promise<CheckedRefresh> {
  const response = answer.body;
  const claims = response.id_token ? await verifiedClaims(context, response.id_token) : undefined;
  const fresh = storedTokenFrom(response, answer.serverTime ?? context.serverNow(), previous.user, (note) =>
    context.log('warn', note),
  );
  // Frappe always rotates refresh tokens; should a site not, the old one stays valid.
  fresh.refresh_token ??= previous.refresh_token;
  let user = claims?.email;
  let verified = claims !== undefined;
  if (user === undefined && hasOpenIdScope(fresh)) {
    try {
      const result = await context.profile(
        fresh.access_token,
        scope.requestOptions(context.options.timeoutMs),
      );
      if (result.kind === 'valid') {
        user = result.profile.email;
        verified = true;
      }
    } catch (error) {
      // Even past the refresh's deadline the pair is kept: on develop the previous one is revoked.
      const name = error instanceof Error ? error.name : 'error';
      context.log('warn', `could not identify the refreshed token (${name}); it is checked on first use`);
    }
  }
  if (previous.user !== undefined && user !== undefined && user !== previous.user) {
    throw new RefreshRefusal('the refresh returned a token for another Frappe user; it was not stored');
  }
  if (user !== undefined) fresh.user = user;
  return { fresh, verified };
}
