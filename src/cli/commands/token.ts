import type { StoredToken } from '../../auth/stored-token';
import { COMMON_HELP, type Command } from '../command';
import { writeJson } from '../context';
import { withSite } from '../site-client';
import { CliUsageError } from '../usage-error';

/** What the output tells of a stored token: never a token itself unless asked for. */
export function describeToken(token: StoredToken): Record<string, unknown> {
  const expiresAt = typeof token.expires_at === 'number' ? token.expires_at : undefined;
  return {
    scope: token.scope,
    ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt * 1000).toISOString() }),
  };
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'print an access token valid right now (refreshed as needed), for scripts',
  help: `Usage: frappe-oauth token [--site NAME] [--raw]

Prints an access token for the site that is valid right now, refreshing it first when it is about
to expire (one refresh at a time, shared with other frappe-oauth processes). For shell scripts:

  curl -H "Authorization: Bearer $(frappe-oauth token --raw)" https://erp.example.com/api/resource/Item

Output: {"accessToken", "tokenType", "expiresAt", "scope"}; with --raw, the token alone.

Options:
  --raw           the access token alone, on one line

${COMMON_HELP}`,
  options: { raw: { type: 'boolean' } },
  async run({ values, positionals }, context) {
    if (positionals.length > 0)
      throw new CliUsageError(`token: unexpected argument ${JSON.stringify(positionals[0])}`);
    return withSite(values, context, async ({ client }) => {
      const accessToken = await client.getAccessToken({ signal: context.signal });
      if (values.raw === true) {
        context.stdout.write(`${accessToken}\n`);
        return 0;
      }
      const stored = await client.getStoredToken();
      writeJson(context.stdout, {
        accessToken,
        tokenType: 'Bearer',
        ...(stored ? describeToken(stored) : {}),
      });
      return 0;
    });
  },
};
