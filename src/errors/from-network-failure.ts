import { describeRequest } from '../responses/request-label';
import { FrappeNetworkError, type NetworkFailureReason } from './frappe-network-error';

/** The request that got no response. */
export interface FailedRequest {
  method?: string;
  /** Only origin + path are kept. */
  url?: string | URL;
  /** Secrets to scrub from the attached cause. */
  redact?: Iterable<string>;
  /** Overrides the classification, e.g. `timeout` when the caller's own timer fired. */
  reason?: NetworkFailureReason;
}

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const ABORT_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR', 'UND_ERR_ABORTED']);
const CONNECTION_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network down',
  UND_ERR_SOCKET: 'connection closed',
  ERR_NETWORK: 'network error',
};

/**
 * Why a request got no response, from the error an HTTP client threw (axios, fetch/undici, Node
 * sockets): its `code` or name, or those of its causes.
 */
export function classifyNetworkFailure(error: unknown): { reason: NetworkFailureReason; code?: string } {
  let current: unknown = error;
  let firstCode: string | undefined;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    const text = typeof code === 'string' ? code : undefined;
    firstCode ??= text;
    if (name === 'AbortError' || name === 'CanceledError' || (text && ABORT_CODES.has(text))) {
      return { reason: 'aborted', code: text ?? firstCode };
    }
    if (name === 'TimeoutError' || (text && TIMEOUT_CODES.has(text)))
      return { reason: 'timeout', code: text };
    if (text && (Object.hasOwn(CONNECTION_TEXT, text) || /^(?:E[A-Z]+|UND_ERR_\w+)$/.test(text))) {
      return { reason: 'connection', code: text };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return { reason: 'unknown', code: firstCode };
}

/**
 * The {@link FrappeNetworkError} for a request that got no response. The message names the request
 * and the failure (`GET /api/resource/ToDo → no response: connection refused (ECONNREFUSED)`);
 * `error` is attached as a safe copy (name, scrubbed message, code), never as it is.
 */
export function errorFromNetworkFailure(error: unknown, request: FailedRequest = {}): FrappeNetworkError {
  const classified = classifyNetworkFailure(error);
  const reason = request.reason ?? classified.reason;
  const code = classified.code && /^[\w.-]{1,64}$/.test(classified.code) ? classified.code : undefined;
  const what =
    reason === 'timeout'
      ? 'timed out'
      : reason === 'aborted'
        ? 'aborted'
        : ((code && CONNECTION_TEXT[code]) ??
          (reason === 'connection' ? 'connection failed' : 'request failed'));
  const prefix = describeRequest(request.method, request.url).replace(/^Frappe answered $/, '');
  return new FrappeNetworkError({
    message: `${prefix}no response: ${what}${code ? ` (${code})` : ''}`,
    reason,
    code,
    method: request.method,
    url: request.url,
    cause: error,
    redact: request.redact,
  });
}
