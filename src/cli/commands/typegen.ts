import { writeFile } from 'node:fs/promises';
import { stringOption } from '../args';
import { COMMON_HELP, type Command } from '../command';
import { writeJson } from '../context';
import { withSite } from '../site-client';
import { loadDocTypes } from '../typegen/doctype-meta';
import { interfaceName, renderInterfaces } from '../typegen/render-interfaces';
import { CliUsageError } from '../usage-error';

export const typegenCommand: Command = {
  name: 'typegen',
  summary: "TypeScript interfaces for DocTypes, from the site's metadata",
  help: `Usage: frappe-oauth typegen <DocType>… [--out FILE] [--site NAME]

Writes TypeScript interfaces for the DocTypes named (and every child table they hold) from the
site's own metadata: fields by type, Select options as string unions, Check as 0 | 1, Link fields
documented with their target, child tables as arrays of their interface. Then:

  import type { SalesOrder } from './frappe-types';
  const order = await client.getDoc<SalesOrder>('Sales Order', 'SAL-ORD-2026-00001');

Without --out the TypeScript goes to stdout; with it, the file is written and stdout gets
{"written", "interfaces"}. The metadata is read as Desk reads it
(frappe.desk.form.load.getdoctype, open to any signed-in user), or from /api/resource/DocType/<name>
where a site does not answer that.

Options:
  --out FILE      write the interfaces to FILE

${COMMON_HELP}`,
  options: { out: { type: 'string' } },
  async run({ values, positionals }, context) {
    if (positionals.length === 0)
      throw new CliUsageError('typegen needs at least one DocType, e.g. typegen "Sales Order"');
    return withSite(values, context, async ({ profile, client }) => {
      const metas = await loadDocTypes(client, positionals, context.signal);
      const text = renderInterfaces(metas, profile.baseUrl);
      const out = stringOption(values, 'out');
      if (out === undefined) {
        context.stdout.write(text);
        return 0;
      }
      await writeFile(out, text, 'utf8');
      writeJson(context.stdout, {
        written: out,
        interfaces: metas.map((meta) => ({ doctype: meta.name, interface: interfaceName(meta.name) })),
      });
      return 0;
    });
  },
};
