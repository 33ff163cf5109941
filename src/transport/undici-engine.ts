import { STATUS_CODES } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { FrappeConfigurationError, FrappeNetworkError } from '../errors';
import { networkError } from './network-error';
import type { ProxyRoute } from './proxy';
import { BodyTooLargeError, decodersFor, decodeUtf8, headersFromRaw, readBounded } from './response-body';
import type {
  CancelSignal,
  EngineOptions,
  TransportEngine,
  TransportRequest,
  TransportResponse,
} from './transport';
import { loadUndici, type Undici } from './undici-loader';

type SendOptions = EngineOptions;
type RequestBody = string | Buffer | Uint8Array | Readable | InstanceType<Undici['FormData']> | null;

/**
 * The engine on undici's `request` (chosen with `transport: 'undici'`), behaving as the axios
 * engine does: one keep-alive pooled Agent, no redirect followed, any status returned, bodies
 * decompressed (gzip, deflate, br) and bounded by `maxResponseBytes` on the decompressed bytes,
 * text decoded as UTF-8. `timeoutMs` bounds the whole request, body included. undici is loaded
 * on the first `send` (see undici-loader.ts), so merely importing the SDK never loads it.
 *
 * Proxies: http targets are forwarded to an http proxy as plain proxies expect (as axios does;
 * they travel in the clear anyway), https targets always go through a CONNECT tunnel, so the
 * proxy never sees the request or its bearer token.
 */
export class UndiciEngine implements TransportEngine {
  private agent: Dispatcher | undefined;
  private readonly proxies = new Map<string, Dispatcher>();

  constructor(
    private readonly userAgent: string,
    private readonly route: (url: URL) => ProxyRoute,
  ) {}

