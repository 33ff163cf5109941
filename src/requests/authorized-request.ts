import type { TokenLifecycle } from '../auth/token-lifecycle';
import type { CallObservation } from '../observability/call-observation';
import { fingerprint } from '../redaction/redact';
import type { CallScope } from '../transport/call-scope';
import type { HttpTransport, SendOptions } from '../transport/http-transport';
import type { TransportRequest, TransportResponse } from '../transport/transport';

/**
 * Sends a request with a valid access token and applies the 401/403 rules once, never in a loop:
 * - 401: use the token another caller already stored, or refresh; retry once.
 * - 403: a permission error, unless the stored expiry passed or an openid_profile probe shows the
 *   token is dead (v13/early v14 answer dead tokens with 403); then refresh and retry once.
 * Whatever the last answer is goes back to the caller, which maps statuses to typed errors.
 * Each HTTP request is reported to `call` (its duration, status or failure).
 *
 * A failure to get a token (the lifecycle's own errors, already retried where that made sense) is
 * marked, so the REST retry around this does not run the token's lifecycle again.
 */
export async function sendAuthorized(
  lifecycle: TokenLifecycle,
  transport: HttpTransport,
  config: TransportRequest,
  scope: CallScope,
  call?: CallObservation,
): Promise<AuthorizedResponse> {
  const token = await tokenStep(() => lifecycle.getToken(scope));
  const response = await sent(
    call,
    transport,
    withBearer(config, token.access_token),
    scope.requestOptions(),
  );
  if (response.status === 401) {
    const replacement = await tokenStep(() => lifecycle.replaceAfterUnauthorized(token, scope));
    call?.tokenReplaced(401, fingerprint(token.access_token));
    const retried = await sent(
      call,
      transport,
      withBearer(config, replacement.access_token),
      scope.requestOptions(),
    );
    return { response: retried, tokensUsed: [token.access_token, replacement.access_token] };
  }
  if (response.status === 403) {
    const replacement = await tokenStep(() => lifecycle.replaceAfterForbidden(token, scope));
    if (replacement) {
      call?.tokenReplaced(403, fingerprint(token.access_token));
      const retried = await sent(
        call,
        transport,
        withBearer(config, replacement.access_token),
        scope.requestOptions(),
      );
      return { response: retried, tokensUsed: [token.access_token, replacement.access_token] };
    }
  }
  return { response, tokensUsed: [token.access_token] };
}

/** One HTTP request, timed and reported to the call's observation. */
async function sent(
  call: CallObservation | undefined,
  transport: HttpTransport,
  request: TransportRequest,
  options: SendOptions,
): Promise<TransportResponse> {
  return call ? call.send(transport, request, options) : transport.send(request, options);
}

/** The last answer, and the access tokens sent (to be scrubbed from any error built from it). */
export interface AuthorizedResponse {
  response: TransportResponse;
  tokensUsed: string[];
}

/** A failure of the token lifecycle inside a request: final for this call, never retried by it. */
export class TokenStepFailure extends Error {
  constructor(readonly original: unknown) {
    super('the token step failed');
  }
}

async function tokenStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new TokenStepFailure(error);
  }
}

function withBearer(config: TransportRequest, accessToken: string): TransportRequest {
  return {
    ...config,
    headers: { ...(config.headers as Record<string, string>), Authorization: `Bearer ${accessToken}` },
  };
}
