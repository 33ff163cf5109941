import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../../src/testing/core/request';
import { authenticateClient } from '../../../src/testing/oauth/client-authentication';
import { OAuthError } from '../../../src/testing/oauth/errors';
import { PROFILES, type ProfileSettings } from '../../../src/testing/profiles';
import { Site } from '../../../src/testing/site';

function siteWith(profile: ProfileSettings): Site {
  return new Site({
    profile,
    tokenLifetimeSeconds: 3600,
    issuer: undefined,
    users: [],
    clients: [
      { clientId: 'post', clientSecret: 'p-secret', redirectUris: [] },
      {
        clientId: 'basic',
        clientSecret: 'b-secret',
        redirectUris: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
      },
      { clientId: 'public', redirectUris: [] },
    ],
    developerMode: false,
    rateLimits: true,
  });
}

function tokenRequest(form: Record<string, string>, basic?: [string, string]) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  const message = { method: 'POST', url: '/api/method/x', headers, socket: {} } as unknown as IncomingMessage;
  return buildRequest(message, Buffer.from(new URLSearchParams(form).toString()), 'http://127.0.0.1');
}

function outcome(site: Site, form: Record<string, string>, basic?: [string, string]): string {
  try {
    return authenticateClient(site, tokenRequest(form, basic)).clientId;
  } catch (error) {
    if (error instanceof OAuthError) return error.error;
    throw error;
  }
}

describe('client authentication once secrets are checked', () => {
  const stated = siteWith({ ...PROFILES.develop, confidentialClientMethods: 'stated' });
  const either = siteWith(PROFILES.develop);

  it('stated (PR #41546 as described): exactly the client’s method', () => {
    expect(outcome(stated, { client_id: 'post', client_secret: 'p-secret' })).toBe('post');
    expect(outcome(stated, {}, ['post', 'p-secret'])).toBe('invalid_client');
    expect(outcome(stated, {}, ['basic', 'b-secret'])).toBe('basic');
    expect(outcome(stated, { client_id: 'basic', client_secret: 'b-secret' })).toBe('invalid_client');
  });

  it('basic-or-post (later develop): either method, never both, never a wrong secret', () => {
    for (const site of [either]) {
      expect(outcome(site, { client_id: 'post', client_secret: 'p-secret' })).toBe('post');
      expect(outcome(site, {}, ['post', 'p-secret'])).toBe('post');
      expect(outcome(site, { client_id: 'basic', client_secret: 'b-secret' })).toBe('basic');
      expect(outcome(site, { client_id: 'basic' }, ['basic', 'b-secret'])).toBe('basic');
      expect(outcome(site, { client_id: 'basic', client_secret: 'b-secret' }, ['basic', 'b-secret'])).toBe(
        'invalid_client',
      );
      expect(outcome(site, { client_id: 'other' }, ['basic', 'b-secret'])).toBe('invalid_client');
      expect(outcome(site, { client_id: 'post', client_secret: 'wrong' })).toBe('invalid_client');
      expect(outcome(site, { client_id: 'post' })).toBe('invalid_client');
    }
  });

  it('public clients identify themselves with client_id alone in both modes', () => {
    for (const site of [stated, either]) {
      expect(outcome(site, { client_id: 'public' })).toBe('public');
      expect(outcome(site, { client_id: 'public', client_secret: 'x' })).toBe('invalid_client');
    }
  });
});
