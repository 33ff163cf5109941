import type { DocTypeMeta } from './doctypes';
import { CORE_DOCTYPE } from './standard-doctypes';

/**
 * `Deleted Document` (`frappe/core/doctype/deleted_document/deleted_document.json`): one row per
 * deleted document, named by hash, readable and deletable by System Manager only (the emulator's
 * permission table gives System Manager everything and no other role a row for it).
 */
export const DELETED_DOCUMENT: DocTypeMeta = {
  name: 'Deleted Document',
  ...CORE_DOCTYPE,
  title_field: 'deleted_name',
  fields: [
    { fieldname: 'deleted_name', fieldtype: 'Data', label: 'Deleted Name', read_only: 1, in_list_view: 1 },
    {
      fieldname: 'deleted_doctype',
      fieldtype: 'Data',
      label: 'Deleted DocType',
      read_only: 1,
      in_list_view: 1,
    },
    {
      fieldname: 'restored',
      fieldtype: 'Check',
      label: 'Restored',
      read_only: 1,
      default: 0,
      in_list_view: 1,
    },
    { fieldname: 'new_name', fieldtype: 'Data', label: 'New Name', read_only: 1 },
    { fieldname: 'data', fieldtype: 'Small Text', label: 'Data', read_only: 1 },
  ],
};
