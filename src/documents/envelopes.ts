import { FrappeError } from '../errors';
import { kindForExcType } from '../errors/error-kind';
import type { TransportResponse } from '../transport/transport';

/**
 * What a 2xx from the documents API must look like. `/api/resource` answers `{"data": …}`,
 * `/api/method` answers `{"message": …}` (no `message` when the method returned None); REST API
 * v2 answers everything under `data` (absent when the method returned None). Anything
 * else — an empty body, a body that is not a JSON object, a promised key missing, a value of the
 * wrong shape, or a 200 that carries an exception and no result (a proxy or cache rewriting an
 * error's status) — is a FrappeError with the status, never `undefined` passed off as a result.
 *
 * The error quotes nothing of the body: the token the request carried is not known here, so
 * server text (which may echo it) stays out; the exception class is kept when it is a known one.
 */

/** Where the result sits: `data` for `/api/resource`, `message` for `/api/method`. */
type Key = 'data' | 'message';

/** Parses a 2xx body: a JSON object, and not an exception with its status rewritten. */
export function jsonBody(response: TransportResponse, what: string, key?: Key): Record<string, unknown> {
  let parsed: unknown;
  if (response.data !== '' && response.data !== undefined) {
    try {
      parsed = JSON.parse(response.data);
    } catch {
      // reported below
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const shape =
      response.data === '' || response.data === undefined
        ? 'an empty body'
        : 'a body that is not a JSON object';
    throw unexpected(response, what, shape);
  }
  const body = parsed as Record<string, unknown>;
  if (key !== undefined && body[key] === undefined && isException(body)) {
    const excType = exceptionClass(body.exc_type) ?? exceptionClass(firstV2ErrorType(body));
    throw new FrappeError({
      message: `${what}: the site answered ${response.status} with an exception${excType ? ` (${excType})` : ''} instead of ${key}`,
      status: response.status,
      excType,
    });
  }
  return body;
}

/** `data` that may be absent (a document method that returned None). */
export function optionalDataOf<T>(response: TransportResponse, what: string): T | undefined {
  return jsonBody(response, what, 'data').data as T | undefined;
}

/** `message` that may be absent (a whitelisted method that returned None). */
export function messageOf<T>(response: TransportResponse, what: string): T | undefined {
  return jsonBody(response, what, 'message').message as T | undefined;
}

/** A method's result that may be absent: v1's `message`, v2's `data`. */
export function optionalValueOf<T>(response: TransportResponse, what: string, key: Key): T | undefined {
  return jsonBody(response, what, key)[key] as T | undefined;
}

/** `data` or `message` that the endpoint always sends. */
export function requiredValueOf(response: TransportResponse, what: string, key: Key): unknown {
  const value = jsonBody(response, what, key)[key];
  if (value === undefined) throw unexpected(response, what, `no ${key}`);
  return value;
}

/** A document (a JSON object) under `key`: getDoc, insertDoc, updateDoc, setValue, submit, cancel. */
export function documentOf<T>(response: TransportResponse, what: string, key: Key = 'data'): T {
  const value = requiredValueOf(response, what, key);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw unexpected(response, what, `${key} that is not a document`);
  }
  return value as T;
}

/** A list under `key`: getList, insertMany. */
export function listOf(response: TransportResponse, what: string, key: Key = 'data'): unknown[] {
  const value = requiredValueOf(response, what, key);
  if (!Array.isArray(value)) throw unexpected(response, what, `${key} that is not a list`);
  return value;
}

function unexpected(response: TransportResponse, what: string, shape: string): FrappeError {
  return new FrappeError({
    message: `${what}: the site answered ${response.status} with ${shape}`,
    status: response.status,
  });
}

/**
 * Frappe's error envelope: `exc_type`, `exc` (the traceback) or v14's `exception` line; v2's
 * `errors` list.
 */
function isException(body: Record<string, unknown>): boolean {
  return (
    body.exc_type !== undefined ||
    body.exc !== undefined ||
    body.exception !== undefined ||
    (Array.isArray(body.errors) && body.errors.length > 0)
  );
}

/** The class of v2's first error, `errors[0].type`, when there is one. */
function firstV2ErrorType(body: Record<string, unknown>): unknown {
  const first: unknown = Array.isArray(body.errors) ? body.errors[0] : undefined;
  return typeof first === 'object' && first !== null ? (first as { type?: unknown }).type : undefined;
}

/**
 * A Frappe exception class the SDK knows by name, or nothing: the field is server text, and one
 * that echoes the request's token must not be repeated, so only a known name is kept.
 */
function exceptionClass(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const bare = value.slice(value.lastIndexOf('.') + 1);
  return kindForExcType(bare) !== undefined ? bare : undefined;
}
