import type { RefreshLock } from './auth/refresh-lock';
import type { KeyvLike } from './auth/token-store';
import type { EncryptionOptions } from './auth/value-encryption';
import type { ApiVersion } from './documents/api-version';
import { FrappeConfigurationError } from './errors';
import type { FrappeLogger as ObservedLogger } from './observability/log-sink';
import type { OpenTelemetryOptions } from './observability/telemetry';
import { OPTION_TABLE } from './option-table';
import type { RetryPolicy } from './requests/retry-policy';
import type { RefreshRetryInput } from './retry-options';

export type { FrappeLogger, LogFields } from './observability/log-sink';
export type { OpenTelemetryOptions } from './observability/telemetry';

/**
 * The options of `new FrappeOAuthClient(…)`. Only `baseUrl` and `clientId` are required. Each
 * option's default (`@defaultValue`) is the one of its row in option-table.ts, where it is checked
 * and resolved, and from which the README's Options table is written: a test keeps the three
 * the same.
 *
 * Written out by hand rather than derived from the table: these comments are what editors show
 * and what `index.d.ts` carries, and a type mapped over the table would show neither. The table
 * is checked against it instead (a row for every option, none for an unknown one).
 */
export interface FrappeOAuthClientOptions {
  /**
   * The Frappe site, e.g. `https://erp.example.com`: its root, or the prefix it is served under
   * behind a proxy. A Desk or API URL (`…/app`, `…/api/…`) is refused with the root to use.
   * @defaultValue required
   */
  baseUrl: string;
  /**
   * The OAuth Client's Client ID (Setup → Integrations → OAuth Client).
   * @defaultValue required
   */
  clientId: string;
  /**
   * The Client Secret; omit for a public client, which relies on PKCE alone.
   * @defaultValue none
   */
  clientSecret?: string;
  /**
   * Where Frappe sends the browser back; needed for the authorization-code flow. Kept byte for
   * byte (Frappe compares redirect URIs exactly); plain http only to a loopback host.
   * @defaultValue none
   */
  redirectUri?: string;
  /**
   * The scopes asked for at sign-in.
   * @defaultValue `['openid', 'all']`
   */
  scopes?: string[];
  /**
   * Where tokens live: a Keyv. Use `@keyv/redis` when processes share tokens.
   * @defaultValue in-memory Keyv
   */
  store?: KeyvLike;
  /**
   * Encrypt tokens and pending authorizations in the store (AES-256-GCM), with any Keyv store:
   * `{ keys: { k1: key }, current: 'k1' }`, each key 32 bytes (a Buffer/Uint8Array or base64).
   * New writes use `current`; values under the other key ids of `keys` are still read (and
   * rewritten under `current`), so keys rotate without signing anyone out. Plaintext tokens
   * stored before are read and rewritten encrypted. Without it, values are stored as they are.
   * @defaultValue none
   */
  encryption?: EncryptionOptions;
  /**
   * Which stored token this client uses (one per Frappe user).
   * @defaultValue `'default'`
   */
  tokenKey?: string;
  /**
   * Refresh this long before the stored expiry, in seconds.
   * @defaultValue 60 s
   */
  refreshMarginSeconds?: number;
  /**
   * The expected id_token `iss` (set it when the site's Social Login Key says otherwise).
   * @defaultValue the baseUrl origin
   */
  issuer?: string;
  /**
   * Read the expected issuer from the site's `/.well-known/openid-configuration` (once, lazily)
   * instead of assuming the baseUrl origin. Ignored when `issuer` is set.
   * @defaultValue false
   */
  discovery?: boolean;
  /**
   * The deadline of a whole call (store, token, attempts, retry waits), and of each request;
   * a call's own `timeoutMs` overrides it.
   * @defaultValue 30 000 ms
   */
  timeoutMs?: number;
  /**
   * The deadline of one store operation (read or write), never more than what is left of the
   * call's `timeoutMs`. A store that does not answer in time is a TokenStoreError with reason
   * `timeout`.
   * @defaultValue 5000 ms
   */
  storeTimeoutMs?: number;
  /**
   * The largest answer a REST call accepts, counted on decompressed bytes. Past it the call fails
   * with FrappeNetworkError reason `too_large`, the connection is closed and nothing is retried.
   * OAuth endpoints always take at most 1 MiB.
   * @defaultValue 32 MiB
   */
  maxResponseBytes?: number;
  /**
   * The HTTP engine under every request (OAuth endpoints and REST alike). `'undici'` sends
   * through undici's `request` with its own keep-alive pool; undici is loaded on the first
   * request, only when chosen. Both behave the same: no redirect followed, gzip/deflate/br bodies
   * decompressed and bounded (`too_large`), `timeoutMs` per request, `HTTPS_PROXY` /
   * `HTTP_PROXY` / `NO_PROXY` honoured (https only through CONNECT tunnels), errors as
   * FrappeNetworkError. One difference: `statusText` is the standard reason phrase for the status
   * with undici, the server's own with axios.
   * @defaultValue `'axios'`
   */
  transport?: 'axios' | 'undici';
  /**
   * Which REST API the documents methods speak. `'v1'` (`/api/resource`, `/api/method`) every
   * release has. `'v2'` uses `/api/v2/…` (Frappe v15 and later; its maintainers do not call it
   * stable yet). `'auto'` asks the site once per client (and its `withTokenKey` clients), with one
   * unauthenticated `GET /api/v2/method/ping`, and uses v2 where that answers
   * `{"data": "pong"}`; any other outcome, a failure included, is v1 for the client's life.
   * Every documents method has the same signature and result on both.
   * @defaultValue `'v1'`
   */
  apiVersion?: ApiVersion;
  /**
   * Who may refresh a stored token right now. The default is a lock inside this process, shared
   * by every client of the process that uses the same store object. Processes sharing one store
   * need a lock they share too (`createRedisRefreshLock`, `createFileRefreshLock`).
   * @defaultValue in-process, per store object
   */
  refreshLock?: RefreshLock;
  /**
   * Where the SDK's log lines go. Any object with `debug`/`info`/`warn`/`error` fits (console,
   * pino, winston): one line per request at debug, per retry and refresh at info, per recovered
   * or surprising condition at warn, each redacted like errors are (see the README's
   * Observability section).
   * @defaultValue silent
   */
  logger?: ObservedLogger;
  /**
   * The User-Agent header of every request; printable characters only.
   * @defaultValue `'frappe-oauth-client'`
   */
  userAgent?: string;
  /**
   * OpenTelemetry spans and metrics: by default through `@opentelemetry/api`'s global providers
   * when that optional peer is installed, nothing when it is not. `{ tracerProvider,
   * meterProvider }` uses these instead; `false` turns both off.
   * @defaultValue the global providers, if installed
   */
  openTelemetry?: OpenTelemetryOptions | false;
  /**
   * Plain http is refused unless the host is loopback or this is true.
   * @defaultValue false
   */
  allowInsecureHttp?: boolean;
  /**
   * Revoke the superseded token pair after a successful refresh. Frappe before develop leaves
   * old pairs active forever.
   * @defaultValue false
   */
  revokeSupersededTokens?: boolean;
  /**
   * The lifetime assumed for an imported token that has no `expires_at` once it has been
   * validated, in seconds: short, so it is refreshed early rather than trusted for an hour.
   * @defaultValue 300 s
   */
  importedTokenLifetimeSeconds?: number;
  /**
   * How long a started authorization waits for its callback, in seconds.
   * @defaultValue 600 s
   */
  pendingAuthorizationTtlSeconds?: number;
  /**
   * Retries of REST calls that failed for a transient reason (network, 502/503/504, 429):
   * `retries` after the first attempt, full-jitter backoff from `minDelayMs` up to `maxDelayMs`,
   * and `Retry-After` honoured up to `maxRetryAfterSeconds`.
   * @defaultValue 3 retries, 250–4000 ms, `Retry-After` ≤ 30 s
   */
  retry?: Partial<RetryPolicy>;
  /**
   * Retries of a refresh that failed with a network error, 5xx or 429, in the words of `retry`:
   * `retries`, and a jittered backoff from `minDelayMs` up to `maxDelayMs`. The old names
   * `minTimeoutMs` / `maxTimeoutMs` still work (deprecated; one warning per process, code
   * `FRAPPE_OAUTH_DEP001`); giving both names of one setting is refused.
   * @defaultValue 3 retries, 200–2000 ms
   */
  refreshRetry?: RefreshRetryInput;
  /**
   * After a refresh failed for a network error or 5xx, wait this long (seconds) before a
   * background refresh tries again.
   * @defaultValue 30 s
   */
  refreshCooldownSeconds?: number;
  /**
   * The local clock in epoch milliseconds. Tests inject one to move time.
   * @defaultValue `Date.now`
   */
  clock?: () => number;
  /**
   * Randomness for backoff jitter, in [0, 1).
   * @defaultValue `Math.random`
   */
  random?: () => number;
}

type OptionName = keyof typeof OPTION_TABLE;

/** What one row resolves to. */
type RowResult<Name extends OptionName> = ReturnType<(typeof OPTION_TABLE)[Name]['resolve']>;

type Intersection<Union> = (Union extends unknown ? (part: Union) => void : never) extends (
  part: infer Whole,
) => void
  ? Whole
  : never;

/**
 * Options after defaults and validation: the fields every row of OPTION_TABLE resolves to, so a
 * new option needs its row only. Internal: the parts of the client read it.
 */
export type ResolvedOptions = {
  [Field in keyof Intersection<RowResult<OptionName>>]: Intersection<RowResult<OptionName>>[Field];
};

/** Checks every option and fills in the defaults; a bad option is FrappeConfigurationError. */
export function resolveOptions(options: FrappeOAuthClientOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new FrappeConfigurationError({ message: 'FrappeOAuthClient needs an options object' });
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, row] of Object.entries(OPTION_TABLE)) {
    const value = options[name as OptionName];
    // Each row checks its own value; the cast only joins the rows' differing parameter types.
    Object.assign(
      resolved,
      (row.resolve as (value: unknown, all: FrappeOAuthClientOptions) => object)(value, options),
    );
  }
  return resolved as ResolvedOptions;
}
