import type { FrappeProfile } from '../../auth/profile-endpoint';
import type { StoredToken } from '../../auth/stored-token';
import { COMMON_HELP, type Command } from '../command';
import { writeJson } from '../context';
import { withSite } from '../site-client';
import { CliUsageError } from '../usage-error';
import { describeToken } from './token';

/** whoami's output, which login prints too once signed in: the site, its user, the token's scope and expiry. */
export function describeSignedIn(
  site: string,
  baseUrl: string,
  user: FrappeProfile,
  stored: StoredToken | undefined,
): Record<string, unknown> {
  return {
    site,
    baseUrl,
    user: user.email || user.name,
    name: user.name,
    roles: user.roles,
    ...(stored ? describeToken(stored) : {}),
  };
}

export const whoamiCommand: Command = {
  name: 'whoami',
  summary: 'the signed-in user of a site (openid_profile)',
  help: `Usage: frappe-oauth whoami [--site NAME]

Asks the site who the stored token belongs to (openid_profile), refreshing the token when needed.
Output: {"site", "baseUrl", "user", "name", "roles", "expiresAt", "scope"}.

${COMMON_HELP}`,
  options: {},
  async run({ values, positionals }, context) {
    if (positionals.length > 0)
      throw new CliUsageError(`whoami: unexpected argument ${JSON.stringify(positionals[0])}`);
    return withSite(values, context, async ({ name, profile, client }) => {
      const user = await client.getProfile({ signal: context.signal });
      const stored = await client.getStoredToken();
      writeJson(context.stdout, describeSignedIn(name, profile.baseUrl, user, stored));
      return 0;
    });
  },
};
