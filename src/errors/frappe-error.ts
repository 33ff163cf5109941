import { sanitizeUrl, scrubAndTruncate, scrubText } from '../redaction/redact';
import { SecretSet } from '../redaction/secret-set';
import { MAX_MESSAGE_LENGTH, MAX_MESSAGES } from '../responses/limits';
import { defineErrorName, FRAPPE_ERROR_BRAND } from './brand';
import { toSafeCause } from './safe-cause';

/** What every error of this package can be constructed from. All fields are optional. */
export interface FrappeErrorOptions {
  /** The error message. Each class has a default. URL queries and `redact` secrets are removed. */
  message?: string;
  /** The HTTP status Frappe answered with, if any. */
  status?: number;
  /** Frappe's exception class name (`exc_type`, e.g. `DoesNotExistError`), if known. */
  excType?: string;
  /** Frappe's messages (`_server_messages`), already decoded to plain text. At most 50 are kept. */
  messages?: readonly string[];
  /**
   * What led to this error. A FrappeError is kept as it is; any other error is replaced by a safe
   * copy (name, scrubbed message, `code`, stack frames) and non-errors by a placeholder, so a raw
   * axios error with its request headers is never kept.
   */
  cause?: unknown;
  /** The HTTP method of the request that failed. */
  method?: string;
  /** The request URL. Only origin + path are kept (queries may carry codes or tokens). */
  url?: string | URL;
  /** Secrets to scrub from every field and from the cause (see `redactSecrets`). */
  redact?: Iterable<string>;
}

/** The plain, secret-free object `JSON.stringify(error)` produces. */
export interface FrappeErrorJson {
  name: string;
  message: string;
  status?: number;
  excType?: string;
  messages: string[];
  method?: string;
  url?: string;
  [field: string]: unknown;
}

/**
 * The base of every error this package throws.
 *
 * Secret safety: an error keeps only what is listed here (and the few fields a subclass adds) —
 * never request headers or bodies, never a raw HTTP-library error. `url` is reduced to origin +
 * path, `cause` is non-enumerable and itself a safe copy, and `toJSON()` returns an explicit
 * allow-list of fields. So `message`, `Object.keys`, `util.inspect` and `JSON.stringify` of an error
 * carry no token, secret, password or code. The `redact` secrets are scrubbed from every field; an
 * `excType` or `method` that held one is dropped (what is left of it names nothing). `messages` keeps
 * at most 50 entries of at most 2,000 characters.
 */
export class FrappeError extends Error {
  static {
    defineErrorName(FrappeError, 'FrappeError');
    Object.defineProperty(FrappeError.prototype, FRAPPE_ERROR_BRAND, { value: true, enumerable: false });
  }

  /** The HTTP status, or `undefined` when there was no response. */
  readonly status: number | undefined;
  /** Frappe's exception class name (`exc_type`), when the response named one. */
  readonly excType: string | undefined;
  /** Frappe's `_server_messages` (and `_error_message`) as plain text, in order. */
  readonly messages: string[];
  /** The HTTP method of the failed request, if known. */
  readonly method: string | undefined;
  /** The failed request's URL without query, fragment or userinfo, if known. */
  readonly url: string | undefined;

  constructor(options: FrappeErrorOptions = {}) {
    const secrets = SecretSet.from(options.redact);
    super(scrubText(options.message ?? 'Frappe request failed', secrets));
    this.status =
      typeof options.status === 'number' && Number.isInteger(options.status) ? options.status : undefined;
    this.excType = unlessSecret(options.excType, secrets);
    this.messages = keptMessages(options.messages, secrets);
    this.method = unlessSecret(options.method, secrets)?.toUpperCase();
    this.url = options.url !== undefined ? secrets.scrub(sanitizeUrl(options.url)) || undefined : undefined;
    const cause = toSafeCause(options.cause, secrets);
    if (cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: cause,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
  }

  /** A plain object with the error's safe fields (used by `JSON.stringify`). */
  toJSON(): FrappeErrorJson {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      excType: this.excType,
      messages: [...this.messages],
      method: this.method,
      url: this.url,
    };
  }
}

/** A non-empty string that holds none of the secrets, else `undefined`. */
function unlessSecret(value: unknown, secrets: SecretSet): string | undefined {
  return typeof value === 'string' && value && secrets.scrub(value) === value ? value : undefined;
}

/** The first 50 strings, each scrubbed and cut to 2,000 characters. */
function keptMessages(messages: readonly unknown[] | undefined, secrets: SecretSet): string[] {
  const kept: string[] = [];
  if (!Array.isArray(messages)) return kept;
  for (let i = 0; i < messages.length && kept.length < MAX_MESSAGES; i++) {
    const text = messages[i];
    if (typeof text === 'string') kept.push(scrubAndTruncate(text, secrets, MAX_MESSAGE_LENGTH));
  }
  return kept;
}

/**
 * Whether `value` is a FrappeError — also one created by another copy of this package (the ESM and
 * the CJS build loaded side by side), where `instanceof` cannot tell.
 *
 * @param value anything caught
 * @returns true for a FrappeError of any subclass and any copy of the package; never throws
 */
export function isFrappeError(value: unknown): value is FrappeError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [FRAPPE_ERROR_BRAND]?: unknown })[FRAPPE_ERROR_BRAND] === true
  );
}
