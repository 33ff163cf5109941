import { EmulatorResponse } from '../core/response';
import type { Site } from '../site';
import { approve, authorize } from './authorize';
import {
  authorizationServerMetadata,
  OPENID_CONFIGURATION_METHOD,
  openidConfiguration,
  protectedResourceMetadata,
  wellKnownOpenidConfiguration,
} from './discovery';
import { introspectToken } from './introspection';
import { REGISTER_CLIENT_METHOD, registerClient } from './registration';
import { revokeToken } from './revocation';
import { getToken } from './token-endpoint';
import { openidProfile } from './userinfo';

const PREFIX = 'frappe.integrations.oauth2.';

/** Installs Frappe's OAuth2/OIDC provider routes (frappe/integrations/oauth2.py). */
export function installOAuth(site: Site): void {
  site.methods.register(`${PREFIX}authorize`, { allowGuest: true, handler: authorize });
  site.methods.register(`${PREFIX}approve`, {
    // develop: `@frappe.whitelist(methods=["POST"])`; older releases take any verb (§12).
    methods: site.profile.approvePostOnly ? ['POST'] : undefined,
    handler: approve,
  });
  // Basic credentials on these two paths authenticate the OAuth client in develop only; older
  // releases treat them as an API key and answer 401 before oauthlib runs (§2.3).
  const basicIsClientAuthentication = (current: Site) => current.profile.enforceClientAuthentication;
  site.methods.register(`${PREFIX}get_token`, {
    allowGuest: true,
    basicIsClientAuthentication,
    handler: getToken,
  });
  site.methods.register(`${PREFIX}revoke_token`, {
    allowGuest: true,
    basicIsClientAuthentication,
    handler: revokeToken,
  });
  site.methods.register(`${PREFIX}introspect_token`, { allowGuest: true, handler: introspectToken });
  // develop lets the call reach oauthlib as Guest, which then reads a body token itself.
  site.methods.register(`${PREFIX}openid_profile`, {
    allowGuest: site.profile.userinfoBodyToken,
    handler: openidProfile,
  });
  if (site.profile.dynamicClientRegistration) {
    // `@frappe.whitelist(allow_guest=True, methods=["POST"])` + `@rate_limit(1, 600)`.
    site.methods.register(REGISTER_CLIENT_METHOD, {
      allowGuest: true,
      methods: ['POST'],
      handler: registerClient,
    });
  }

  site.pages.register('/.well-known/openid-configuration', wellKnownOpenidConfiguration);
  if (site.profile.discoveryRedirects) {
    site.methods.register(OPENID_CONFIGURATION_METHOD, {
      allowGuest: true,
      handler: ({ site: current }) => EmulatorResponse.json(200, openidConfiguration(current)),
    });
  }
  if (site.profile.rfc8414Metadata) {
    site.pages.register('/.well-known/oauth-authorization-server', authorizationServerMetadata);
    site.pages.register('/.well-known/oauth-protected-resource', protectedResourceMetadata);
  }
}
