import { request as httpRequest } from 'node:http';
import { type AgentOptions, Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { isLoopbackHost } from './loopback-host';

/** How a request reaches its URL: straight, or through a proxy. */
export type ProxyRoute = { kind: 'direct' } | { kind: 'proxy'; proxy: URL };

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The proxy routing that `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (or their lower-case forms)
 * ask for, read once. `NO_PROXY` holds host names, `.suffix` or `suffix` domain matches, optional
 * `:port`, or `*`. Loopback hosts are always reached directly: a proxy cannot reach this machine's
 * loopback, and a local test site must not be sent away.
 */
export function proxyRoutes(env: Environment = process.env): (url: URL) => ProxyRoute {
  const https = parseProxy(env.HTTPS_PROXY ?? env.https_proxy);
  const http = parseProxy(env.HTTP_PROXY ?? env.http_proxy);
  const exclusions = (env.NO_PROXY ?? env.no_proxy ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  return (url) => {
    const proxy = url.protocol === 'https:' ? https : http;
    if (!proxy) return { kind: 'direct' };
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (isLoopbackHost(host) || isLoopbackHost(url.hostname) || excluded(host, url.port, exclusions)) {
      return { kind: 'direct' };
    }
    return { kind: 'proxy', proxy };
  };
}

function parseProxy(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function excluded(host: string, port: string, exclusions: readonly string[]): boolean {
  return exclusions.some((entry) => {
    if (entry === '*') return true;
    const [name = '', entryPort] = entry.replace(/^\*?\./, '.').split(/:(?=\d+$)/);
    if (entryPort !== undefined && entryPort !== port) return false;
    const bare = name.replace(/^\./, '');
    return host === bare || host.endsWith(`.${bare}`);
  });
}

/**
 * An https agent whose connections are CONNECT tunnels through an http(s) proxy: the proxy sees
 * only the target host and port, then TLS bytes. Never a plain forward, which would show the
 * proxy the request, bearer token included.
 */
export class TunnelingAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, ...options });
  }

  override createConnection(
    options: { host?: string; port?: number | string; servername?: string } & Record<string, unknown>,
    callback: (error: Error | null, socket?: Duplex) => void,
  ): undefined {
    const host = String(options.host ?? 'localhost');
    const port = Number(options.port ?? 443);
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { Host: authority };
    if (this.proxy.username) {
      const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
      headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const connectRequest = httpRequest({
      host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(this.proxy.port || 80),
      method: 'CONNECT',
      path: authority,
      headers,
    });
    connectRequest.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        callback(
          Object.assign(new Error(`the proxy refused the tunnel (${response.statusCode})`), {
            code: 'EPROXY',
          }),
        );
        return;
      }
      const secure = tlsConnect({ ...(options as object), socket, servername: options.servername ?? host });
      secure.once('secureConnect', () => callback(null, secure));
      secure.once('error', (error) => callback(error));
    });
    connectRequest.once('error', (error) => callback(error));
    connectRequest.end();
    return undefined;
  }
}
