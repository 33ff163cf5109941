import { AuthorizationFlow } from './auth/authorization-flow';
import { endpointsFor, FRAPPE_OAUTH_PATHS } from './auth/frappe-endpoints';
import { discoverIssuer } from './auth/issuer-discovery';
import { LifecycleShared } from './auth/lifecycle-shared';
import { TokenEndpoint } from './auth/token-endpoint';
import { TokenStore } from './auth/token-store';
import type { ResolvedOptions } from './options';
import { ClockSkew } from './transport/clock-skew';
import { HttpTransport } from './transport/http-transport';

/** What every client of one configuration shares: store, lock, HTTP agents, clock estimate. */
export interface SharedContext {
  options: ResolvedOptions;
  transport: HttpTransport;
  clockSkew: ClockSkew;
  store: TokenStore;
  shared: LifecycleShared;
  tokenEndpoint: TokenEndpoint;
  flow: AuthorizationFlow | undefined;
  discoveredIssuer?: Promise<string>;
}

/** Builds the shared parts for one configuration. */
export function createContext(options: ResolvedOptions): SharedContext {
  const clockSkew = new ClockSkew(options.clock);
  const transport = new HttpTransport({
    clock: options.clock,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    clockSkew,
  });
  const store = new TokenStore(
    options.store,
    `${encodeURIComponent(options.baseUrl)}:${encodeURIComponent(options.clientId)}`,
  );
  const endpoints = endpointsFor(options.baseUrl, options.issuer);
  const flow = options.redirectUri
    ? new AuthorizationFlow(
        {
          clientId: options.clientId,
          redirectUri: options.redirectUri,
          scopes: options.scopes,
          endpoints,
          allowInsecureHttp: options.allowInsecureHttp,
          pendingTtlMs: options.pendingAuthorizationTtlSeconds * 1000,
        },
        store,
      )
    : undefined;
  return {
    options,
    transport,
    clockSkew,
    store,
    shared: new LifecycleShared(),
    tokenEndpoint: new TokenEndpoint(transport, FRAPPE_OAUTH_PATHS.token, {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    }),
    flow,
  };
}

/** The configured issuer, or the discovered one (fetched once per configuration, again after a failure). */
export function expectedIssuer(context: SharedContext): Promise<string> {
  const { options, transport } = context;
  if (!options.discoverIssuer) return Promise.resolve(options.issuer);
  context.discoveredIssuer ??= discoverIssuer(transport, options.baseUrl).catch((error: unknown) => {
    context.discoveredIssuer = undefined;
    throw error;
  });
  return context.discoveredIssuer;
}
