import type { DocTypeMeta } from './doctypes';

/**
 * Frappe's own doctypes the REST API needs: File (uploads) and the DocType/DocField pair that
 * `/api/resource/DocType/<name>` serves. Trimmed to the fields a client reads.
 */

/**
 * What Frappe's own Core doctypes here have in common: not submittable, not renamable, named by
 * hash, newest first. A doctype spreads it after its name and overrides what differs.
 */
export const CORE_DOCTYPE = {
  module: 'Core',
  istable: 0,
  is_submittable: 0,
  allow_rename: 0,
  autoname: 'hash',
  sort_field: 'modified',
  sort_order: 'DESC',
} as const satisfies Partial<DocTypeMeta>;

export const FILE: DocTypeMeta = {
  name: 'File',
  ...CORE_DOCTYPE,
  fields: [
    { fieldname: 'file_name', fieldtype: 'Data', label: 'File Name' },
    { fieldname: 'is_private', fieldtype: 'Check', label: 'Is Private', default: 0 },
    { fieldname: 'file_type', fieldtype: 'Data', label: 'File Type' },
    { fieldname: 'is_folder', fieldtype: 'Check', label: 'Is Folder', default: 0 },
    { fieldname: 'folder', fieldtype: 'Link', label: 'Folder', options: 'File' },
    { fieldname: 'file_url', fieldtype: 'Data', label: 'File URL' },
    { fieldname: 'file_size', fieldtype: 'Int', label: 'File Size' },
    { fieldname: 'content_hash', fieldtype: 'Data', label: 'Content Hash' },
    { fieldname: 'attached_to_doctype', fieldtype: 'Link', label: 'Attached To DocType', options: 'DocType' },
    { fieldname: 'attached_to_name', fieldtype: 'Data', label: 'Attached To Name' },
    { fieldname: 'attached_to_field', fieldtype: 'Data', label: 'Attached To Field' },
  ],
};

export const DOCFIELD: DocTypeMeta = {
  name: 'DocField',
  ...CORE_DOCTYPE,
  istable: 1,
  fields: [
    { fieldname: 'label', fieldtype: 'Data', label: 'Label' },
    { fieldname: 'fieldtype', fieldtype: 'Select', label: 'Type', reqd: 1 },
    { fieldname: 'fieldname', fieldtype: 'Data', label: 'Name' },
    { fieldname: 'options', fieldtype: 'Small Text', label: 'Options' },
    { fieldname: 'reqd', fieldtype: 'Check', label: 'Mandatory', default: 0 },
    { fieldname: 'unique', fieldtype: 'Check', label: 'Unique', default: 0 },
    { fieldname: 'read_only', fieldtype: 'Check', label: 'Read Only', default: 0 },
    { fieldname: 'allow_on_submit', fieldtype: 'Check', label: 'Allow on Submit', default: 0 },
    { fieldname: 'in_list_view', fieldtype: 'Check', label: 'In List View', default: 0 },
    { fieldname: 'default', fieldtype: 'Small Text', label: 'Default' },
    { fieldname: 'fetch_from', fieldtype: 'Small Text', label: 'Fetch From' },
  ],
};

export const DOCTYPE: DocTypeMeta = {
  name: 'DocType',
  ...CORE_DOCTYPE,
  autoname: 'Prompt',
  fields: [
    { fieldname: 'module', fieldtype: 'Link', label: 'Module', options: 'Module Def', reqd: 1 },
    { fieldname: 'istable', fieldtype: 'Check', label: 'Is Child Table', default: 0 },
    { fieldname: 'is_submittable', fieldtype: 'Check', label: 'Is Submittable', default: 0 },
    { fieldname: 'allow_rename', fieldtype: 'Check', label: 'Allow Rename', default: 0 },
    { fieldname: 'autoname', fieldtype: 'Data', label: 'Auto Name' },
    { fieldname: 'sort_field', fieldtype: 'Data', label: 'Sort Field' },
    { fieldname: 'sort_order', fieldtype: 'Select', label: 'Sort Order', options: 'ASC\nDESC' },
    { fieldname: 'title_field', fieldtype: 'Data', label: 'Title Field' },
    { fieldname: 'fields', fieldtype: 'Table', label: 'Fields', options: 'DocField' },
  ],
};
