import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { classifyNetworkFailure, FrappeInputError, FrappeNetworkError } from '../errors';
import type { ClockSkew } from './clock-skew';

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  userAgent: string;
  clockSkew: ClockSkew;
  /** The local clock, the same one the skew estimate is relative to. */
  clock: () => number;
}

/** Per-request knobs every public method accepts. */
export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * The one axios instance (with keep-alive agents) that every call to the site goes through:
 * OAuth endpoints and REST alike. It never throws on an HTTP status — callers classify statuses —
 * and turns a missing response into `FrappeNetworkError`, so raw axios errors (which carry request
 * headers, and with them tokens) never leave this file.
 */
export class HttpTransport {
  readonly axios: AxiosInstance;
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(private readonly options: TransportOptions) {
    this.axios = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 0,
      validateStatus: () => true,
      // Keep the body as text: Frappe's error pages may be HTML, and bodies may be truncated.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      headers: { 'User-Agent': options.userAgent, Accept: 'application/json' },
    });
  }

  /** Sends a request and resolves with whatever status came back. */
  async send(config: AxiosRequestConfig, options: RequestOptions = {}): Promise<AxiosResponse<string>> {
    const sentAt = this.options.clock();
    const method = (config.method ?? 'GET').toUpperCase();
    const path = pathOf(config.url ?? '/');
    this.checkSameSite(config);
    if (options.signal?.aborted) {
      if (options.signal.reason instanceof FrappeNetworkError) throw options.signal.reason;
      throw new FrappeNetworkError({
        message: `${method} ${path} was aborted before it was sent`,
        reason: 'aborted',
      });
    }
    try {
      const response = await this.axios.request<string>({
        ...config,
        signal: options.signal ?? config.signal,
        timeout: options.timeoutMs ?? config.timeout ?? this.options.timeoutMs,
      });
      this.options.clockSkew.observe(headerOf(response, 'date'), sentAt, this.options.clock());
      return response;
    } catch (error) {
      // A call scope aborts its signal with the FrappeNetworkError that says why (deadline or caller).
      const reason: unknown = options.signal?.aborted ? options.signal.reason : undefined;
      if (reason instanceof FrappeNetworkError) throw reason;
      throw networkError(error, method, path, options.timeoutMs ?? this.options.timeoutMs);
    }
  }

  /**
   * Every request carries the site's bearer token, so it may only go to the site: an absolute URL
   * or a `baseURL` for another origin is refused before anything is sent.
   */
  private checkSameSite(config: AxiosRequestConfig): void {
    const origin = new URL(this.options.baseUrl).origin;
    for (const candidate of [config.baseURL, config.url]) {
      if (candidate === undefined || !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(candidate)) continue;
      let target: string;
      try {
        target = new URL(candidate, this.options.baseUrl).origin;
      } catch {
        throw new FrappeInputError({ message: 'the request URL is not valid' });
      }
      if (target !== origin) {
        throw new FrappeInputError({
          message: `refusing to send the site's token to ${target}: requests must stay on ${origin}`,
        });
      }
    }
  }

  /** Releases the keep-alive sockets; nothing of the transport keeps Node alive afterwards. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

export function headerOf(response: AxiosResponse, name: string): string | undefined {
  const value = (response.headers as Record<string, unknown>)[name];
  if (Array.isArray(value)) return value[0] as string | undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The path part of a URL or path, without query or fragment (queries may carry codes). */
export function pathOf(url: string): string {
  try {
    return new URL(url, 'http://placeholder').pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}

function networkError(error: unknown, method: string, path: string, timeoutMs: number): FrappeNetworkError {
  // Only the reason and code travel on: the axios error holds the request config, headers included.
  const { reason, code } = classifyNetworkFailure(error);
  if (reason === 'timeout') {
    return new FrappeNetworkError({
      message: `${method} ${path} timed out after ${timeoutMs} ms`,
      reason,
      code,
    });
  }
  if (reason === 'aborted') {
    return new FrappeNetworkError({ message: `${method} ${path} was aborted`, reason, code });
  }
  return new FrappeNetworkError({
    message: `${method} ${path} failed without a complete response (${code ?? 'unknown error'})`,
    reason,
    code,
  });
}
