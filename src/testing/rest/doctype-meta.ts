import type { HandlerContext } from '../core/registry';
import { EmulatorResponse } from '../core/response';
import type { Site } from '../site';
import { requiredString } from './args';
import { serverGetDocument } from './controls';
import { getMeta, tableFields } from './doctypes';
import { requireMeta } from './documents';

/**
 * `frappe.desk.form.load.getdoctype(doctype)`: what Desk loads before it shows a form. Frappe
 * (frappe/desk/form/load.py) answers `{"docs": [...]}` at the top level, not under `message`: the
 * DocType with its `fields` rows, then every child table it holds (`get_meta_bundle`). It checks no
 * permission on the DocType record, so any signed-in user may read a form's metadata, where
 * `/api/resource/DocType/<name>` needs read permission on DocType. An unknown DocType is a
 * DoesNotExistError.
 */
export function installDoctypeMeta(site: Site): void {
  site.methods.register('frappe.desk.form.load.getdoctype', {
    handler: ({ site: current, auth, args }: HandlerContext) => {
      const doctype = requiredString(args, 'doctype');
      const meta = requireMeta(current, auth.user, doctype);
      const bundle = [meta.name, ...tableFields(meta).map((field) => field.options as string)];
      const docs = bundle
        .filter((name) => getMeta(name) !== undefined)
        .map((name) => serverGetDocument(current, 'DocType', name));
      return EmulatorResponse.json(200, { docs, user_settings: '{}' });
    },
  });
}
