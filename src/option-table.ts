import Keyv from 'keyv';
import type { RefreshLock } from './auth/refresh-lock';
import type { KeyvLike } from './auth/token-store';
import { ValueCipher } from './auth/value-encryption';
import type { ApiVersion } from './documents/api-version';
import type { FrappeLogger } from './observability/log-sink';
import type { OpenTelemetryOptions } from './observability/telemetry';
import {
  isKeyvLike,
  nonEmptyString,
  nonNegative,
  oneOf,
  optionalBoolean,
  optionalFunction,
  optionalString,
  parseHttpUrl,
  positive,
  refuse,
  refuseDeskOrApiPath,
} from './option-checks';
import type { FrappeOAuthClientOptions } from './options';
import { DEFAULT_RETRY_POLICY } from './requests/retry-policy';
import { DEFAULT_REFRESH_RETRY, resolveRefreshRetry, resolveRetry } from './retry-options';
import { isLoopbackHost } from './transport/loopback-host';

/**
 * One row per option of FrappeOAuthClientOptions: the default and meaning as the README's Options
 * table states them, and how the value given is checked and resolved. `resolve` gets the value
 * (undefined when omitted) and all the options (for the few that depend on another), and returns
 * the resolved fields it stands for (usually one, of the option's name); ResolvedOptions is the
 * union of what the rows return.
 */
export interface OptionRow<Value, Resolved extends object> {
  /** The default, as the README (and the option's `@defaultValue`) states it. */
  readonly default: string;
  /** What the option is for, in the README's words. */
  readonly meaning: string;
  readonly resolve: (value: Value | undefined, options: FrappeOAuthClientOptions) => Resolved;
}

type OptionTable = {
  readonly [Name in keyof FrappeOAuthClientOptions]-?: OptionRow<FrappeOAuthClientOptions[Name], object>;
};

/** `12 345` as the README writes numbers (a thin grouping only from five digits on). */
function count(value: number): string {
  return value < 10_000 ? String(value) : value.toLocaleString('en-US').replace(/,/g, ' ');
}

type Floor = 'positive' | 'nonNegative';

/** A number option whose default is the number itself, shown with its unit. */
function numberRow<const Name extends string>(
  name: Name,
  fallback: number,
  floor: Floor,
  shown: string,
  meaning: string,
): OptionRow<number | undefined, { [Key in Name]: number }> {
  const check = floor === 'positive' ? positive : nonNegative;
  return {
    default: shown,
    meaning,
    resolve: (value) => ({ [name]: check(value, fallback, name) }) as { [Key in Name]: number },
  };
}

const seconds = (value: number): string => `${count(value)} s`;
const milliseconds = (value: number): string => `${count(value)} ms`;

/**
 * `allowInsecureHttp`, which the baseUrl and redirectUri rows read too: both refuse plain http to
 * a host that is not loopback unless it is true.
 */
function insecureHttpAllowed(options: FrappeOAuthClientOptions): boolean {
  return optionalBoolean(options.allowInsecureHttp, false, 'allowInsecureHttp');
}

function siteUrl(options: FrappeOAuthClientOptions): URL {
  const url = parseHttpUrl(options.baseUrl, 'baseUrl');
  refuseDeskOrApiPath(url);
  return url;
}

/**
 * The default store: a Keyv over a Map that keeps values as they are, without Keyv's JSON round
 * trip (nothing leaves the process, so there is nothing to serialize, and every call reads the
 * store). The SDK never mutates a value after storing it.
 */
function inMemoryStore(): KeyvLike {
  return new Keyv({ serialize: undefined, deserialize: undefined });
}

const USER_AGENT = 'frappe-oauth-client';
const SCOPES = ['openid', 'all'];

/**
 * Every option, in the order of the README's table and of the checks (baseUrl first: other rows
 * read it). `satisfies` makes a missing or an unknown row a compile error, while keeping each
 * row's own resolved type for ResolvedOptions.
 */
