import { COMMON_HELP, type Command } from '../command';
import { writeJson } from '../context';
import { withSite } from '../site-client';
import { CliUsageError } from '../usage-error';

export const logoutCommand: Command = {
  name: 'logout',
  summary: 'revoke the stored token at the site and delete it',
  help: `Usage: frappe-oauth logout [--site NAME]

Revokes the site's stored token at Frappe (access and refresh token together), then deletes it.
The site profile stays, so "frappe-oauth login --site NAME" signs in again without its options.
Output: {"site", "loggedOut": true}.

${COMMON_HELP}`,
  options: {},
  async run({ values, positionals }, context) {
    if (positionals.length > 0)
      throw new CliUsageError(`logout: unexpected argument ${JSON.stringify(positionals[0])}`);
    return withSite(values, context, async ({ name, client }) => {
      await client.logout({ signal: context.signal });
      writeJson(context.stdout, { site: name, loggedOut: true });
      return 0;
    });
  },
};
