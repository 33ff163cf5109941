import { FrappeEmulator } from '../../testing';
import type { EmulatorProfileName } from '../../testing/profiles';
import type { EmulatorClientOptions } from '../../testing/state/clients';
import type { EmulatorUserOptions } from '../../testing/state/users';
import { integerOption, listOption, stringOption } from '../args';
import type { Command } from '../command';
import { writeLine } from '../context';
import { CliUsageError } from '../usage-error';

const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8765/callback';

const DEFAULT_USERS: EmulatorUserOptions[] = [
  { email: 'Administrator', password: 'admin', roles: ['System Manager'] },
  { email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] },
  { email: 'bob@example.com', password: 'bob-pass', roles: ['Stock User'] },
];

export const emulatorCommand: Command = {
  name: 'emulator',
  summary:
    'run the bundled Frappe emulator as a standalone server (for curl, docker-compose, other languages)',
  help: `Usage: frappe-oauth emulator [--profile v15] [--port 0] [options]

Serves the emulated Frappe site (OAuth2 provider, /login page, consent page, REST API, sample
Customers, Items and Sales Orders) on 127.0.0.1 until SIGTERM or Ctrl-C. Prints one JSON line on
stdout once it listens: {"url", "profile", "users", "clients"}.

By default it has the users Administrator/admin (System Manager), alice@example.com/alice-pass
(Sales User) and bob@example.com/bob-pass (Stock User), and a public OAuth client "frappe-oauth"
(PKCE, consent page shown) for ${DEFAULT_REDIRECT_URI}, so that

  frappe-oauth login --url <url> --client-id frappe-oauth

works against it at once.

Options:
  --profile NAME            v14, v15 (default), v16 or develop
  --port N                  the port (default 0: any free port)
  --user EMAIL:PASSWORD[:ROLE,ROLE]   a user (repeatable; replaces the default users but
                            Administrator)
  --client ID[:SECRET]      an OAuth client (repeatable; replaces the default one); without a
                            secret a public client
  --redirect-uri URI        the clients' redirect URIs (repeatable; default ${DEFAULT_REDIRECT_URI})
  --skip-consent            the clients skip the consent page
  --token-lifetime SECONDS  expires_in of issued tokens (default 3600)
  --no-seed                 no sample documents
  --generate DOCTYPE=COUNT  that many generated Customers or Items besides (repeatable)
  --developer-mode          developer_mode on: v16's register_client then accepts http://
                            redirect URIs (for "frappe-oauth login --register" against it)
  -h, --help                this help`,
  options: {
    profile: { type: 'string' },
    port: { type: 'string' },
    user: { type: 'string', multiple: true },
    client: { type: 'string', multiple: true },
    'redirect-uri': { type: 'string', multiple: true },
    'skip-consent': { type: 'boolean' },
    'token-lifetime': { type: 'string' },
    'no-seed': { type: 'boolean' },
    'developer-mode': { type: 'boolean' },
    generate: { type: 'string', multiple: true },
  },
  async run({ values, positionals }, context) {
    if (positionals.length > 0)
      throw new CliUsageError(`emulator: unexpected argument ${JSON.stringify(positionals[0])}`);
    const profile = (stringOption(values, 'profile') ?? 'v15') as EmulatorProfileName;
    const port = integerOption(values, 'port', { min: 0, max: 65_535 }) ?? 0;
    const tokenLifetimeSeconds = integerOption(values, 'token-lifetime', { min: 1, max: 86_400 });
    const userArgs = listOption(values, 'user');
    const users =
      userArgs.length > 0
        ? [DEFAULT_USERS[0] as EmulatorUserOptions, ...userArgs.map(parseUser)]
        : DEFAULT_USERS;
    const redirectUris = listOption(values, 'redirect-uri');
    const clientArgs = listOption(values, 'client');
    const clients: EmulatorClientOptions[] = (clientArgs.length > 0 ? clientArgs : ['frappe-oauth']).map(
      (text) => {
        const at = text.indexOf(':');
        const clientId = at < 0 ? text : text.slice(0, at);
        const clientSecret = at < 0 ? undefined : text.slice(at + 1);
        if (!clientId) throw new CliUsageError(`--client ${JSON.stringify(text)}: use ID or ID:SECRET`);
        return {
          clientId,
          ...(clientSecret ? { clientSecret } : {}),
          scopes: ['all', 'openid'],
          redirectUris: redirectUris.length > 0 ? redirectUris : [DEFAULT_REDIRECT_URI],
          skipAuthorization: values['skip-consent'] === true,
          appName: clientId,
        };
      },
    );
    const generated = listOption(values, 'generate').map(parseGenerate);
    let site: FrappeEmulator;
    try {
      site = await FrappeEmulator.start({
        profile,
        port,
        users,
        clients,
        seed: values['no-seed'] !== true,
        developerMode: values['developer-mode'] === true,
        ...(tokenLifetimeSeconds ? { tokenLifetimeSeconds } : {}),
      });
    } catch (error) {
      // The emulator's TypeErrors name the bad option (an unknown profile, say).
      if (error instanceof TypeError) throw new CliUsageError(`emulator: ${error.message}`);
      throw error;
    }
    // One line, so a script can read it with `head -1` or `readline`.
    for (const [doctype, count] of generated) site.generateDocuments(doctype, count);
    writeLine(context.stdout, {
      url: site.url,
      profile: site.profile,
      users: users.map(({ email, password, roles }) => ({ email, password, roles })),
      clients: clients.map(({ clientId, clientSecret, redirectUris: uris, skipAuthorization }) => ({
        clientId,
        ...(clientSecret ? { clientSecret } : {}),
        redirectUris: uris,
        skipAuthorization,
      })),
    });
    context.stderr.write(
      `Frappe emulator (${site.profile}) at ${site.url}; stop it with Ctrl-C or SIGTERM.\n`,
    );
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await site.stop();
    context.stderr.write('Frappe emulator stopped.\n');
    return 0;
  },
};

function parseUser(text: string): EmulatorUserOptions {
  const [email, password, roles] = text.split(':');
  if (!email || !password)
    throw new CliUsageError(`--user ${JSON.stringify(text)}: use EMAIL:PASSWORD[:ROLE,ROLE]`);
  return { email, password, roles: roles ? roles.split(',').filter(Boolean) : ['Sales User'] };
}

function parseGenerate(text: string): ['Customer' | 'Item', number] {
  const match = /^(Customer|Item)=(\d{1,7})$/.exec(text);
  if (!match) throw new CliUsageError(`--generate ${JSON.stringify(text)}: use Customer=COUNT or Item=COUNT`);
  return [match[1] as 'Customer' | 'Item', Number(match[2])];
}
