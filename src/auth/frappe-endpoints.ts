/**
 * Frappe's OAuth endpoints are whitelisted methods at fixed paths on every release
 * (frappe/integrations/oauth2.py), so the client needs no discovery to find them.
 */
export const FRAPPE_OAUTH_PATHS = {
  authorize: '/api/method/frappe.integrations.oauth2.authorize',
  token: '/api/method/frappe.integrations.oauth2.get_token',
  userinfo: '/api/method/frappe.integrations.oauth2.openid_profile',
  revocation: '/api/method/frappe.integrations.oauth2.revoke_token',
  introspection: '/api/method/frappe.integrations.oauth2.introspect_token',
  discovery: '/.well-known/openid-configuration',
} as const;

export interface FrappeEndpoints {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  revocation_endpoint: string;
  introspection_endpoint: string;
}

export function endpointsFor(baseUrl: string, issuer: string): FrappeEndpoints {
  return {
    issuer,
    authorization_endpoint: baseUrl + FRAPPE_OAUTH_PATHS.authorize,
    token_endpoint: baseUrl + FRAPPE_OAUTH_PATHS.token,
    userinfo_endpoint: baseUrl + FRAPPE_OAUTH_PATHS.userinfo,
    revocation_endpoint: baseUrl + FRAPPE_OAUTH_PATHS.revocation,
    introspection_endpoint: baseUrl + FRAPPE_OAUTH_PATHS.introspection,
  };
}

/**
 * The largest answer taken from an OAuth endpoint (token, openid_profile, revoke, discovery):
 * a token answer is a few KB, so anything past 1 MiB (decompressed) is a broken or hostile server.
 */
export const OAUTH_MAX_RESPONSE_BYTES = 1024 * 1024;
