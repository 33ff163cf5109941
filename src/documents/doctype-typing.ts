/**
 * Typing against a DocType: give a document type (an interface or a type alias) and field names,
 * filters and sort orders are checked against it; give none and every string goes, as in Frappe.
 */

/** Fields every Frappe document has, whatever its DocType declares (frappe/model/__init__.py). */
export interface StandardFields {
  name: string;
  owner: string;
  creation: string;
  modified: string;
  modified_by: string;
  /** 0 draft, 1 submitted, 2 cancelled. */
  docstatus: 0 | 1 | 2;
  idx: number;
}

/** The names of {@link StandardFields}: always allowed in `fields`, filters and `orderBy`. */
export type StandardField = keyof StandardFields;

/**
 * True when no document type was given: `Record<string, unknown>` (the default), `any`,
 * `unknown`, or any type with a string index signature. Field names are then any string.
 */
export type IsUntypedDoc<T> = 0 extends 1 & T
  ? true
  : unknown extends T
    ? true
    : string extends keyof T
      ? true
      : false;

/**
 * The field names of a document type: its own and Frappe's standard fields. Any string when no
 * type is given. Works for interfaces and type aliases alike (no index signature needed).
 */
export type FieldName<T> = IsUntypedDoc<T> extends true ? string : Extract<keyof T, string> | StandardField;

/** A sort direction, in either case (Frappe accepts both). */
export type SortDirection = 'asc' | 'desc' | 'ASC' | 'DESC';

/**
 * Frappe's order string: `'<field> asc|desc'`, optionally followed by more (`'modified desc,
 * name asc'`); the first field is checked against the document type. Any string when untyped.
 */
export type OrderBy<T> =
  IsUntypedDoc<T> extends true
    ? string
    : `${FieldName<T>} ${SortDirection}` | `${FieldName<T>} ${SortDirection}, ${string}`;

/** A document type with Frappe's standard fields added where it does not declare them. */
export type WithStandardFields<T> = T & Omit<StandardFields, keyof T>;

/**
 * A row of `getList`: the document type itself, or only the fields named by the second type
 * argument (`getList<SalesOrder, 'name' | 'grand_total'>` gives `Pick<SalesOrder, 'name' |
 * 'grand_total'>`). Untyped rows stay `Record<string, unknown>`.
 */
export type ListRow<T, F extends string> =
  IsUntypedDoc<T> extends true
    ? T
    : [FieldName<T>] extends [F]
      ? T
      : Pick<WithStandardFields<T>, Extract<F, keyof WithStandardFields<T>>>;

/**
 * A document to insert or the changes to apply, for `insertDoc<T>` / `updateDoc<T>`: the fields
 * `T` declares must have its types; fields it does not declare (custom fields, a child table the
 * type leaves out) are sent as they are. Values of an interface type are accepted as well.
 */
export type DocInput<T> =
  IsUntypedDoc<T> extends true
    ? Record<string, unknown>
    : Partial<T> | (Partial<T> & Record<string, unknown>);
