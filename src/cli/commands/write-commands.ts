import { requirePositionals, stringOption } from '../args';
import { COMMON_HELP, type Command } from '../command';
import { writeJson } from '../context';
import { withSite } from '../site-client';
import { documentData, requireWrite } from './write-guard';

const WRITE_HELP = `  --write         allow this change (frappe-oauth is read-only without it)`;

export const insertCommand: Command = {
  name: 'insert',
  summary: 'create a document (needs --write)',
  help: `Usage: frappe-oauth insert <DocType> --data JSON --write

Creates a document and prints it as stored. Never sent twice by a retry: without a "name" in the
data it is not repeated once it may have reached the site; with one, the site is asked first.

Options:
  --data JSON     the document: a JSON object, @file.json, or - to read stdin
${WRITE_HELP}

${COMMON_HELP}`,
  options: { data: { type: 'string' }, write: { type: 'boolean' } },
  async run({ values, positionals }, context) {
    const [doctype] = requirePositionals('insert', positionals, ['DocType']) as [string];
    requireWrite('insert', values);
    const data = await documentData(values, context);
    return withSite(values, context, async ({ client }) => {
      writeJson(context.stdout, await client.insertDoc(doctype, data, { signal: context.signal }));
      return 0;
    });
  },
};

export const updateCommand: Command = {
  name: 'update',
  summary: 'change fields of a document (needs --write)',
  help: `Usage: frappe-oauth update <DocType> <name> --data JSON --write [--modified TIMESTAMP]

Changes fields of a document and prints it as stored.

Options:
  --data JSON         the fields to change: a JSON object, @file.json, or - to read stdin
  --modified VALUE    the "modified" you read: refused (conflict) if someone saved since
${WRITE_HELP}

${COMMON_HELP}`,
  options: { data: { type: 'string' }, modified: { type: 'string' }, write: { type: 'boolean' } },
  async run({ values, positionals }, context) {
    const [doctype, name] = requirePositionals('update', positionals, ['DocType', 'name']) as [
      string,
      string,
    ];
    requireWrite('update', values);
    const data = await documentData(values, context);
    return withSite(values, context, async ({ client }) => {
      const modified = stringOption(values, 'modified');
      writeJson(
        context.stdout,
        await client.updateDoc(doctype, name, data, {
          signal: context.signal,
          ...(modified ? { modified } : {}),
        }),
      );
      return 0;
    });
  },
};

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete a document (needs --write)',
  help: `Usage: frappe-oauth delete <DocType> <name> --write

Deletes a document. Output: {"doctype", "name", "deleted": true}.

Options:
${WRITE_HELP}

${COMMON_HELP}`,
  options: { write: { type: 'boolean' } },
  async run({ values, positionals }, context) {
    const [doctype, name] = requirePositionals('delete', positionals, ['DocType', 'name']) as [
      string,
      string,
    ];
    requireWrite('delete', values);
    return withSite(values, context, async ({ client }) => {
      await client.deleteDoc(doctype, name, { signal: context.signal });
      writeJson(context.stdout, { doctype, name, deleted: true });
      return 0;
    });
  },
};
