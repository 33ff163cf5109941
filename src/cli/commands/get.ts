import { requirePositionals } from '../args';
import { COMMON_HELP, type Command } from '../command';
import { writeJson } from '../context';
import { withSite } from '../site-client';

export const getCommand: Command = {
  name: 'get',
  summary: 'one document, child tables included',
  help: `Usage: frappe-oauth get <DocType> <name> [--site NAME]

Prints one document as JSON (GET /api/resource/<DocType>/<name>), child tables included.

${COMMON_HELP}`,
  options: {},
  async run({ values, positionals }, context) {
    const [doctype, name] = requirePositionals('get', positionals, ['DocType', 'name']) as [string, string];
    return withSite(values, context, async ({ client }) => {
      writeJson(context.stdout, await client.getDoc(doctype, name, { signal: context.signal }));
      return 0;
    });
  },
};
