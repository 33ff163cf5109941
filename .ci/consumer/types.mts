// An ESM TypeScript consumer (module nodenext): both entry points with `import`.
import * as main from 'frappe-oauth-client';
import { FrappeEmulator, type FrappeEmulatorOptions } from 'frappe-oauth-client/testing';

export const loaded: object = main;

const options: FrappeEmulatorOptions = {
  profile: 'develop',
  users: [{ email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] }],
  clients: [
    { clientId: 'shop', clientSecret: 'shop-secret', redirectUris: ['http://127.0.0.1:8765/callback'] },
  ],
};

// @ts-expect-error the options are typed (not `any`): there is no profile 'v99'
export const wrong: FrappeEmulatorOptions = { profile: 'v99' };

const site = await FrappeEmulator.start(options);
site.expireToken('token');
site.revokeToken('token');
site.advanceClock(60);
const log: { method: string; path: string; status: number }[] = site.requests();
await site.stop();
export const summary = `${site.url} ${log.length}`;
