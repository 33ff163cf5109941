/**
 * Frappe's exception classes as the emulator raises them (frappe-reference.md §8.3). A handler
 * throws `FrappeException`; the router turns it into the profile's v1 error envelope.
 */

/** HTTP status per exception class name; classes not listed inherit ValidationError's 417. */
const STATUS_BY_CLASS: Readonly<Record<string, number>> = {
  ValidationError: 417,
  AuthenticationError: 401,
  SessionExpired: 401,
  PermissionError: 403,
  DoesNotExistError: 404,
  PageDoesNotExistError: 404,
  NameError: 409,
  DuplicateEntryError: 409,
  CSRFTokenError: 400,
  InvalidAuthorizationHeader: 400,
  InvalidAuthorizationPrefix: 400,
  InvalidAuthorizationToken: 400,
  TooManyRequestsError: 429,
  SessionStopped: 503,
  InReadOnlyMode: 503,
  UnsupportedMediaType: 415,
  LinkExpired: 410,
  InvalidKeyError: 401,
  RequestEntityTooLarge: 413,
  InternalServerError: 500,
};

export function statusForException(excType: string): number {
  return STATUS_BY_CLASS[excType] ?? 417;
}

export interface FrappeExceptionOptions {
  /** The text `frappe.throw` would log; it becomes a `_server_messages` entry. */
  message?: string;
  title?: string;
  /**
   * Whether the error went through `frappe.throw`/`msgprint`. On v13/v14 only those bodies carry
   * `exc_type`; a bare `raise` (unknown route, bad API key, v14 doc permission) does not.
   */
  thrown?: boolean;
  /** `frappe.flags.error_message`, e.g. list permission errors. */
  errorMessage?: string;
  /** Overrides the class status (a handler may set `http_status_code` itself). */
  status?: number;
}

export class FrappeException extends Error {
  readonly excType: string;
  readonly status: number;
  readonly frappeMessage: string | undefined;
  readonly title: string | undefined;
  readonly thrown: boolean;
  readonly errorMessage: string | undefined;

  constructor(excType: string, options: FrappeExceptionOptions = {}) {
    super(options.message ?? excType);
    this.name = 'FrappeException';
    this.excType = excType;
    this.status = options.status ?? statusForException(excType);
    this.frappeMessage = options.message;
    this.title = options.title;
    this.thrown = options.thrown ?? options.message !== undefined;
    this.errorMessage = options.errorMessage;
  }
}

/** `frappe.throw(message, exc)`: a logged message and an exception of that class. */
export function frappeThrow(excType: string, message: string, title?: string): FrappeException {
  return new FrappeException(excType, { message, title, thrown: true });
}

/** A bare `raise frappe.X` without a message. */
export function bareRaise(excType: string): FrappeException {
  return new FrappeException(excType, { thrown: false });
}

/** The error `is_whitelisted` raises when a Guest calls a method that is not `allow_guest`. */
export function notWhitelistedForGuest(method: string): FrappeException {
  return new FrappeException('PermissionError', {
    message: `<details><summary>You are not permitted to access this resource.</summary>Function <b>${method}</b> is not whitelisted.</details>`,
    title: 'Method Not Allowed',
    thrown: true,
  });
}

/**
 * An OAuth error in Frappe's own shape (`generate_json_error_response`, §2.7):
 * `{"description", "status_code", "error"}` with HTTP status = status_code.
 */
export class OAuthJsonError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly statusCode = 400,
  ) {
    super(description);
    this.name = 'OAuthJsonError';
  }
}
