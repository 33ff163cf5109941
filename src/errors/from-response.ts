import { STATUS_CODES } from 'node:http';
import { SecretSet } from '../redaction/secret-set';
import { classFromExceptionLine, className, exceptionLineText } from '../responses/envelope-class-name';
import { readV2Errors } from '../responses/envelope-v2';
import { type HeaderSource, readHeader } from '../responses/headers';
import { MAX_MESSAGE_LENGTH, MAX_MESSAGES } from '../responses/limits';
import { rateLimitFrom } from '../responses/rate-limit-headers';
import { describeRequest } from '../responses/request-label';
import { type ResponseBody, readResponseBody } from '../responses/response-body';
import { retryAfterFrom } from '../responses/retry-after';
import { decodeServerMessageEntries } from '../responses/server-messages';
import { capServerText, decodeServerText, serverText } from '../responses/server-text';
import { type ErrorKind, kindForExcType, kindForStatus } from './error-kind';
import { FrappeAuthenticationError } from './frappe-authentication-error';
import { FrappeConflictError } from './frappe-conflict-error';
import { FrappeDuplicateEntryError } from './frappe-duplicate-entry-error';
import { FrappeError, type FrappeErrorOptions } from './frappe-error';
import { FrappeNotFoundError } from './frappe-not-found-error';
import { FrappeOAuthError } from './frappe-oauth-error';
import { FrappePermissionError } from './frappe-permission-error';
import { FrappeRateLimitError } from './frappe-rate-limit-error';
import { FrappeServerError } from './frappe-server-error';
import { FrappeValidationError } from './frappe-validation-error';
import { MAX_DETAIL_LENGTH, MAX_ERROR_CODE_LENGTH } from './limits';

/** An HTTP error response, in terms free of any HTTP library's types. */
export interface ErrorResponse {
  status: number;
  /** Response headers (plain object, fetch `Headers` or axios `AxiosHeaders`). Read, never kept. */
  headers?: HeaderSource;
  /** The body as the HTTP client gave it: parsed JSON, a string, bytes, or nothing. Never kept. */
  body?: unknown;
  /** The request method, for the message. */
  method?: string;
  /** The request URL; only origin + path are kept. */
  url?: string | URL;
  /** What led to the error (e.g. the HTTP client's error); attached as a safe copy. */
  cause?: unknown;
  /** Secrets (tokens, client secret, password) to scrub from everything taken from the body. */
  redact?: Iterable<string>;
  /** The current time in ms since the epoch, for `Retry-After` dates. Default `Date.now()`. */
  now?: number;
}

/** What the body says about the error. */
interface BodyFacts {
  excType?: string;
  messages: string[];
  /** The message that belongs to the raised exception, when known. */
  primary?: string;
  oauth?: { error: string; description?: string; uri?: string };
  /** Last-resort text for the message (`exception` line, a bare `message`, a plain-text body). */
  fallback?: string;
  /** A remark on a body that could not be used, e.g. "HTML error page". */
  note?: string;
}

/**
 * The typed error for a Frappe error response (frappe-reference.md §2.3, §2.7, §8).
 *
 * Class selection, for status ≥ 400: an OAuth-shaped body (`{error, error_description}` or
 * `{description, status_code, error}`, without `exc_type`) gives {@link FrappeOAuthError} (or
 * {@link FrappeServerError} for a 5xx); otherwise the exception class — `exc_type`, v2's
 * `errors[0].type`, or the class in v14's `exception` line — picks the class when it has one of its
 * own (TimestampMismatchError → conflict, RateLimitExceededError → rate limit, the ValidationError
 * family → validation, …); otherwise the status does (401, 403, 404, 409, 417, 429, 5xx). Anything
 * else, and any status below 400, is a plain {@link FrappeError}.
 *
 * The message is short, e.g. `GET /api/resource/Customer/X → 404 DoesNotExistError: Customer X not
 * found`. An HTML page, truncated JSON or an empty body is described, never quoted. Never throws.
 *
 * Server text is untrusted: raw text is cut to 256 KiB before it is parsed or decoded, and decoding
 * is linear in its size; `messages` holds at most 50 entries of at most 2,000 characters, the
 * message quotes at most 300. The `redact` secrets are scrubbed from every field kept, in their raw,
 * percent-encoded, JSON- and HTML-escaped forms, before decoding and again after it; an `exc_type`
 * that held one is dropped.
 */
