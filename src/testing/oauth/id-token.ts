import { createHash, createHmac } from 'node:crypto';
import type { Site } from '../site';
import type { EmulatorClient } from '../state/clients';
import { userInfo } from './userinfo';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** `calculate_at_hash`: base64url (no padding) of the left half of SHA-256(access_token). */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'utf8').digest();
  return base64url(digest.subarray(0, digest.length / 2));
}

export interface IdTokenInput {
  client: EmulatorClient;
  user: string;
  accessToken: string;
  expiresIn: number;
  nonce: string | undefined;
}

/**
 * oauthlib's `add_id_token` plus Frappe's `finalize_id_token`: claims aud, iat, nonce, at_hash,
 * then exp and iss, then the userinfo claims merged in; header `{"typ":"jwt","alg":"HS256"}`
 * (lower-case `jwt`), HMAC-SHA256 keyed with the client secret. Public clients have no secret,
 * so their tokens are signed with an empty key: nothing a client could verify, as on Frappe.
 */
export function signIdToken(site: Site, input: IdTokenInput): string {
  const iat = site.clock.nowSeconds();
  const claims: Record<string, unknown> = { aud: input.client.clientId, iat };
  if (input.nonce) claims.nonce = input.nonce;
  claims.at_hash = atHash(input.accessToken);
  claims.exp = iat + input.expiresIn;
  claims.iss = site.issuer;
  Object.assign(claims, userInfo(site, input.user));

  const signingInput = `${base64url(JSON.stringify({ typ: 'jwt', alg: 'HS256' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createHmac('sha256', input.client.clientSecret ?? '')
    .update(signingInput)
    .digest();
  return `${signingInput}.${base64url(signature)}`;
}
