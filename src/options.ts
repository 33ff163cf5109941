import Keyv from 'keyv';
import type { FrappeLogger, LifecycleOptions } from './auth/lifecycle-options';
import type { RefreshLock } from './auth/refresh-lock';
import type { KeyvLike } from './auth/token-store';
import { type EncryptionOptions, ValueCipher } from './auth/value-encryption';
import type { ApiVersion } from './documents/api-version';
import { FrappeConfigurationError } from './errors';
import type { FrappeLogger as ObservedLogger } from './observability/log-sink';
import type { OpenTelemetryOptions } from './observability/telemetry';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './requests/retry-policy';
import { isLoopbackHost } from './transport/loopback-host';

export type { FrappeLogger, LogFields } from './observability/log-sink';
export type { OpenTelemetryOptions } from './observability/telemetry';

export interface FrappeOAuthClientOptions {
  /** The Frappe site, e.g. `https://erp.example.com`. */
  baseUrl: string;
  /** The OAuth Client's Client ID (Setup → Integrations → OAuth Client). */
  clientId: string;
  /** The Client Secret; omit for a public client, which relies on PKCE alone. */
  clientSecret?: string;
  /** Where Frappe sends the browser back; needed for the authorization-code flow. */
  redirectUri?: string;
  /** Default `['openid', 'all']`. */
  scopes?: string[];
  /** Where tokens live: a Keyv; default an in-memory one. Use `@keyv/redis` when processes share tokens. */
  store?: KeyvLike;
  /** Which stored token this client uses (one per Frappe user); default `'default'`. */
  tokenKey?: string;
  /**
   * Encrypt tokens and pending authorizations in the store (AES-256-GCM), with any Keyv store:
   * `{ keys: { k1: key }, current: 'k1' }`, each key 32 bytes (a Buffer/Uint8Array or base64).
   * New writes use `current`; values under the other key ids of `keys` are still read (and
   * rewritten under `current`), so keys rotate without signing anyone out. Plaintext tokens
   * stored before are read and rewritten encrypted. Default: none (values stored as they are).
   */
  encryption?: EncryptionOptions;
  /**
   * Who may refresh a stored token right now. Default: a lock inside this process, shared by every
   * client of the process that uses the same store object. Processes sharing one store need a lock
   * they share too.
   */
  refreshLock?: RefreshLock;
  /** Refresh this long before the stored expiry; default 60. */
  refreshMarginSeconds?: number;
  /** The expected id_token `iss`; default the origin of `baseUrl` (set it when the site's Social Login Key says otherwise). */
  issuer?: string;
  /**
   * Read the expected issuer from the site's `/.well-known/openid-configuration` (once, lazily)
   * instead of assuming the baseUrl origin; default false. Ignored when `issuer` is set.
   */
  discovery?: boolean;
  /** Per-request timeout; default 30 000 ms. */
  timeoutMs?: number;
  /**
   * The deadline of one store operation (read or write); default 5000 ms, and never more than
   * what is left of the call's `timeoutMs`. A store that does not answer in time is a
   * TokenStoreError with reason `timeout`.
   */
  storeTimeoutMs?: number;
  /**
   * The largest answer a REST call accepts, counted on decompressed bytes; default 32 MiB. Past it
   * the call fails with FrappeNetworkError reason `too_large`, the connection is closed and nothing
   * is retried. OAuth endpoints always take at most 1 MiB.
   */
  maxResponseBytes?: number;
  /**
   * Where the SDK's log lines go; silent by default. Any object with `debug`/`info`/`warn`/`error`
   * fits (console, pino, winston): one line per request at debug, per retry and refresh at info,
   * per recovered or surprising condition at warn, each redacted like errors are (see the README's
   * Observability section).
   */
  logger?: ObservedLogger;
  /**
   * OpenTelemetry spans and metrics. Default: through `@opentelemetry/api`'s global providers when
   * that optional peer is installed, nothing when it is not. `{ tracerProvider, meterProvider }`
   * uses these instead; `false` turns both off.
   */
  openTelemetry?: OpenTelemetryOptions | false;
  userAgent?: string;
  /** Plain http is refused unless the host is loopback or this is true. */
  allowInsecureHttp?: boolean;
  /**
   * Revoke the superseded token pair after a successful refresh; default false. Frappe before
   * develop leaves old pairs active forever.
   */
  revokeSupersededTokens?: boolean;
  /**
   * The lifetime assumed for an imported token that has no `expires_at` once it has been
   * validated; default 300 s, so it is refreshed early rather than trusted for an hour.
   */
  importedTokenLifetimeSeconds?: number;
  /** Retries of a refresh that failed with a network error or 5xx; default 3 retries, 200–2000 ms apart. */
  refreshRetry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number };
  /** After a refresh failed for a network error or 5xx, wait this long before trying again; default 30. */
  refreshCooldownSeconds?: number;
  /** How long a started authorization waits for its callback; default 600. */
  pendingAuthorizationTtlSeconds?: number;
  /** The local clock in epoch milliseconds; default `Date.now`. Tests inject one to move time. */
  clock?: () => number;
  /**
   * Retries of REST calls that failed for a transient reason (network, 502/503/504, 429):
   * default 3 retries, full-jitter backoff 250–4000 ms, `Retry-After` honoured up to 30 s.
   */
  retry?: Partial<RetryPolicy>;
  /** Randomness for backoff jitter, in [0, 1); default `Math.random`. */
  random?: () => number;
  /**
   * The HTTP engine under every request (OAuth endpoints and REST alike); default `'axios'`.
   * `'undici'` sends through undici's `request` with its own keep-alive pool; undici is loaded on
   * the first request, only when chosen. Both behave the same: no redirect followed, gzip/deflate/br
   * bodies decompressed and bounded (`too_large`), `timeoutMs` per request, `HTTPS_PROXY` /
   * `HTTP_PROXY` / `NO_PROXY` honoured (https only through CONNECT tunnels), errors as
   * FrappeNetworkError. One difference: `statusText` is the standard reason phrase for the status
   * with undici, the server's own with axios.
   */
  transport?: 'axios' | 'undici';
  /**
   * Which REST API the documents methods speak; default `'v1'` (`/api/resource`, `/api/method`),
   * which every release has. `'v2'` uses `/api/v2/…` (Frappe v15 and later; its maintainers do
   * not call it stable yet). `'auto'` asks the site once per client (and its `withTokenKey`
   * clients), with one unauthenticated `GET /api/v2/method/ping`, and uses v2 where that answers
   * `{"data": "pong"}`; any other outcome, a failure included, is v1 for the client's life.
   * Every documents method has the same signature and result on both.
   */
  apiVersion?: ApiVersion;
}

