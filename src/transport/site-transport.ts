import { ClockSkew } from './clock-skew';
import { HttpTransport, type TransportOptions } from './http-transport';
import { proxyRoutes } from './proxy';
import { UndiciEngine } from './undici-engine';

/** What a site's transport is made from: the transport's options, with the engine named. */
export interface SiteTransportOptions extends Omit<TransportOptions, 'clockSkew' | 'engine'> {
  transport?: 'axios' | 'undici';
}

/**
 * The HTTP transport of one site and the clock skew it learns from the site's `Date` headers.
 * Without `transport: 'undici'` the engine is HttpTransport's default, axios: undici is loaded
 * only when chosen.
 */
export function createSiteTransport(options: SiteTransportOptions): {
  transport: HttpTransport;
  clockSkew: ClockSkew;
} {
  const clockSkew = new ClockSkew(options.clock);
  const transport = new HttpTransport({
    clock: options.clock,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    maxResponseBytes: options.maxResponseBytes,
    clockSkew,
    engine: options.transport === 'undici' ? new UndiciEngine(options.userAgent, proxyRoutes()) : undefined,
  });
  return { transport, clockSkew };
}
