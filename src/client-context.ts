import { AuthorizationFlow } from './auth/authorization-flow';
import { ClientSecrets } from './auth/client-secrets';
import { endpointsFor, FRAPPE_OAUTH_PATHS } from './auth/frappe-endpoints';
import { discoverAuthorizationServerIssuer, discoverIssuer } from './auth/issuer-discovery';
import { inProcessLockFor, type RefreshLock } from './auth/refresh-lock';
import type { LogLine } from './auth/safe-logger';
import { makeStoreThrow } from './auth/strict-store';
import { TokenEndpoint } from './auth/token-endpoint';
import { TokenEventBus } from './auth/token-event-bus';
import { TokenLifecycle } from './auth/token-lifecycle';
import { TokenStore } from './auth/token-store';
import { ApiVersionSelector, detectApiVersion } from './documents/api-version';
import { observeOAuthRequests } from './observability/oauth-requests';
import { Observer } from './observability/observer';
import type { ResolvedOptions } from './options';
import type { ClockSkew } from './transport/clock-skew';
import type { HttpTransport } from './transport/http-transport';
import { createSiteTransport } from './transport/site-transport';

/**
 * What every client of one configuration shares (the one built with `new` and its `withTokenKey`
 * clients): store, refresh lock, HTTP agents, clock estimate, token events, and one lifecycle —
 * one token slot — per token key.
 */
export interface SharedContext {
  options: ResolvedOptions;
  transport: HttpTransport;
  clockSkew: ClockSkew;
  store: TokenStore;
  lock: RefreshLock;
  tokenEndpoint: TokenEndpoint;
  flow: AuthorizationFlow | undefined;
  events: TokenEventBus;
  log: LogLine;
  /** Logs (the one redacted sink), `request`/`retry` hooks, OpenTelemetry. */
  observer: Observer;
  /** `transport` with each OAuth endpoint request observed (see observeOAuthRequests). */
  oauthTransport: HttpTransport;
  /** Token key → its lifecycle. */
  lifecycles: Map<string, TokenLifecycle>;
  /** Every secret the client holds now, to scrub from whatever error leaves it. */
  secrets: ClientSecrets;
  /** The REST API the documents methods speak (`apiVersion`; `'auto'` detected once for all). */
  apiVersion: ApiVersionSelector;
  discoveredIssuer?: Promise<DiscoveredIssuer>;
  /** The OpenID document's issuer, read only when the RFC 8414 one did not match an id_token. */
  openIdIssuer?: Promise<string | undefined>;
}

interface DiscoveredIssuer {
  issuer: string;
  /** Where it came from: RFC 8414 metadata (v16+) or the OpenID discovery document. */
  source: 'rfc8414' | 'openid';
}

/** Builds the shared parts for one configuration. */
export function createContext(options: ResolvedOptions): SharedContext {
  const { transport, clockSkew } = createSiteTransport(options);
  const store = new TokenStore(
    options.store,
    `${encodeURIComponent(options.baseUrl)}:${encodeURIComponent(options.clientId)}`,
    options.storeInProcess,
    options.cipher,
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
  const secrets = new ClientSecrets(options.clientSecret);
  // One sink for every line: redacted with the secrets errors are scrubbed of.
  const observer = new Observer({
    logger: options.logger,
    secrets: () => secrets.current(),
    openTelemetry: options.openTelemetry,
    baseUrl: options.baseUrl,
  });
  const log = observer.log;
  const oauthTransport = observeOAuthRequests(transport, observer);
  if (!options.storeInProcess) makeStoreThrow(options.store, log);
  return {
    options,
    transport,
    clockSkew,
    store,
    // Shared by every client of this process on the same store, so they never refresh one token twice.
    lock: options.refreshLock ?? inProcessLockFor(options.store),
    events: new TokenEventBus(log),
    log,
    observer,
    oauthTransport,
    lifecycles: new Map(),
    secrets,
    tokenEndpoint: new TokenEndpoint(oauthTransport, FRAPPE_OAUTH_PATHS.token, {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    }),
    flow,
    apiVersion: new ApiVersionSelector(options.apiVersion, () =>
      detectApiVersion(transport, options.timeoutMs, (line) => log('warn', line)),
    ),
  };
}

/**
 * The configured issuer, or the discovered one: from the RFC 8414 metadata where the site has it,
 * else from the OpenID discovery document (fetched once per configuration, again after a failure).
 */
export async function expectedIssuer(context: SharedContext): Promise<string> {
  const { options, oauthTransport: transport } = context;
  if (!options.discoverIssuer) return options.issuer;
  context.discoveredIssuer ??= discoverEitherIssuer(transport, options.baseUrl).catch((error: unknown) => {
    context.discoveredIssuer = undefined;
    throw error;
  });
  return (await context.discoveredIssuer).issuer;
}

/**
 * The issuer to accept as well when an id_token's `iss` is not {@link expectedIssuer}: with
 * discovery on a v16 site, the OpenID document's (the Social Login Key URL Frappe signs with,
 * which the RFC 8414 metadata does not report). Undefined otherwise, or when it cannot be read.
 */
export async function alternateIssuer(context: SharedContext): Promise<string | undefined> {
  const discovered = await context.discoveredIssuer?.catch(() => undefined);
  if (discovered?.source !== 'rfc8414') return undefined;
  context.openIdIssuer ??= discoverIssuer(context.oauthTransport, context.options.baseUrl).catch(() => {
    context.openIdIssuer = undefined;
    return undefined;
  });
  return context.openIdIssuer;
}

async function discoverEitherIssuer(transport: HttpTransport, baseUrl: string): Promise<DiscoveredIssuer> {
  const metadataIssuer = await discoverAuthorizationServerIssuer(transport);
  if (metadataIssuer !== undefined) return { issuer: metadataIssuer, source: 'rfc8414' };
  return { issuer: await discoverIssuer(transport, baseUrl), source: 'openid' };
}

/** The lifecycle of one token key: made on first use, then the same for every client of the context. */
export function lifecycleFor(context: SharedContext, tokenKey: string): TokenLifecycle {
  let lifecycle = context.lifecycles.get(tokenKey);
  if (!lifecycle) {
    lifecycle = new TokenLifecycle({
      options: context.options,
      tokenKey,
      store: context.store,
      transport: context.oauthTransport,
      tokenEndpoint: context.tokenEndpoint,
      clockSkew: context.clockSkew,
      flow: context.flow,
      lock: context.lock,
      userinfoPath: FRAPPE_OAUTH_PATHS.userinfo,
      revocationPath: FRAPPE_OAUTH_PATHS.revocation,
      issuer: () => expectedIssuer(context),
      alternateIssuer: () => alternateIssuer(context),
      events: context.events,
      log: context.log,
      observer: context.observer,
      secrets: () => context.secrets.current(),
    });
    context.lifecycles.set(tokenKey, lifecycle);
    const added = lifecycle;
    context.secrets.addSource(() => added.secrets());
  }
  return lifecycle;
}
