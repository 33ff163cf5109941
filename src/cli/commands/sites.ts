import { COMMON_HELP, type Command } from '../command';
import { writeJson } from '../context';
import { profilesFor, requestedSite } from '../site-client';
import { CliUsageError } from '../usage-error';

export const sitesCommand: Command = {
  name: 'sites',
  summary: 'the site profiles (no secrets); --default NAME picks the default site',
  help: `Usage: frappe-oauth sites [--default NAME]

Lists the site profiles saved by "login" (kept in $XDG_CONFIG_HOME/frappe-oauth/sites.json), and
which one is used without --site. Client secrets are never printed.
Output: {"default", "sites": [{"name", "baseUrl", "clientId", "redirectUri", "scopes"}]}.

Options:
  --default NAME  make NAME the default site

${COMMON_HELP}`,
  options: { default: { type: 'string' } },
  async run({ values, positionals }, context) {
    if (positionals.length > 0)
      throw new CliUsageError(`sites: unexpected argument ${JSON.stringify(positionals[0])}`);
    const profiles = profilesFor(context);
    const chosen =
      typeof values.default === 'string' ? requestedSite({ site: values.default }, context) : undefined;
    if (chosen !== undefined) await profiles.setDefault(chosen);
    const file = await profiles.read();
    writeJson(context.stdout, {
      default: file.default ?? null,
      sites: Object.entries(file.sites).map(([name, profile]) => ({
        name,
        baseUrl: profile.baseUrl,
        clientId: profile.clientId,
        confidential: profile.clientSecret !== undefined,
        redirectUri: profile.redirectUri,
        scopes: profile.scopes,
      })),
    });
    return 0;
  },
};