export function errorFromResponse(response: ErrorResponse): FrappeError {
  const secrets = SecretSet.from(response.redact);
  const status = Number.isInteger(response.status) ? response.status : undefined;
  const body = readResponseBody(response.body, readHeader(response.headers, 'content-type'), secrets);
  const facts = safeFactsFromBody(body, secrets);
  const kind = chooseKind(status, facts);
  const label =
    facts.excType ?? facts.oauth?.error ?? (status !== undefined ? STATUS_CODES[status] : undefined);
  const detailText = facts.primary ?? facts.messages.at(-1) ?? facts.oauth?.description ?? facts.fallback;
  const detail = detailText ? secrets.truncate(detailText, MAX_DETAIL_LENGTH) : undefined;
  const message =
    `${describeRequest(response.method, response.url)}` +
    `${status ?? 'no status'}${label ? ` ${label}` : ''}` +
    `${detail ? `: ${detail}` : ''}${facts.note ? ` (${facts.note})` : ''}`;

  const options: FrappeErrorOptions = {
    message,
    status,
    excType: facts.excType,
    messages: facts.messages,
    method: response.method,
    url: response.url,
    cause: response.cause,
    redact: secrets,
  };
  if (kind === 'oauth' && facts.oauth) {
    return new FrappeOAuthError({
      ...options,
      error: facts.oauth.error,
      errorDescription: facts.oauth.description,
      errorUri: facts.oauth.uri,
    });
  }
  const retryAfterSeconds = retryAfterFrom(response.headers, response.now);
  switch (kind) {
    case 'authentication':
      return new FrappeAuthenticationError(options);
    case 'permission':
      return new FrappePermissionError(options);
    case 'not-found':
      return new FrappeNotFoundError(options);
    case 'validation':
      return new FrappeValidationError(options);
    case 'duplicate':
      return new FrappeDuplicateEntryError(options);
    case 'conflict':
      return new FrappeConflictError(options);
    case 'rate-limit':
      return new FrappeRateLimitError({
        ...options,
        retryAfterSeconds,
        window: rateLimitFrom(response.headers),
      });
    case 'server':
      return new FrappeServerError({ ...options, retryAfterSeconds });
    default:
      return new FrappeError(options);
  }
}

function chooseKind(status: number | undefined, facts: BodyFacts): ErrorKind | 'oauth' {
  if (status === undefined || status < 400) return 'generic';
  if (facts.oauth) return status >= 500 ? 'server' : 'oauth';
  return kindForExcType(facts.excType) ?? kindForStatus(status);
}

/** A parsed body may be any object a client built (a Proxy, getters that throw): none may escape. */
function safeFactsFromBody(body: ResponseBody, secrets: SecretSet): BodyFacts {
  try {
    return factsFromBody(body, secrets);
  } catch {
    return { messages: [], note: 'unreadable body' };
  }
}

function factsFromBody(body: ResponseBody, secrets: SecretSet): BodyFacts {
  switch (body.kind) {
    case 'json':
      return isRecord(body.value) ? factsFromObject(body.value, secrets) : { messages: [] };
    case 'html':
      return { messages: [], note: 'HTML error page' };
    case 'text':
      // Decoded like all server text: a proxy's "plain" text may still hold markup or entities.
      return { messages: [], fallback: decodeServerText(body, secrets, MAX_MESSAGE_LENGTH) || undefined };
    case 'invalid-json':
      // Salvage the class name from a truncated body; keep nothing else of it.
      return {
        messages: [],
        excType: className(/"exc_type"\s*:\s*"([^"\\]{1,200})"/.exec(body.text)?.[1], secrets),
        note: 'truncated or invalid JSON body',
      };
    case 'empty':
      return { messages: [], note: 'empty body' };
    default:
      return { messages: [], note: 'unreadable body' };
  }
}

function factsFromObject(record: Record<string, unknown>, secrets: SecretSet): BodyFacts {
  // REST API v2's envelope (`errors`, `messages`); v1's keys are read alongside, as a proxy or an
  // app may mix them.
  const v2 = readV2Errors(record, secrets);
  // Capped and scrubbed whole before it is split at its colon: a secret holding a colon stays whole.
  const exceptionLine =
    typeof record.exception === 'string' ? capServerText(record.exception, secrets) : undefined;
  const excType =
    className(record.exc_type, secrets) ?? v2.excType ?? classFromExceptionLine(exceptionLine, secrets);

  const entries = decodeServerMessageEntries(record._server_messages, secrets);
  entries.push(...v2.entries);
  const messages = entries.map((entry) => entry.text);
  const errorMessage =
    typeof record._error_message === 'string'
      ? serverText(record._error_message, secrets, MAX_MESSAGE_LENGTH)
      : '';
  if (errorMessage && !messages.includes(errorMessage)) messages.push(errorMessage);

  const facts: BodyFacts = {
    excType,
    messages: messages.slice(0, MAX_MESSAGES),
    primary: entries.find((entry) => entry.raiseException)?.text ?? (errorMessage || undefined),
    fallback:
      exceptionLineText(exceptionLine, secrets) ?? v2.fallback ?? plainMessage(record.message, secrets),
  };
  if (
    typeof record.error === 'string' &&
    record.error &&
    typeof record.exc_type !== 'string' &&
    !v2.hasErrors
  ) {
    const description = record.error_description ?? record.description;
    const text = typeof description === 'string' ? serverText(description, secrets, MAX_MESSAGE_LENGTH) : '';
    facts.oauth = {
      error: secrets.truncate(record.error, MAX_ERROR_CODE_LENGTH).replace(/\s+/g, ' ').trim(),
      description: text || undefined,
      uri:
        typeof record.error_uri === 'string'
          ? secrets.truncate(record.error_uri, MAX_MESSAGE_LENGTH)
          : undefined,
    };
  }
  return facts;
}

function plainMessage(message: unknown, secrets: SecretSet): string | undefined {
  if (typeof message !== 'string') return undefined;
  return serverText(message, secrets, MAX_MESSAGE_LENGTH) || undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