/** Options after defaults and validation. */
export interface ResolvedOptions extends LifecycleOptions {
  maxResponseBytes: number;
  baseUrl: string;
  origin: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string | undefined;
  scopes: string[];
  store: KeyvLike;
  /** True when `store` is the default in-memory one. */
  storeInProcess: boolean;
  /** From the `encryption` option; undefined when values are stored as they are. */
  cipher: ValueCipher | undefined;
  refreshLock: RefreshLock | undefined;
  tokenKey: string;
  refreshMarginSeconds: number;
  issuer: string;
  /** True when the issuer is to be discovered rather than taken from `issuer`/baseUrl. */
  discoverIssuer: boolean;
  timeoutMs: number;
  logger: FrappeLogger;
  userAgent: string;
  allowInsecureHttp: boolean;
  revokeSupersededTokens: boolean;
  importedTokenLifetimeSeconds: number;
  refreshRetry: { retries: number; minTimeoutMs: number; maxTimeoutMs: number };
  refreshCooldownSeconds: number;
  pendingAuthorizationTtlSeconds: number;
  clock: () => number;
  retry: RetryPolicy;
  random: () => number;
  transport: 'axios' | 'undici';
  apiVersion: ApiVersion;
  openTelemetry: OpenTelemetryOptions | false | undefined;
}

