import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { TokenLifecycle } from '../auth/token-lifecycle';
import type { HttpTransport, RequestOptions } from './transport';

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
): Promise<AxiosResponse<string>> {
  const token = await lifecycle.getToken(options);
  const response = await transport.send(withBearer(config, token.access_token), options);
  if (response.status === 401) {
    const replacement = await lifecycle.replaceAfterUnauthorized(token, options);
    return transport.send(withBearer(config, replacement.access_token), options);
  }
  if (response.status === 403) {
    const replacement = await lifecycle.replaceAfterForbidden(token, options);
    if (replacement) return transport.send(withBearer(config, replacement.access_token), options);
  }
  return response;
}

function withBearer(config: AxiosRequestConfig, accessToken: string): AxiosRequestConfig {
  return {
    ...config,
    headers: { ...(config.headers as Record<string, string>), Authorization: `Bearer ${accessToken}` },
  };
}
