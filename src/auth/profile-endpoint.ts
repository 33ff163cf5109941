import { errorFromResponse, type FrappeError } from '../errors';
import { jsonObjectOf } from '../responses/json-object';
import type { HttpTransport, SendOptions } from '../transport/http-transport';
import { OAUTH_MAX_RESPONSE_BYTES } from './frappe-endpoints';

/** The claims Frappe's openid_profile returns (reference §2.6). */
export interface FrappeProfile {
  /** A 39-hex-character id, or null for Administrator. */
  sub: string | null;
  name: string;
  given_name: string;
  family_name: string;
  email: string;
  picture: string | null;
  roles: string[];
  iss: string;
  [claim: string]: unknown;
}

export type ProfileResult =
  | { kind: 'valid'; profile: FrappeProfile }
  /** 401 (v15+) or 403 (v13/early v14, where a dead token runs as Guest): the token is not usable. */
  | { kind: 'rejected'; error: FrappeError };

/**
 * Calls openid_profile with a bearer token: Frappe's cheapest "who am I". Works without `sub`
 * (Administrator has none), which openid-client's userinfo helper would reject. Network errors
 * and 5xx are thrown; 401/403 are reported as a rejected token.
 */
export async function fetchProfile(
  transport: HttpTransport,
  path: string,
  accessToken: string,
  options?: SendOptions,
): Promise<ProfileResult> {
  const response = await transport.send(
    {
      method: 'GET',
      url: path,
      headers: { Authorization: `Bearer ${accessToken}` },
      maxResponseBytes: OAUTH_MAX_RESPONSE_BYTES,
    },
    options,
  );
  if (response.status === 200) {
    const profile = parseProfile(response.data);
    if (profile) return { kind: 'valid', profile };
  }
  const error = errorFromResponse({
    status: response.status,
    headers: response.headers as Record<string, unknown>,
    body: response.data,
    method: 'GET',
    url: path,
    redact: [accessToken],
  });
  if (response.status === 401 || response.status === 403) return { kind: 'rejected', error };
  throw error;
}

function parseProfile(text: unknown): FrappeProfile | undefined {
  const candidate = jsonObjectOf(text);
  if (candidate === undefined) return undefined;
  if (typeof candidate.email !== 'string') return undefined;
  if (candidate.sub !== null && candidate.sub !== undefined && typeof candidate.sub !== 'string')
    return undefined;
  return {
    ...candidate,
    sub: (candidate.sub as string | null | undefined) ?? null,
    roles: Array.isArray(candidate.roles) ? (candidate.roles as string[]) : [],
  } as FrappeProfile;
}