export function resolveOptions(options: FrappeOAuthClientOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new FrappeConfigurationError({ message: 'FrappeOAuthClient needs an options object' });
  }
  const baseUrl = parseHttpUrl(options.baseUrl, 'baseUrl');
  refuseDeskOrApiPath(baseUrl);
  if (typeof options.clientId !== 'string' || options.clientId.trim() === '') {
    throw new FrappeConfigurationError({ message: 'clientId must be a non-empty string' });
  }
  optionalString(options.clientSecret, 'clientSecret');
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  if (baseUrl.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(baseUrl.hostname)) {
    throw new FrappeConfigurationError({
      message: `refusing plain http to ${baseUrl.host}: tokens would travel unencrypted; use https, or set allowInsecureHttp`,
    });
  }
  // Validated, but kept byte for byte: Frappe matches redirect URIs exactly.
  if (options.redirectUri !== undefined) {
    const redirect = parseHttpUrl(options.redirectUri, 'redirectUri');
    // The authorization code travels to the redirect URI: over plain http anyone on the path can
    // read it (PKCE protects a public client only as long as the verifier stays secret).
    if (redirect.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(redirect.hostname)) {
      throw new FrappeConfigurationError({
        message: `refusing a plain-http redirectUri on ${redirect.host}: the authorization code would travel unencrypted; use https, a loopback host, or set allowInsecureHttp`,
      });
    }
  }
  const userAgent = options.userAgent ?? 'frappe-oauth-client';
  // A header value cannot hold control characters: CR/LF would split the request (header
  // injection), and the HTTP engines throw on them and on characters past Latin-1 mid-request.
  if (typeof userAgent !== 'string' || !/^[\x20-\x7e\xa0-\xff]*$/.test(userAgent)) {
    throw new FrappeConfigurationError({
      message: 'userAgent must be a string of printable characters (no CR, LF or other control characters)',
    });
  }
  const scopes = options.scopes ?? ['openid', 'all'];
  if (
    !Array.isArray(scopes) ||
    scopes.some((scope) => typeof scope !== 'string' || /\s/.test(scope) || scope === '')
  ) {
    throw new FrappeConfigurationError({
      message: 'scopes must be an array of non-empty strings without spaces',
    });
  }
  const tokenKey = options.tokenKey ?? 'default';
  if (typeof tokenKey !== 'string' || tokenKey === '') {
    throw new FrappeConfigurationError({ message: 'tokenKey must be a non-empty string' });
  }
  if (options.store !== undefined && !isKeyvLike(options.store)) {
    throw new FrappeConfigurationError({ message: 'store must be a Keyv instance (get, set, delete)' });
  }
  if (
    options.refreshLock !== undefined &&
    (options.refreshLock === null || typeof (options.refreshLock as RefreshLock).acquire !== 'function')
  ) {
    throw new FrappeConfigurationError({ message: 'refreshLock must be an object with an acquire() method' });
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new FrappeConfigurationError({ message: 'clock must be a function returning epoch milliseconds' });
  }
  if (options.logger !== undefined && (options.logger === null || typeof options.logger !== 'object')) {
    throw new FrappeConfigurationError({
      message: 'logger must be an object with debug/info/warn/error methods',
    });
  }
  const openTelemetry = options.openTelemetry;
  if (
    openTelemetry !== undefined &&
    openTelemetry !== false &&
    (openTelemetry === null ||
      typeof openTelemetry !== 'object' ||
      (openTelemetry.tracerProvider !== undefined &&
        typeof openTelemetry.tracerProvider?.getTracer !== 'function') ||
      (openTelemetry.meterProvider !== undefined &&
        typeof openTelemetry.meterProvider?.getMeter !== 'function'))
  ) {
    throw new FrappeConfigurationError({
      message: 'openTelemetry must be false or { tracerProvider?, meterProvider? } (OpenTelemetry providers)',
    });
  }
  const transport = options.transport === undefined ? 'axios' : options.transport;
  if (transport !== 'axios' && transport !== 'undici') {
    throw new FrappeConfigurationError({ message: "transport must be 'axios' or 'undici'" });
  }
  const apiVersion = options.apiVersion === undefined ? 'v1' : options.apiVersion;
  if (apiVersion !== 'v1' && apiVersion !== 'v2' && apiVersion !== 'auto') {
    throw new FrappeConfigurationError({ message: "apiVersion must be 'v1', 'v2' or 'auto'" });
  }
  const base = baseUrl.toString().replace(/\/+$/, '');
  return {
    baseUrl: base,
    origin: baseUrl.origin,
    clientId: options.clientId,
    clientSecret: options.clientSecret || undefined,
    redirectUri: options.redirectUri,
    scopes: [...scopes],
    store: options.store ?? inMemoryStore(),
    storeInProcess: options.store === undefined,
    cipher: options.encryption === undefined ? undefined : ValueCipher.from(options.encryption),
    refreshLock: options.refreshLock,
    tokenKey,
    refreshMarginSeconds: nonNegative(options.refreshMarginSeconds, 60, 'refreshMarginSeconds'),
    issuer: options.issuer ?? baseUrl.origin,
    discoverIssuer: options.issuer === undefined && options.discovery === true,
    timeoutMs: positive(options.timeoutMs, 30_000, 'timeoutMs'),
    storeTimeoutMs: positive(options.storeTimeoutMs, 5000, 'storeTimeoutMs'),
    maxResponseBytes: positive(options.maxResponseBytes, 32 * 1024 * 1024, 'maxResponseBytes'),
    logger: options.logger ?? {},
    userAgent,
    allowInsecureHttp:
      allowInsecureHttp || (baseUrl.protocol === 'http:' && isLoopbackHost(baseUrl.hostname)),
    revokeSupersededTokens: options.revokeSupersededTokens ?? false,
    importedTokenLifetimeSeconds: positive(
      options.importedTokenLifetimeSeconds,
      300,
      'importedTokenLifetimeSeconds',
    ),
    refreshRetry: {
      retries: nonNegative(options.refreshRetry?.retries, 3, 'refreshRetry.retries'),
      minTimeoutMs: nonNegative(options.refreshRetry?.minTimeoutMs, 200, 'refreshRetry.minTimeoutMs'),
      maxTimeoutMs: nonNegative(options.refreshRetry?.maxTimeoutMs, 2000, 'refreshRetry.maxTimeoutMs'),
    },
    refreshCooldownSeconds: nonNegative(options.refreshCooldownSeconds, 30, 'refreshCooldownSeconds'),
    clock: options.clock ?? Date.now,
    retry: resolveRetry(options.retry),
    random: options.random ?? Math.random,
    transport,
    apiVersion,
    openTelemetry,
    pendingAuthorizationTtlSeconds: positive(
      options.pendingAuthorizationTtlSeconds,
      600,
      'pendingAuthorizationTtlSeconds',
    ),
  };
}

