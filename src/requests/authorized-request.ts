import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { TokenLifecycle } from '../auth/token-lifecycle';
import type { HttpTransport, RequestOptions } from '../transport/http-transport';

/**
 * Sends a request with a valid access token and applies the 401/403 rules once, never in a loop:
 * - 401: use the token another caller already stored, or refresh; retry once.
 * - 403: a permission error, unless the stored expiry passed or an openid_profile probe shows the
 *   token is dead (v13/early v14 answer dead tokens with 403); then refresh and retry once.
 * Whatever the last answer is goes back to the caller, which maps statuses to typed errors.
 */
export async function sendAuthorized(
  lifecycle: TokenLifecycle,
  transport: HttpTransport,
  config: AxiosRequestConfig,
  options: RequestOptions = {},
): Promise<AuthorizedResponse> {
  const token = await lifecycle.getToken(options);
  const response = await transport.send(withBearer(config, token.access_token), options);
  if (response.status === 401) {
    const replacement = await lifecycle.replaceAfterUnauthorized(token, options);
    const retried = await transport.send(withBearer(config, replacement.access_token), options);
    return { response: retried, tokensUsed: [token.access_token, replacement.access_token] };
  }
  if (response.status === 403) {
    const replacement = await lifecycle.replaceAfterForbidden(token, options);
    if (replacement) {
      const retried = await transport.send(withBearer(config, replacement.access_token), options);
      return { response: retried, tokensUsed: [token.access_token, replacement.access_token] };
    }
  }
  return { response, tokensUsed: [token.access_token] };
}

/** The last answer, and the access tokens sent (to be scrubbed from any error built from it). */
export interface AuthorizedResponse {
  response: AxiosResponse<string>;
  tokensUsed: string[];
}

function withBearer(config: AxiosRequestConfig, accessToken: string): AxiosRequestConfig {
  return {
    ...config,
    headers: { ...(config.headers as Record<string, string>), Authorization: `Bearer ${accessToken}` },
  };
}
