// Serves a Frappe emulator for manual exploration (curl, a browser, another program):
//   npx tsx examples/serve-emulator.mts [v14|v15|develop] [port] [token lifetime in seconds]
// It prints its URL and the demo credentials, and runs until Ctrl-C.
import { FrappeEmulator } from '../src/testing/index.js';

const profile = (process.argv[2] ?? 'v15') as 'v14' | 'v15' | 'develop';
const port = Number(process.argv[3] ?? 0);
const tokenLifetimeSeconds = Number(process.argv[4] ?? 3600);
const site = await FrappeEmulator.start({
  profile,
  port,
  tokenLifetimeSeconds,
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
});
process.stdout.write(
  `Frappe emulator (${profile}) at ${site.url}\nusers: Administrator/admin, alice@example.com/alice-pass; OAuth client shop/shop-secret\n`,
);
process.on('SIGINT', () => {
  site.stop().then(() => process.exit(0));
});
process.on('SIGTERM', () => {
  site.stop().then(() => process.exit(0));
});
