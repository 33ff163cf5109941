import { FrappeInputError, FrappeNetworkError } from '../errors';
import { AxiosEngine } from './axios-engine';
import type { ClockSkew } from './clock-skew';
import { proxyRoutes } from './proxy';
import {
  headerOf,
  type SendOptions,
  type TransportEngine,
  type TransportRequest,
  type TransportResponse,
} from './transport';

export type { RequestOptions, SendOptions } from './transport';

/** The largest answer a REST call takes by default (decompressed). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  userAgent: string;
  clockSkew: ClockSkew;
  /** The local clock, the same one the skew estimate is relative to. */
  clock: () => number;
  /** The engine; default axios. */
  engine?: TransportEngine;
  maxResponseBytes?: number;
}

/**
 * Everything the SDK sends to the site goes through here — OAuth endpoints and REST alike — and
 * on to the engine (axios or undici): the URL is resolved on the site and may not leave it, the
 * query is encoded one way for both engines, the server's clock is read from `Date`, and every
 * answer is bounded in size. It never throws on an HTTP status; callers classify statuses.
 */
export class HttpTransport {
  private readonly engine: TransportEngine;
  private readonly origin: string;
  /** The site's base with one trailing slash, so relative paths keep its path prefix. */
  private readonly base: string;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: TransportOptions) {
    this.engine = options.engine ?? new AxiosEngine(options.userAgent, proxyRoutes());
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/`;
    this.origin = new URL(this.base).origin;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** Sends a request and resolves with whatever status came back. */
  async send(request: TransportRequest, options: SendOptions = {}): Promise<TransportResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = this.resolve(request);
    if (options.signal?.aborted) {
      if (options.signal.reason instanceof FrappeNetworkError) throw options.signal.reason;
      throw new FrappeNetworkError({
        message: `${method} ${url.pathname} was aborted before it was sent`,
        reason: 'aborted',
      });
    }
    const sentAt = this.options.clock();
    try {
      const response = await this.engine.send(
        url,
        { ...request, method },
        {
          signal: options.signal,
          timeoutMs: options.timeoutMs ?? this.options.timeoutMs,
          deadlineBySignal: options.deadlineBySignal === true && options.timeoutMs !== undefined,
          maxResponseBytes: request.maxResponseBytes ?? this.maxResponseBytes,
        },
      );
      this.options.clockSkew.observe(headerOf(response, 'date'), sentAt, this.options.clock());
      return response;
    } catch (error) {
      // A call scope aborts its signal with the FrappeNetworkError that says why (deadline or caller).
      const reason: unknown = options.signal?.aborted ? options.signal.reason : undefined;
      if (reason instanceof FrappeNetworkError) throw reason;
      throw error;
    }
  }

  /** Releases the engine's pooled connections; nothing of the transport keeps Node alive afterwards. */
  close(): void {
    this.engine.close();
  }

  /**
   * The request's URL on the site. Every request carries the site's bearer token, so an absolute
   * URL for another origin is refused before anything is sent.
   */
  private resolve(request: TransportRequest): URL {
    const target = request.url;
    let url: URL;
    try {
      url = /^[a-z][a-z0-9+.-]*:|^\/\//i.test(target)
        ? new URL(target, this.base)
        : new URL(this.base + target.replace(/^\/+/, ''));
    } catch {
      throw new FrappeInputError({ message: 'the request URL is not valid' });
    }
    if (url.origin !== this.origin) {
      throw new FrappeInputError({
        message: `refusing to send the site's token to ${url.origin}: requests must stay on ${this.origin}`,
      });
    }
    if (request.params) {
      const query = encodeQuery(request.params);
      if (query) url.search = url.search ? `${url.search}&${query}` : `?${query}`;
    }
    return url;
  }
}

/**
 * `key=value&…` as axios has always encoded it for this SDK (so both engines send the same bytes):
 * encodeURIComponent, then `: $ , [ ]` kept and spaces as `+`.
 */
export function encodeQuery(params: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeComponent(key)}=${encodeComponent(String(value))}`);
  }
  return parts.join('&');
}

function encodeComponent(text: string): string {
  return encodeURIComponent(text)
    .replace(/%3A/gi, ':')
    .replace(/%24/g, '$')
    .replace(/%2C/gi, ',')
    .replace(/%20/g, '+')
    .replace(/%5B/gi, '[')
    .replace(/%5D/gi, ']');
}

/** The path part of a URL or path, without query or fragment (queries may carry codes). */
export function pathOf(url: string): string {
  try {
    return new URL(url, 'http://placeholder').pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}