export const OPTION_TABLE = {
  baseUrl: {
    default: 'required',
    meaning: 'the site root; a path prefix is kept (a site behind a proxy under `/erp`)',
    resolve: (_value, options) => {
      const url = siteUrl(options);
      if (url.protocol === 'http:' && !insecureHttpAllowed(options) && !isLoopbackHost(url.hostname)) {
        refuse(
          `refusing plain http to ${url.host}: tokens would travel unencrypted; use https, or set allowInsecureHttp`,
        );
      }
      return { baseUrl: url.toString().replace(/\/+$/, ''), origin: url.origin };
    },
  },
  clientId: {
    default: 'required',
    meaning: "the OAuth Client's Client ID",
    resolve: (value) => ({ clientId: nonEmptyString(value, 'clientId') }),
  },
  clientSecret: {
    default: 'none',
    meaning: 'omit for a public client (PKCE alone)',
    resolve: (value) => ({ clientSecret: optionalString(value, 'clientSecret') || undefined }),
  },
  redirectUri: {
    default: 'none',
    meaning: 'where Frappe sends the browser back; needed for the authorization-code flow',
    // One return type for both branches: ResolvedOptions joins the rows' results, and a union here
    // would join to never.
    resolve: (value, options): { redirectUri: string | undefined } => {
      // Validated, but kept byte for byte: Frappe matches redirect URIs exactly.
      if (value === undefined) return { redirectUri: undefined };
      const redirect = parseHttpUrl(value, 'redirectUri');
      // The authorization code travels to the redirect URI: over plain http anyone on the path can
      // read it (PKCE protects a public client only as long as the verifier stays secret).
      if (
        redirect.protocol === 'http:' &&
        !insecureHttpAllowed(options) &&
        !isLoopbackHost(redirect.hostname)
      ) {
        refuse(
          `refusing a plain-http redirectUri on ${redirect.host}: the authorization code would travel unencrypted; use https, a loopback host, or set allowInsecureHttp`,
        );
      }
      return { redirectUri: value as string };
    },
  },
  scopes: {
    default: `\`${JSON.stringify(SCOPES).replace(/"/g, "'").replace(/,/g, ', ')}\``,
    meaning: 'the scopes asked for at sign-in',
    resolve: (value) => {
      const scopes: unknown = value ?? SCOPES;
      if (
        !Array.isArray(scopes) ||
        scopes.some((scope) => typeof scope !== 'string' || /\s/.test(scope) || scope === '')
      ) {
        refuse('scopes must be an array of non-empty strings without spaces');
      }
      return { scopes: [...(scopes as string[])] };
    },
  },
  store: {
    default: 'in-memory Keyv',
    meaning: 'where tokens live (any Keyv; `@keyv/redis` when processes share tokens)',
    resolve: (value) => {
      if (value !== undefined && !isKeyvLike(value))
        refuse('store must be a Keyv instance (get, set, delete)');
      return { store: value ?? inMemoryStore(), storeInProcess: value === undefined };
    },
  },
  encryption: {
    default: 'none',
    meaning: 'encrypt stored tokens and pending authorizations (AES-256-GCM)',
    resolve: (value): { cipher: ValueCipher | undefined } => ({
      cipher: value === undefined ? undefined : ValueCipher.from(value),
    }),
  },
  tokenKey: {
    default: "`'default'`",
    meaning: 'which stored token (one per Frappe user)',
    resolve: (value) => {
      const tokenKey: unknown = value ?? 'default';
      if (typeof tokenKey !== 'string' || tokenKey === '') refuse('tokenKey must be a non-empty string');
      return { tokenKey };
    },
  },
  refreshMarginSeconds: numberRow(
    'refreshMarginSeconds',
    60,
    'nonNegative',
    seconds(60),
    'refresh this long before the stored expiry',
  ),
  issuer: {
    default: 'the baseUrl origin',
    meaning: "expected id_token `iss` (a `frappe` Social Login Key's Base URL, if set)",
    resolve: (value, options) => ({
      issuer: value === undefined ? siteUrl(options).origin : nonEmptyString(value, 'issuer'),
    }),
  },
  discovery: {
    default: 'false',
    meaning: 'read the issuer from `/.well-known/openid-configuration` instead (ignored with `issuer`)',
    resolve: (value, options) => ({
      discoverIssuer: optionalBoolean(value, false, 'discovery') && options.issuer === undefined,
    }),
  },
  timeoutMs: numberRow(
    'timeoutMs',
    30_000,
    'positive',
    milliseconds(30_000),
    'deadline of a whole call: store, token, attempts, retry waits (also per call)',
  ),
  storeTimeoutMs: numberRow(
    'storeTimeoutMs',
    5000,
    'positive',
    milliseconds(5000),
    "deadline of one store read or write (never past the call's `timeoutMs`)",
  ),
  maxResponseBytes: numberRow(
    'maxResponseBytes',
    32 * 1024 * 1024,
    'positive',
    '32 MiB',
    'largest REST answer, decompressed (`too_large`); OAuth endpoints: 1 MiB',
  ),
  transport: {
    default: "`'axios'`",
    meaning: "the HTTP engine: `'axios'` or `'undici'` (see above)",
    resolve: (value) => ({
      transport: oneOf(
        value === undefined ? 'axios' : value,
        ['axios', 'undici'],
        "transport must be 'axios' or 'undici'",
      ),
    }),
  },
  apiVersion: {
    default: "`'v1'`",
    meaning: "REST API of the documents methods: `'v1'`, `'v2'` or `'auto'` (see API v2)",
    resolve: (value): { apiVersion: ApiVersion } => ({
      apiVersion: oneOf(
        value === undefined ? 'v1' : value,
        ['v1', 'v2', 'auto'],
        "apiVersion must be 'v1', 'v2' or 'auto'",
      ),
    }),
  },
  refreshLock: {
    default: 'in-process, per store object',
    meaning: 'who may refresh a stored token now (`RefreshLock`)',
    resolve: (value): { refreshLock: RefreshLock | undefined } => {
      if (value !== undefined && (value === null || typeof (value as RefreshLock).acquire !== 'function')) {
        refuse('refreshLock must be an object with an acquire() method');
      }
      return { refreshLock: value };
    },
  },
  logger: {
    default: 'silent',
    meaning: 'where log lines go: `{ debug, info, warn, error }`, each optional (see Observability)',
    resolve: (value): { logger: FrappeLogger } => {
      if (value !== undefined && (value === null || typeof value !== 'object')) {
        refuse('logger must be an object with debug/info/warn/error methods');
      }
      return { logger: value ?? {} };
    },
  },
  userAgent: {
    default: `\`'${USER_AGENT}'\``,
    meaning: 'the User-Agent header',
    resolve: (value) => {
      const userAgent: unknown = value ?? USER_AGENT;
      // A header value cannot hold control characters: CR/LF would split the request (header
      // injection), and the HTTP engines throw on them and on characters past Latin-1 mid-request.
      if (typeof userAgent !== 'string' || !/^[\x20-\x7e\xa0-\xff]*$/.test(userAgent)) {
        refuse('userAgent must be a string of printable characters (no CR, LF or other control characters)');
      }
      return { userAgent };
    },
  },
  openTelemetry: {
    default: 'the global providers, if installed',
    meaning: '`{ tracerProvider, meterProvider }`, or `false` for no spans and metrics',
    resolve: (value): { openTelemetry: OpenTelemetryOptions | false | undefined } => {
      if (
        value !== undefined &&
        value !== false &&
        (value === null ||
          typeof value !== 'object' ||
          (value.tracerProvider !== undefined && typeof value.tracerProvider?.getTracer !== 'function') ||
          (value.meterProvider !== undefined && typeof value.meterProvider?.getMeter !== 'function'))
      ) {
        refuse(
          'openTelemetry must be false or { tracerProvider?, meterProvider? } (OpenTelemetry providers)',
        );
      }
      return { openTelemetry: value };
    },
  },
  allowInsecureHttp: {
    default: 'false',
    meaning: 'plain http to a host that is not loopback',
    // Loopback http is allowed anyway; the flag then says so to the parts that check it again.
    resolve: (_value, options) => {
      const url = siteUrl(options);
      return {
        allowInsecureHttp:
          insecureHttpAllowed(options) || (url.protocol === 'http:' && isLoopbackHost(url.hostname)),
      };
    },
  },
  revokeSupersededTokens: {
    default: 'false',
    meaning: 'revoke the old pair after a refresh (Frappe before develop keeps it active)',
    resolve: (value) => ({
      revokeSupersededTokens: optionalBoolean(value, false, 'revokeSupersededTokens'),
    }),
  },
  importedTokenLifetimeSeconds: numberRow(
    'importedTokenLifetimeSeconds',
    300,
    'positive',
    seconds(300),
    'assumed lifetime of a validated imported token without `expires_at`',
  ),
  pendingAuthorizationTtlSeconds: numberRow(
    'pendingAuthorizationTtlSeconds',
    600,
    'positive',
    seconds(600),
    'how long a started authorization waits for its callback',
  ),
  retry: {
    default: `${DEFAULT_RETRY_POLICY.retries} retries, ${DEFAULT_RETRY_POLICY.minDelayMs}–${DEFAULT_RETRY_POLICY.maxDelayMs} ms, \`Retry-After\` ≤ ${DEFAULT_RETRY_POLICY.maxRetryAfterSeconds} s`,
    meaning: 'REST retries: `{ retries, minDelayMs, maxDelayMs, maxRetryAfterSeconds }`',
    resolve: (value) => ({ retry: resolveRetry(value) }),
  },
  refreshRetry: {
    default: `${DEFAULT_REFRESH_RETRY.retries} retries, ${DEFAULT_REFRESH_RETRY.minDelayMs}–${DEFAULT_REFRESH_RETRY.maxDelayMs} ms`,
    meaning: 'token-endpoint retries: `{ retries, minDelayMs, maxDelayMs }`, the words of `retry`',
    resolve: (value) => ({ refreshRetry: resolveRefreshRetry(value) }),
  },
  refreshCooldownSeconds: numberRow(
    'refreshCooldownSeconds',
    30,
    'nonNegative',
    seconds(30),
    'the pause after a failed background refresh',
  ),
  clock: {
    default: '`Date.now`',
    meaning: 'the local clock (epoch ms), for tests',
    resolve: (value) => ({
      clock: optionalFunction<() => number>(
        value,
        Date.now,
        'clock must be a function returning epoch milliseconds',
      ),
    }),
  },
  random: {
    default: '`Math.random`',
    meaning: 'backoff jitter in [0, 1), for tests',
    resolve: (value) => ({
      random: optionalFunction<() => number>(
        value,
        Math.random,
        'random must be a function returning a number in [0, 1)',
      ),
    }),
  },
} satisfies OptionTable;

/** The README's Options table, rendered from OPTION_TABLE (`npm run docs:options` writes it). */
export function optionsTableMarkdown(): string {
  const rows = Object.entries(OPTION_TABLE).map(([name, row]) => [`\`${name}\``, row.default, row.meaning]);
  const table = [['Option', 'Default', 'Meaning'], ...rows];
  const widths = [0, 1, 2].map((column) => Math.max(...table.map((cells) => cells[column].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [
    line(table[0]),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((cells) => line(cells)),
  ].join('\n');
}
