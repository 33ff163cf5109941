import type { HandlerContext } from '../core/registry';
import type { EmulatorRequest } from '../core/request';
import { EmulatorResponse } from '../core/response';
import type { Site } from '../site';

const ENDPOINTS = {
  authorization_endpoint: '/api/method/frappe.integrations.oauth2.authorize',
  token_endpoint: '/api/method/frappe.integrations.oauth2.get_token',
  userinfo_endpoint: '/api/method/frappe.integrations.oauth2.openid_profile',
  revocation_endpoint: '/api/method/frappe.integrations.oauth2.revoke_token',
  introspection_endpoint: '/api/method/frappe.integrations.oauth2.introspect_token',
} as const;

export const OPENID_CONFIGURATION_METHOD = 'frappe.integrations.oauth2.openid_configuration';

/** The OIDC discovery document (§2.8): built on `get_server_url()`, i.e. the issuer option. */
export function openidConfiguration(site: Site): Record<string, unknown> {
  const base = site.issuer;
  return {
    issuer: base,
    authorization_endpoint: `${base}${ENDPOINTS.authorization_endpoint}`,
    token_endpoint: `${base}${ENDPOINTS.token_endpoint}`,
    userinfo_endpoint: `${base}${ENDPOINTS.userinfo_endpoint}`,
    revocation_endpoint: `${base}${ENDPOINTS.revocation_endpoint}`,
    introspection_endpoint: `${base}${ENDPOINTS.introspection_endpoint}`,
    response_types_supported: [
      'code',
      'token',
      'code id_token',
      'code token id_token',
      'id_token',
      'id_token token',
    ],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['HS256'],
  };
}

/**
 * `/.well-known/openid-configuration`: v14/v15 only know it as a `website_redirects` entry (301
 * to the whitelisted method); develop serves it from the WSGI app directly.
 */
export function wellKnownOpenidConfiguration({ site }: HandlerContext): EmulatorResponse {
  if (site.profile.discoveryRedirects) {
    return EmulatorResponse.redirect(`/api/method/${OPENID_CONFIGURATION_METHOD}`, 301);
  }
  return EmulatorResponse.json(200, openidConfiguration(site));
}

/** `get_resource_url()`: the *request's* scheme and host, not the issuer option (§2.9). */
export function requestOrigin(site: Site, req: EmulatorRequest): string {
  const host = req.header('host');
  return host ? `http://${host}` : site.url;
}

/** RFC 8414 metadata (develop): its issuer is the request origin, so it can disagree with §2.8. */
export function authorizationServerMetadata({ site, req }: HandlerContext): EmulatorResponse {
  const issuer = requestOrigin(site, req);
  const metadata: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${issuer}${ENDPOINTS.authorization_endpoint}`,
    token_endpoint: `${issuer}${ENDPOINTS.token_endpoint}`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
    service_documentation:
      'https://docs.frappe.io/framework/user/en/guides/integration/how_to_set_up_oauth#add-a-client-app',
    revocation_endpoint: `${issuer}${ENDPOINTS.revocation_endpoint}`,
    revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
    introspection_endpoint: `${issuer}${ENDPOINTS.introspection_endpoint}`,
    userinfo_endpoint: `${issuer}${ENDPOINTS.userinfo_endpoint}`,
    code_challenge_methods_supported: ['S256'],
  };
  // Only while OAuth Settings' `enable_dynamic_client_registration` is on.
  if (site.profile.dynamicClientRegistration) {
    metadata.registration_endpoint = `${issuer}/api/method/frappe.integrations.oauth2.register_client`;
  }
  const response = EmulatorResponse.json(200, metadata);
  response.setHeader('access-control-allow-origin', '*');
  return response;
}

/** RFC 9728 metadata (develop), with OAuth Settings' defaults; null-valued keys are dropped. */
export function protectedResourceMetadata({ site, req }: HandlerContext): EmulatorResponse {
  const resource = requestOrigin(site, req);
  return EmulatorResponse.json(200, {
    resource,
    authorization_servers: [resource],
    bearer_methods_supported: ['header'],
    resource_name: 'Frappe Framework Application',
    resource_documentation: 'https://docs.frappe.io/framework',
  });
}
