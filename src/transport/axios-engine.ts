import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { FrappeNetworkError } from '../errors';
import { networkError } from './network-error';
import { type ProxyRoute, TunnelingAgent } from './proxy';
import type { EngineOptions, TransportEngine, TransportRequest, TransportResponse } from './transport';

/**
 * The default engine: one axios instance with keep-alive agents. axios's own proxy support is
 * switched off (it forwards https requests in the clear to the proxy, which would show it the
 * token); proxies from the environment are taken care of by the agents given per route.
 */
export class AxiosEngine implements TransportEngine {
  private readonly axios: AxiosInstance;
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });
  private readonly tunnels = new Map<string, TunnelingAgent>();

  constructor(
    userAgent: string,
    private readonly route: (url: URL) => ProxyRoute,
  ) {
    this.axios = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      proxy: false,
      maxRedirects: 0,
      validateStatus: () => true,
      // Keep the body as text: Frappe's error pages may be HTML, and bodies may be truncated.
      responseType: 'text',
      responseEncoding: 'utf8',
      transformResponse: [(data: unknown) => data],
      headers: { 'User-Agent': userAgent, Accept: 'application/json' },
    });
  }

  async send(
    url: URL,
    request: TransportRequest & { method: string },
    options: EngineOptions,
  ): Promise<TransportResponse> {
    const config: AxiosRequestConfig = {
      method: request.method,
      url: url.href,
      headers: request.headers as Record<string, string> | undefined,
      data: request.data,
      // axios takes any object with aborted/addEventListener/removeEventListener (GenericAbortSignal).
      signal: options.signal as AxiosRequestConfig['signal'],
      // axios's timeout is a socket idle timer set per request; when the call's deadline already
      // arrives through the signal, it would only repeat that (and cost a timer per request).
      timeout: options.deadlineBySignal ? 0 : options.timeoutMs,
      // Counted on the decompressed bytes as they arrive; past it the stream is destroyed.
      maxContentLength: options.maxResponseBytes,
    };
    this.routeThroughProxy(url, config);
    try {
      const response = await this.axios.request<string>(config);
      return {
        status: response.status,
        statusText: response.statusText ?? '',
        headers: plainHeaders(response.headers as unknown as Record<string, unknown>),
        data: typeof response.data === 'string' ? response.data : String(response.data ?? ''),
      };
    } catch (error) {
      if (isTooLarge(error)) {
        throw new FrappeNetworkError({
          message: `${request.method} ${url.pathname} answered more than ${options.maxResponseBytes} bytes`,
          reason: 'too_large',
        });
      }
      throw networkError(error, request.method, url.pathname, options.timeoutMs);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const tunnel of this.tunnels.values()) tunnel.destroy();
    this.tunnels.clear();
  }

  /** https through a CONNECT tunnel; plain http forwarded as proxies do (it is in the clear anyway). */
  private routeThroughProxy(url: URL, config: AxiosRequestConfig): void {
    const route = this.route(url);
    if (route.kind === 'direct') return;
    if (url.protocol === 'https:') {
      let tunnel = this.tunnels.get(route.proxy.href);
      if (!tunnel) {
        tunnel = new TunnelingAgent(route.proxy);
        this.tunnels.set(route.proxy.href, tunnel);
      }
      config.httpsAgent = tunnel;
      return;
    }
    config.proxy = {
      protocol: route.proxy.protocol.replace(/:$/, ''),
      host: route.proxy.hostname,
      port: Number(route.proxy.port || (route.proxy.protocol === 'https:' ? 443 : 80)),
      ...(route.proxy.username
        ? {
            auth: {
              username: decodeURIComponent(route.proxy.username),
              password: decodeURIComponent(route.proxy.password),
            },
          }
        : {}),
    };
  }
}

function isTooLarge(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /^maxContentLength size of \d+ exceeded$/.test(message);
}

function plainHeaders(headers: Record<string, unknown>): Record<string, string | string[]> {
  const plain: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') plain[name.toLowerCase()] = value;
    else if (Array.isArray(value)) plain[name.toLowerCase()] = value.map(String);
    else if (typeof value === 'number') plain[name.toLowerCase()] = String(value);
  }
  return plain;
}
