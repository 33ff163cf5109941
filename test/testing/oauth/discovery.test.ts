import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { PROFILES, startSite } from './fixtures';

const METHOD = '/api/method/frappe.integrations.oauth2.openid_configuration';

describe.each(PROFILES)('discovery (%s)', (profile) => {
  // v16 shipped what these tests once called develop-only; develop keeps it.
  const v16Plus = profile === 'v16' || profile === 'develop';
  let site: FrappeEmulator;
  beforeAll(async () => {
    site = await startSite(profile, { issuer: 'https://erp.example.com' });
  });
  afterAll(() => site.stop());

  it('serves /.well-known/openid-configuration per profile with the configured issuer', async () => {
    const response = await fetch(`${site.url}/.well-known/openid-configuration`, { redirect: 'manual' });
    let document: Record<string, unknown>;
    if (v16Plus) {
      expect(response.status).toBe(200);
      document = (await response.json()) as Record<string, unknown>;
      expect((await fetch(`${site.url}${METHOD}`)).status).toBe(417);
    } else {
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe(METHOD);
      const followed = await fetch(`${site.url}${METHOD}`);
      expect(followed.status).toBe(200);
      document = (await followed.json()) as Record<string, unknown>;
    }
    expect(document).toEqual({
      issuer: 'https://erp.example.com',
      authorization_endpoint: 'https://erp.example.com/api/method/frappe.integrations.oauth2.authorize',
      token_endpoint: 'https://erp.example.com/api/method/frappe.integrations.oauth2.get_token',
      userinfo_endpoint: 'https://erp.example.com/api/method/frappe.integrations.oauth2.openid_profile',
      revocation_endpoint: 'https://erp.example.com/api/method/frappe.integrations.oauth2.revoke_token',
      introspection_endpoint:
        'https://erp.example.com/api/method/frappe.integrations.oauth2.introspect_token',
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
    });
  });

  it('serves the RFC 8414 and RFC 9728 documents on develop only, built on the request origin', async () => {
    const server = await fetch(`${site.url}/.well-known/oauth-authorization-server`);
    const resource = await fetch(`${site.url}/.well-known/oauth-protected-resource`);
    if (!v16Plus) {
      expect(server.status).toBe(404);
      expect(resource.status).toBe(404);
      return;
    }
    expect(server.status).toBe(200);
    const metadata = (await server.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(site.url);
    expect(metadata.token_endpoint).toBe(`${site.url}/api/method/frappe.integrations.oauth2.get_token`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_basic']);
    expect(server.headers.get('access-control-allow-origin')).toBe('*');
    expect(await resource.json()).toEqual({
      resource: site.url,
      authorization_servers: [site.url],
      bearer_methods_supported: ['header'],
      resource_name: 'Frappe Framework Application',
      resource_documentation: 'https://docs.frappe.io/framework',
    });
  });
});
