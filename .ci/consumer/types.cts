// A CommonJS TypeScript consumer (module nodenext): both entry points with `import x = require()`.
import main = require('frappe-oauth-client');
import testing = require('frappe-oauth-client/testing');

export const loaded: object = main;

const options: testing.FrappeEmulatorOptions = {
  profile: 'v15',
  port: 0,
  tokenLifetimeSeconds: 3600,
  users: [{ email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] }],
  clients: [
    {
      clientId: 'shop',
      clientSecret: 'shop-secret',
      scopes: ['all', 'openid'],
      redirectUris: ['http://127.0.0.1:8765/callback'],
      skipAuthorization: true,
    },
  ],
};

// @ts-expect-error the options are typed (not `any`): there is no profile 'v99'
export const wrong: testing.FrappeEmulatorOptions = { profile: 'v99' };

export async function useEmulator(): Promise<string> {
  const site: testing.FrappeEmulator = await testing.FrappeEmulator.start(options);
  site.expireToken('token');
  site.revokeToken('token');
  site.advanceClock(-60);
  const log: { method: string; path: string; status: number }[] = site.requests();
  await site.stop();
  return `${site.url} ${log.length}`;
}
