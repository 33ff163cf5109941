/**
 * A registry-wide symbol marking FrappeError instances, so that code holding an error from another
 * copy of this package (ESM and CJS builds loaded side by side) can still recognise it.
 */
export const FRAPPE_ERROR_BRAND: unique symbol = Symbol.for('frappe-oauth-client.FrappeError') as never;

/** Gives an error class a non-enumerable prototype `name`, as `Error.prototype.name` is. */
export function defineErrorName(errorClass: { prototype: Error }, name: string): void {
  Object.defineProperty(errorClass.prototype, 'name', {
    value: name,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}