/**
 * The default store: a Keyv over a Map that keeps values as they are, without Keyv's JSON round
 * trip (nothing leaves the process, so there is nothing to serialize, and every call reads the
 * store). The SDK never mutates a value after storing it.
 */
function inMemoryStore(): KeyvLike {
  return new Keyv({ serialize: undefined, deserialize: undefined });
}

/** Path segments that are Frappe's own routes (Desk, the REST API, the login page), not a site root. */
const FRAPPE_ROUTES = new Set(['app', 'desk', 'api', 'login']);

/**
 * A baseUrl copied from the browser (`…/app`, `…/desk`, `…/login`) or an API URL (`…/api/…`)
 * would put every request under that route (`/app/api/resource/…`) and fail with confusing 404s.
 * It is refused with the site root to use instead. Any other path is kept as a prefix: a site
 * behind a reverse proxy under `/erp/` is reached at `/erp/api/…`.
 */
function refuseDeskOrApiPath(url: URL): void {
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const lowered = segments.map((segment) => segment.toLowerCase());
  const api = lowered.indexOf('api');
  const last = lowered.at(-1);
  const cut = api >= 0 ? api : last !== undefined && FRAPPE_ROUTES.has(last) ? segments.length - 1 : -1;
  if (cut < 0) return;
  const root = `${url.origin}${segments
    .slice(0, cut)
    .map((segment) => `/${segment}`)
    .join('')}`;
  throw new FrappeConfigurationError({
    message: `baseUrl must be the site root, not a Desk or API path (/${segments.slice(cut).join('/')}): use ${root}`,
  });
}

function parseHttpUrl(value: unknown, name: string): URL {
  if (typeof value !== 'string' || value === '') {
    throw new FrappeConfigurationError({ message: `${name} must be an absolute http(s) URL` });
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FrappeConfigurationError({ message: `${name} is not a valid URL` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FrappeConfigurationError({ message: `${name} must use http or https` });
  }
  if (url.username || url.password) {
    throw new FrappeConfigurationError({ message: `${name} must not carry credentials` });
  }
  return url;
}

function optionalString(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new FrappeConfigurationError({ message: `${name} must be a string` });
  }
}

function positive(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new FrappeConfigurationError({ message: `${name} must be a positive number` });
  }
  return value;
}

function nonNegative(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FrappeConfigurationError({ message: `${name} must be a number ≥ 0` });
  }
  return value;
}

function isKeyvLike(value: unknown): value is KeyvLike {
  const candidate = value as Record<string, unknown> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.get === 'function' &&
    typeof candidate.set === 'function' &&
    typeof candidate.delete === 'function'
  );
}

function resolveRetry(retry: Partial<RetryPolicy> | undefined): RetryPolicy {
  if (retry === undefined) return DEFAULT_RETRY_POLICY;
  if (retry === null || typeof retry !== 'object') {
    throw new FrappeConfigurationError({ message: 'retry must be an object' });
  }
  return {
    retries: nonNegative(retry.retries, DEFAULT_RETRY_POLICY.retries, 'retry.retries'),
    minDelayMs: nonNegative(retry.minDelayMs, DEFAULT_RETRY_POLICY.minDelayMs, 'retry.minDelayMs'),
    maxDelayMs: nonNegative(retry.maxDelayMs, DEFAULT_RETRY_POLICY.maxDelayMs, 'retry.maxDelayMs'),
    maxRetryAfterSeconds: nonNegative(
      retry.maxRetryAfterSeconds,
      DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      'retry.maxRetryAfterSeconds',
    ),
  };
}
