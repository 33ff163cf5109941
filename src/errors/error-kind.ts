/** Which error class a response maps to. */
export type ErrorKind =
  | 'authentication'
  | 'permission'
  | 'not-found'
  | 'validation'
  | 'duplicate'
  | 'conflict'
  | 'rate-limit'
  | 'server'
  | 'generic';

/**
 * Frappe exception classes with a class of their own (frappe-reference.md §8.3). Classes not
 * listed are mapped by HTTP status, so an app's own ValidationError subclass (417) is a
 * validation error, a Python error (500) a server error.
 */
const KIND_BY_EXC_TYPE: Readonly<Record<string, ErrorKind>> = {
  AuthenticationError: 'authentication',
  SessionExpired: 'authentication',
  InvalidAuthorizationHeader: 'authentication',
  InvalidAuthorizationPrefix: 'authentication',
  InvalidAuthorizationToken: 'authentication',
  PermissionError: 'permission',
  DoesNotExistError: 'not-found',
  PageDoesNotExistError: 'not-found',
  DuplicateEntryError: 'duplicate',
  NameError: 'duplicate',
  TimestampMismatchError: 'conflict',
  TooManyRequestsError: 'rate-limit',
  RateLimitExceededError: 'rate-limit',
};

/** The ValidationError family: validation errors whatever status a version gave them. */
const VALIDATION_FAMILY = new Set([
  'ValidationError',
  'MandatoryError',
  'LinkValidationError',
  'CancelledLinkError',
  'LinkExistsError',
  'LinkExpired',
  'UpdateAfterSubmitError',
  'DocstatusTransitionError',
  'CharacterLengthExceededError',
  'UniqueValidationError',
  'InvalidEmailAddressError',
  'InvalidNameError',
  'InvalidPhoneNumberError',
  'DataError',
  'DocumentLockedError',
  'MappingMismatchError',
  'InvalidStatusError',
  'NonNegativeError',
  'CannotChangeConstantError',
  'EmptyTableError',
  'InvalidDates',
  'DataTooLongException',
  'AttachmentLimitReached',
  'CircularLinkingError',
  'ImplicitCommitError',
  'InvalidColumnName',
  'TemplateNotFoundError',
  'AppNotInstalledError',
  'FrappeValueError',
]);

/** The kind an `exc_type` names, or `undefined` when only the status can tell. */
export function kindForExcType(excType: string | undefined): ErrorKind | undefined {
  if (!excType) return undefined;
  if (Object.hasOwn(KIND_BY_EXC_TYPE, excType)) return KIND_BY_EXC_TYPE[excType];
  return VALIDATION_FAMILY.has(excType) ? 'validation' : undefined;
}

/** The kind an HTTP status means on Frappe when the body does not say more. */
export function kindForStatus(status: number | undefined): ErrorKind {
  switch (status) {
    case 401:
      return 'authentication';
    case 403:
      return 'permission';
    case 404:
      return 'not-found';
    case 409:
      return 'duplicate';
    case 417:
      return 'validation';
    case 429:
      return 'rate-limit';
    default:
      return status !== undefined && status >= 500 && status <= 599 ? 'server' : 'generic';
  }
}
