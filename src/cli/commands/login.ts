import { FrappeOAuthClient } from '../../client';
import { integerOption, type ParsedArgs, stringOption } from '../args';
import { COMMON_HELP, type Command } from '../command';
import { openProfile, sealProfile } from '../config/sealed-secret';
import type { SiteProfile } from '../config/site-profiles';
import { type CliContext, writeJson } from '../context';
import { resolveKey } from '../key-source';
import { readSecret } from '../read-secret';
import { clientFor, profilesFor, requestedSite } from '../site-client';
import { CliUsageError } from '../usage-error';
import { describeSignedIn } from './whoami';

const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8765/callback';

export const loginCommand: Command = {
  name: 'login',
  summary: 'sign in (authorization code + PKCE in the browser, or --password) and keep the token',
  help: `Usage: frappe-oauth login [--site NAME] --url URL --client-id ID [options]

Signs in to a Frappe site and keeps the token (refreshed as needed) for every later command.
By default: the authorization-code flow with PKCE as a public client. A one-shot receiver listens
on the loopback redirect URI, the browser is opened on the site's authorize page (or the URL is
printed), and the token is stored once the browser comes back. The redirect URI must be registered
at the site's OAuth Client exactly as given (Frappe compares byte for byte), port included.
A public client cannot check Frappe's id_token (HS256 with the client secret): the user is then
confirmed through openid_profile. The site profile (URL, client, redirect URI, scopes) is saved
under --site (default: "default") once the sign-in worked.

Options:
  --url URL               the site, e.g. https://erp.example.com (kept in the profile)
  --client-id ID          the OAuth Client's ID
  --client-secret SECRET  a confidential client's secret (or $FRAPPE_OAUTH_CLIENT_SECRET)
  --redirect-uri URI      default ${DEFAULT_REDIRECT_URI}
  --scope "openid all"    the scopes, space-separated (default "openid all")
  --no-browser            print the URL only, do not open a browser (also when $CI is set)
  --timeout SECONDS       how long to wait for the browser (default 300)
  --register              register a public client first (RFC 7591, Frappe v16+ with dynamic
                          client registration on); production sites refuse http:// loopback
                          redirect URIs there
  --client-name NAME      the registered client's name (default "frappe-oauth command line")
  --password              the password grant instead (sites that still have it: v13-v15)
  --user EMAIL            with --password: the user; the password comes from
                          $FRAPPE_OAUTH_PASSWORD, else a prompt (or the first line of stdin)

${COMMON_HELP}`,
  options: {
    url: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    scope: { type: 'string' },
    'no-browser': { type: 'boolean' },
    timeout: { type: 'string' },
    register: { type: 'boolean' },
    'client-name': { type: 'string' },
    password: { type: 'boolean' },
    user: { type: 'string' },
  },
  async run({ values, positionals }, context) {
    if (positionals.length > 0)
      throw new CliUsageError(`login: unexpected argument ${JSON.stringify(positionals[0])}`);
    const profiles = profilesFor(context);
    const name = requestedSite(values, context) ?? (await profiles.read()).default ?? 'default';
    const profile = await resolveProfile(name, values, context);
    const client = await clientFor(name, profile, values, context);
    try {
      if (values.password === true) await signInWithPassword(client, values, context);
      else await signInInBrowser(client, values, context);
      // Confirms the user (the only check a public client has) and gives the output its names.
      const user = await client.getProfile({ signal: context.signal });
      await profiles.save(name, sealProfile(name, profile, await resolveKey(values, context)));
      const stored = await client.getStoredToken();
      context.stderr.write(
        `Signed in to ${profile.baseUrl} as ${user.email || user.name} (site "${name}").\n`,
      );
      writeJson(context.stdout, describeSignedIn(name, profile.baseUrl, user, stored));
      return 0;
    } finally {
      await client.close();
    }
  },
};

async function resolveProfile(
  name: string,
  values: ParsedArgs['values'],
  context: CliContext,
): Promise<SiteProfile> {
  const stored = (await profilesFor(context).get(name))?.profile;
  const existing = stored && openProfile(name, stored, await resolveKey(values, context));
  const baseUrl = stringOption(values, 'url') ?? existing?.baseUrl;
  if (!baseUrl) throw new CliUsageError('login needs --url (the site, e.g. https://erp.example.com)');
  const sameSite = existing?.baseUrl === baseUrl;
  const redirectUri =
    stringOption(values, 'redirect-uri') ??
    (sameSite ? existing?.redirectUri : undefined) ??
    DEFAULT_REDIRECT_URI;
  const scopeText = stringOption(values, 'scope');
  const scopes =
    scopeText !== undefined
      ? scopeText.split(/\s+/).filter(Boolean)
      : sameSite && existing
        ? existing.scopes
        : ['openid', 'all'];
  let clientId = stringOption(values, 'client-id') ?? (sameSite ? existing?.clientId : undefined);
  let clientSecret =
    stringOption(values, 'client-secret') ??
    (context.env.FRAPPE_OAUTH_CLIENT_SECRET || undefined) ??
    (sameSite && clientId === existing?.clientId ? existing?.clientSecret : undefined);
  if (values.register === true) {
    if (values.password === true)
      throw new CliUsageError('login: --register goes with the browser flow, not --password');
    const registered = await FrappeOAuthClient.registerClient({
      baseUrl,
      redirectUris: [redirectUri],
      clientName: stringOption(values, 'client-name') ?? 'frappe-oauth command line',
      scopes,
      tokenEndpointAuthMethod: 'none',
      signal: context.signal,
    });
    clientId = registered.clientId;
    clientSecret = registered.clientSecret;
    context.stderr.write(`Registered OAuth client ${clientId} at ${baseUrl}.\n`);
  }
  if (!clientId)
    throw new CliUsageError('login needs --client-id (the OAuth Client on the site), or --register');
  return { baseUrl, clientId, ...(clientSecret ? { clientSecret } : {}), redirectUri, scopes };
}

async function signInWithPassword(
  client: FrappeOAuthClient,
  values: ParsedArgs['values'],
  context: CliContext,
) {
  const user = stringOption(values, 'user');
  if (!user) throw new CliUsageError('login --password needs --user EMAIL');
  const password = context.env.FRAPPE_OAUTH_PASSWORD || (await readSecret(context, `Password for ${user}: `));
  if (!password)
    throw new CliUsageError('login --password: no password (set $FRAPPE_OAUTH_PASSWORD or type it)');
  await client.loginWithPassword(user, password, { signal: context.signal });
}

async function signInInBrowser(client: FrappeOAuthClient, values: ParsedArgs['values'], context: CliContext) {
  const timeoutSeconds = integerOption(values, 'timeout', { min: 1, max: 86_400 }) ?? 300;
  const openBrowser = values['no-browser'] !== true && !context.env.CI;
  await client.authorizeViaLoopback({
    timeoutMs: timeoutSeconds * 1000,
    signal: context.signal,
    onAuthorizationUrl: async (url) => {
      const opened = openBrowser && (await context.openBrowser(url));
      context.stderr.write(
        `${opened ? 'Opened your browser to sign in. If it did not open, visit' : 'To sign in, open this URL in a browser'}:\n${url}\n` +
          `Waiting for the browser to come back (${timeoutSeconds} s)…\n`,
      );
    },
  });
}