  async send(
    url: URL,
    request: TransportRequest & { method: string },
    options: SendOptions,
  ): Promise<TransportResponse> {
    const { method } = request;
    const label = `${method} ${url.pathname}`;
    // One AbortSignal for undici: the caller's cancel signal (an AbortSignal or a call's CallScope)
    // and the whole-request deadline, each with its own reason.
    const controller = new AbortController();
    const { signal } = controller;
    const onCallerAbort = () => controller.abort(callerAbortReason(options.signal, label));
    if (options.signal?.aborted) onCallerAbort();
    else options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    // A call's deadline already arrives through its signal; otherwise bound the request here.
    const timer = options.deadlineBySignal
      ? undefined
      : setTimeout(() => {
          controller.abort(
            new FrappeNetworkError({
              message: `${label} timed out after ${options.timeoutMs} ms`,
              reason: 'timeout',
              code: 'ETIMEDOUT',
            }),
          );
        }, options.timeoutMs);
    // The request's own socket keeps Node alive while it runs; the timer must not outlive it.
    timer?.unref();
    try {
      const undici = await loadUndici();
      throwIfAborted(signal);
      const { headers, body } = await requestContent(undici, this.userAgent, request);
      throwIfAborted(signal);
      const response = await undici.request(url, {
        dispatcher: this.dispatcherFor(undici, url),
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal,
        responseHeaders: 'raw',
        // Idle guards under the deadline above (which alone bounds the whole request).
        headersTimeout: Math.ceil(options.timeoutMs),
        bodyTimeout: Math.ceil(options.timeoutMs),
      });
      return await this.readResponse(response, method, label, options.maxResponseBytes, signal);
    } catch (error) {
      throw failure(error, signal, label, request.method, url.pathname, options);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  close(): void {
    const dispatchers = [...(this.agent ? [this.agent] : []), ...this.proxies.values()];
    this.agent = undefined;
    this.proxies.clear();
    // destroy() closes every socket now (idle or busy); the promise only reports when they are gone.
    for (const dispatcher of dispatchers) dispatcher.destroy().catch(() => undefined);
  }

  private async readResponse(
    response: Dispatcher.ResponseData,
    method: string,
    label: string,
    maxResponseBytes: number,
    signal: AbortSignal,
  ): Promise<TransportResponse> {
    const headers = headersFromRaw(response.headers as unknown as string[]);
    const body = response.body as unknown as Readable;
    const status = response.statusCode;
    const onAbort = () => body.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let decoders: Transform[] = [];
      if (method === 'HEAD' || status === 204 || status === 304) {
        // No body, whatever the header says (as axios drops the header then).
        delete headers['content-encoding'];
      } else {
        // Unknown codings: the body as it came, header kept (as axios does).
        decoders = decodersFor(joined(headers['content-encoding'])) ?? [];
        if (decoders.length > 0) delete headers['content-encoding'];
        const declared = Number(joined(headers['content-length']));
        if (decoders.length === 0 && Number.isFinite(declared) && declared > maxResponseBytes) {
          // Plain bytes, more of them than allowed: no need to read them first.
          throw new BodyTooLargeError(maxResponseBytes);
        }
      }
      const bytes = await readBounded(body, decoders, maxResponseBytes);
      return { status, statusText: STATUS_CODES[status] ?? '', headers, data: decodeUtf8(bytes) };
    } catch (error) {
      body.destroy();
      if (error instanceof BodyTooLargeError) {
        throw new FrappeNetworkError({
          message: `${label} answered more than ${maxResponseBytes} bytes`,
          reason: 'too_large',
        });
      }
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The pooled Agent, or the ProxyAgent for the URL's proxy (one per proxy, made on first use). */
  private dispatcherFor(undici: Undici, url: URL): Dispatcher {
    const route = this.route(url);
    if (route.kind === 'direct') {
      this.agent ??= new undici.Agent();
      return this.agent;
    }
    let proxy = this.proxies.get(route.proxy.href);
    if (!proxy) {
      proxy = createProxyAgent(undici, route.proxy);
      this.proxies.set(route.proxy.href, proxy);
    }
    return proxy;
  }
}

/**
 * A ProxyAgent that tunnels https targets with CONNECT (undici always does) and forwards plain
 * http targets (`proxyTunnel: false` applies to http targets through an http proxy only).
 */
function createProxyAgent(undici: Undici, proxy: URL): Dispatcher {
  const uri = new URL(proxy.href);
  uri.username = '';
  uri.password = '';
  let token: string | undefined;
  if (proxy.username) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    token = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return new undici.ProxyAgent({ uri: uri.href, proxyTunnel: false, ...(token ? { token } : {}) });
}

/** Headers (lower case, the SDK's defaults under the request's) and the body as undici sends it. */
async function requestContent(
  undici: Undici,
  userAgent: string,
  request: TransportRequest & { method: string },
): Promise<{ headers: Record<string, string>; body: RequestBody }> {
  const headers: Record<string, string> = {
    'user-agent': userAgent,
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate, br',
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  const body = await bodyOf(undici, request.data, headers);
  // As axios: a POST/PUT/PATCH without a content type of its own is sent as a form (Frappe reads
  // `a=1&b=2` strings as form fields only with this header).
  // (FormData: undici writes multipart with its boundary.)
  if (FORM_BY_DEFAULT.has(request.method) && !(body instanceof undici.FormData)) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  return { headers, body };
}

const FORM_BY_DEFAULT = new Set(['POST', 'PUT', 'PATCH']);

/** The body for `data` (see TransportRequest), setting the content type it implies unless given. */
async function bodyOf(undici: Undici, data: unknown, headers: Record<string, string>): Promise<RequestBody> {
  if (data === undefined || data === null) return null;
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (isFormData(data)) {
    // undici writes the multipart content type with its boundary; a caller's one would not match.
    delete headers['content-type'];
    return toUndiciFormData(undici, data);
  }
  if (data instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=utf-8';
    return data.toString();
  }
  if (data instanceof Blob) {
    headers['content-type'] ??= data.type || 'application/octet-stream';
    return Buffer.from(await data.arrayBuffer());
  }
  if (isReadable(data)) return data;
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(data);
}

function isFormData(value: unknown): value is FormData {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'FormData' &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/**
 * undici's own FormData: undici 7 checks the class, and Node's global FormData comes from the
 * undici copy bundled in Node — a different class, which undici 7 cannot serialize.
 */
async function toUndiciFormData(undici: Undici, form: FormData): Promise<InstanceType<Undici['FormData']>> {
  if (form instanceof undici.FormData) return form;
  const copy = new undici.FormData();
  for (const [name, value] of form as unknown as Iterable<[string, unknown]>) {
    if (typeof value === 'string') {
      copy.append(name, value);
    } else if (value instanceof Blob) {
      copy.append(name, value, (value as Partial<File>).name);
    } else {
      // A Blob-like value from another implementation: copied into a native Blob.
      const like = value as { arrayBuffer(): Promise<ArrayBuffer>; type?: string; name?: string };
      const blob = new Blob([await like.arrayBuffer()], { type: like.type ?? '' });
      copy.append(name, blob, like.name);
    }
  }
  return copy;
}

function isReadable(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).pipe === 'function' &&
    typeof (value as Readable).on === 'function'
  );
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function callerAbortReason(signal: CancelSignal | undefined, label: string): FrappeNetworkError {
  const reason: unknown = signal?.reason;
  if (reason instanceof FrappeNetworkError) return reason;
  return new FrappeNetworkError({ message: `${label} was aborted`, reason: 'aborted', code: 'ERR_CANCELED' });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

/**
 * What a failed request throws: the reason the signal was aborted with (the caller's or the
 * deadline's), or a FrappeNetworkError made from undici's error — never undici's error itself.
 */
function failure(
  error: unknown,
  signal: AbortSignal,
  label: string,
  method: string,
  path: string,
  options: SendOptions,
): unknown {
  if (signal.aborted && signal.reason instanceof FrappeNetworkError) return signal.reason;
  if (error instanceof FrappeNetworkError) return error;
  if (error instanceof FrappeConfigurationError) return error;
  const converted = networkError(error, method, path, options.timeoutMs);
  if (converted.reason === 'aborted') {
    // Nobody aborted (the signal is not): undici aborts on its own, e.g. when a proxy refuses a tunnel.
    return new FrappeNetworkError({
      message: `${label} failed without a complete response (${converted.code ?? 'aborted by the HTTP client'})`,
      reason: 'connection',
      code: converted.code,
    });
  }
  return converted;
}
