import { FrappeEmulator, type FrappeEmulatorOptions } from '../../../src/testing/index';

export const PROFILES = ['v14', 'v15', 'v16', 'develop'] as const;
export type Profile = (typeof PROFILES)[number];

export const CALLBACK = 'http://127.0.0.1:8765/callback';
export const ALICE = { email: 'alice@example.com', password: 'alice-pass' };

/** A site with the clients the OAuth tests share. */
export function startSite(
  profile: Profile,
  extra: Partial<FrappeEmulatorOptions> = {},
): Promise<FrappeEmulator> {
  return FrappeEmulator.start({
    profile,
    port: 0,
    users: [
      {
        email: ALICE.email,
        password: ALICE.password,
        roles: ['Sales User'],
        firstName: 'Alice',
        lastName: 'Smith',
        userImage: '/files/alice.png',
      },
      { email: 'bob@example.com', password: 'bob-pass', roles: ['Stock User'] },
    ],
    clients: [
      {
        clientId: 'shop',
        clientSecret: 'shop-secret',
        scopes: ['all', 'openid'],
        redirectUris: [CALLBACK, 'http://127.0.0.1:8765/other?x=1'],
        skipAuthorization: true,
      },
      {
        clientId: 'consent',
        clientSecret: 'consent-secret',
        appName: 'Consent App',
        redirectUris: [CALLBACK],
      },
      {
        clientId: 'no-openid',
        clientSecret: 'no-openid-secret',
        scopes: ['all'],
        redirectUris: [CALLBACK],
        skipAuthorization: true,
      },
      { clientId: 'public', redirectUris: [CALLBACK], skipAuthorization: true },
      {
        clientId: 'basic',
        clientSecret: 'b:s e/cret',
        redirectUris: [CALLBACK],
        skipAuthorization: true,
        tokenEndpointAuthMethod: 'client_secret_basic',
      },
      {
        clientId: 'implicit',
        clientSecret: 'implicit-secret',
        responseType: 'token',
        redirectUris: [CALLBACK],
        skipAuthorization: true,
      },
      {
        clientId: 'sales-only',
        clientSecret: 'sales-secret',
        redirectUris: [CALLBACK],
        skipAuthorization: true,
        allowedRoles: ['Sales User'],
      },
    ],
    ...extra,
  });
}
