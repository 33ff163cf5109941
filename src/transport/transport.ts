/** Per-request knobs every public method accepts. */
export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * What the transport needs of a cancellation signal. An AbortSignal fits, and so does a call's
 * own deadline (CallScope), which avoids building an AbortController for every call: axios takes
 * such a signal as it is (its GenericAbortSignal); an engine that needs a real one asks for it.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The options of one request inside the SDK. */
export interface SendOptions {
  signal?: CancelSignal;
  timeoutMs?: number;
  /**
   * The signal aborts when `timeoutMs` runs out (a call's deadline does): the engine then needs
   * no timer of its own for this request.
   */
  deadlineBySignal?: boolean;
}

/** A real AbortSignal for a cancel signal (the same one when it is already an AbortSignal). */
export function toAbortSignal(cancel: CancelSignal): AbortSignal {
  if (cancel instanceof AbortSignal) return cancel;
  const asSignal = (cancel as { asAbortSignal?: () => AbortSignal }).asAbortSignal;
  if (typeof asSignal === 'function') return asSignal.call(cancel);
  const controller = new AbortController();
  if (cancel.aborted) controller.abort(cancel.reason);
  else cancel.addEventListener('abort', () => controller.abort(cancel.reason), { once: true });
  return controller.signal;
}

/** What an engine is told about one request. */
export interface EngineOptions {
  signal?: CancelSignal;
  /** The longest the request may take, body included. */
  timeoutMs: number;
  /** True when `signal` aborts at `timeoutMs` by itself (see SendOptions). */
  deadlineBySignal?: boolean;
  /** The largest (decompressed) body accepted. */
  maxResponseBytes: number;
}

/** A request as the SDK builds it, free of any HTTP library's types. */
export interface TransportRequest {
  /** Default GET. */
  method?: string;
  /** A path on the site (`/api/resource/Customer`), or an absolute URL on the site's origin. */
  url: string;
  /** Query parameters; values are sent as given (strings). */
  params?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
  /** A string (sent as is), FormData (multipart), or a JSON value (sent as JSON). */
  data?: unknown;
  /** The largest (decompressed) body accepted; past it the request fails with `too_large`. */
  maxResponseBytes?: number;
}

/** What came back: any status (callers classify statuses), the body as text. */
export interface TransportResponse {
  status: number;
  statusText: string;
  /** Header names in lower case; a repeated header is joined with `, ` (`set-cookie` kept apart). */
  headers: Record<string, string | string[]>;
  /** The body decoded as UTF-8 (invalid sequences become U+FFFD). */
  data: string;
}

/**
 * The raw HTTP engine under the SDK (axios or undici): sends one request to a URL it is given,
 * follows no redirect, never throws on a status, and turns a missing response into
 * FrappeNetworkError — so an HTTP library's own errors, which carry request headers and with them
 * tokens, never leave it. It knows nothing of tokens or of Frappe.
 */
export interface TransportEngine {
  send(
    url: URL,
    request: TransportRequest & { method: string },
    options: EngineOptions,
  ): Promise<TransportResponse>;
  /** Releases pooled connections; nothing of the engine keeps Node alive afterwards. */
  close(): void;
}

/** The name of a header's first value, if any. */
export function headerOf(response: TransportResponse, name: string): string | undefined {
  const value = response.headers[name];
  if (Array.isArray(value)) return value[0];
  return value;
}
