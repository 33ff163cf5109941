import { FrappeException } from '../core/exceptions';
import type { Site } from '../site';
import { getMeta, parentsOf } from './doctypes';

export type PermissionType = 'read' | 'write' | 'create' | 'delete' | 'submit' | 'cancel';

const ALL: readonly PermissionType[] = ['read', 'write', 'create', 'delete', 'submit', 'cancel'];

/**
 * Role permissions, fixed by issue 2 (simplified from ERPNext so that a genuine 403 with a valid
 * user exists): System Manager everything; Sales User read/write/create Customer, read Item, read
 * Sales Order; Stock User read/write/create Item. Every logged-in user (role `All`) may read
 * DocType metadata and work with File (uploads), as on Frappe where both are open to desk users.
 * Guest has no row, so it may do nothing.
 */
const ROLE_PERMISSIONS: Readonly<Record<string, Readonly<Record<string, readonly PermissionType[]>>>> = {
  'Sales User': {
    Customer: ['read', 'write', 'create'],
    Item: ['read'],
    'Sales Order': ['read'],
  },
  'Stock User': {
    Item: ['read', 'write', 'create'],
  },
  All: {
    DocType: ['read'],
    File: ['read', 'write', 'create', 'delete'],
  },
};

/** `frappe.has_permission(doctype, ptype)` at doctype level (no user permissions, no if_owner). */
export function hasPermission(site: Site, user: string, doctype: string, ptype: PermissionType): boolean {
  const meta = getMeta(doctype);
  if (meta?.istable) {
    // Child rows are governed by their parent's permissions.
    return parentsOf(doctype).some(({ parent }) => hasPermission(site, user, parent.name, ptype));
  }
  const roles = site.users.rolesOf(user);
  if (roles.includes('System Manager')) return ALL.includes(ptype);
  return roles.some((role) => ROLE_PERMISSIONS[role]?.[doctype]?.includes(ptype) ?? false);
}

/**
 * The 403 a document operation gets: `has_permission` logs "…does not have doctype access via role
 * permission…" to the message log and `raise_no_permission_to` sets `frappe.flags.error_message`,
 * then raises bare `PermissionError` — so v13/v14 bodies carry no `exc_type` (§8.2).
 */
export function permissionDenied(user: string, doctype: string, ptype: PermissionType): FrappeException {
  return new FrappeException('PermissionError', {
    message: `User <b>${user}</b> does not have doctype access via role permission for document <b>${doctype}</b>`,
    title: 'Not Permitted',
    errorMessage: `Insufficient Permission for ${doctype} (${ptype})`,
    thrown: false,
  });
}

/** The 403 of a list query (`DatabaseQuery.check_read_permission`, §5.2). */
export function listPermissionDenied(doctype: string): FrappeException {
  return new FrappeException('PermissionError', {
    message: `No permission to read ${doctype}`,
    title: 'Not Permitted',
    errorMessage: `Insufficient Permission for ${doctype}`,
    thrown: false,
  });
}

export function requirePermission(site: Site, user: string, doctype: string, ptype: PermissionType): void {
  if (!hasPermission(site, user, doctype, ptype)) throw permissionDenied(user, doctype, ptype);
}

/**
 * A missing document. Newer Frappe masks it as 403 when the user cannot read the doctype at all
 * (`handle_does_not_exist_error`, §8.3 end), so "missing" and "forbidden" look alike; older
 * releases answer 404 regardless.
 */
export function notFound(site: Site, user: string, doctype: string, name: string): FrappeException {
  if (site.profile.maskNotFoundForUnreadableDoctype && !hasPermission(site, user, doctype, 'read')) {
    return permissionDenied(user, doctype, 'read');
  }
  return new FrappeException('DoesNotExistError', { message: `${doctype} ${name} not found`, thrown: true });
}

/** An unknown doctype: `frappe.get_meta` raises DoesNotExistError for the DocType record. */
export function unknownDoctype(site: Site, user: string, doctype: string): FrappeException {
  return notFound(site, user, 'DocType', doctype);
}
