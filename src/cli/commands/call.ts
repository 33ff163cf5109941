import { jsonOption, listOption, requirePositionals, stringOption } from '../args';
import { COMMON_HELP, type Command } from '../command';
import { writeJson } from '../context';
import { withSite } from '../site-client';
import { CliUsageError } from '../usage-error';

export const callCommand: Command = {
  name: 'call',
  summary: 'call a whitelisted method (GET; POST with --write)',
  help: `Usage: frappe-oauth call <dotted.method> [--arg KEY=VALUE]… [--args JSON] [--write]

Calls /api/method/<dotted.method> and prints its "message". Sent as GET, which Frappe serves for
methods that do not demand POST; with --write it is sent as POST, for methods that change data.

  frappe-oauth call frappe.client.get_count --arg doctype=Customer

Options:
  --arg KEY=VALUE   an argument (repeatable; values are strings)
  --args JSON       arguments as a JSON object (merged under --arg)
  --write           send as POST: the method may change data

${COMMON_HELP}`,
  options: { arg: { type: 'string', multiple: true }, args: { type: 'string' }, write: { type: 'boolean' } },
  async run({ values, positionals }, context) {
    const [method] = requirePositionals('call', positionals, ['dotted.method']) as [string];
    const params: Record<string, unknown> = {};
    const json = stringOption(values, 'args');
    if (json !== undefined) {
      const parsed = jsonOption(json, 'args');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new CliUsageError('--args must be a JSON object');
      }
      Object.assign(params, parsed);
    }
    for (const pair of listOption(values, 'arg')) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new CliUsageError(`--arg ${JSON.stringify(pair)}: use KEY=VALUE`);
      params[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return withSite(values, context, async ({ client }) => {
      const message = await client.call(method, params, {
        httpMethod: values.write === true ? 'POST' : 'GET',
        signal: context.signal,
      });
      writeJson(context.stdout, message ?? null);
      return 0;
    });
  },
};
