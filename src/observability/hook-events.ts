/**
 * The payloads of `client.on('request' | 'retry', …)`. Like token events they carry no secret: no
 * header, no body, no query value, no token (a fingerprint at most); errors by class name and
 * their scrubbed message.
 */

/** A failure, as hooks and logs name it: the error's class, its reason or code, its scrubbed text. */
export interface ObservedError {
  /** The error's class name (`FrappeNetworkError`, `FrappeRateLimitError`, …). */
  name: string;
  /** The message, scrubbed of every secret the client holds. */
  message: string;
  /** FrappeNetworkError's `reason` (`timeout`, `reset`, …), when it has one. */
  reason?: string;
}

/** One HTTP request of a REST call: every attempt, and the one repeat after a 401/403 replacement. */
export interface RequestEvent {
  tokenKey: string;
  /** `GET`, `POST`, … */
  method: string;
  /** The route template, e.g. `/api/resource/{doctype}/{name}` (safe for dashboards). */
  route: string;
  /** The path without its query (document names included, query values never). */
  path: string;
  /** The DocType the route names, when it names one. */
  doctype?: string;
  /** The HTTP status; undefined when no answer came (see `error`). */
  status?: number;
  /** From sending the request to the end of the answer's body, in milliseconds. */
  durationMs: number;
  /** 1 for the first request of the call, then 2, 3, … for each request sent again. */
  attempt: number;
  /** Why no answer came (a network failure, a timeout, an abort). */
  error?: ObservedError;
}

/** Why a request is tried again. */
export type RetryReason = 'rate_limited' | 'server_error' | 'network';

/** A retry about to happen: announced before its wait starts. */
export interface RetryEvent {
  tokenKey: string;
  method: string;
  route: string;
  path: string;
  doctype?: string;
  /** The attempt that failed (1-based); the next one is `attempt + 1`. */
  attempt: number;
  reason: RetryReason;
  /** The status of the failed attempt, when an answer came. */
  status?: number;
  /** How long the SDK waits before the next attempt (`Retry-After` when the site gave one). */
  delayMs: number;
  /** Whether the wait is the site's `Retry-After` rather than the SDK's backoff. */
  retryAfter: boolean;
  error: ObservedError;
}

export type RequestEventListener = (event: RequestEvent) => void;
export type RetryEventListener = (event: RetryEvent) => void;
