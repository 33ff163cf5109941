import { FrappeInputError } from '../errors';
import type { TransportRequest } from '../transport/transport';

/** What `client.request()` takes: a request on the site, and the per-call knobs. */
export interface FrappeRequestConfig {
  /** A path on the site (`/api/method/ping`) or an absolute URL on its origin. */
  url: string;
  /** Default GET. */
  method?: string;
  /** Query parameters (values are sent as strings). */
  params?: Record<string, string | number | boolean>;
  /** A string (sent as is), FormData (multipart), or a JSON value (sent as JSON). */
  data?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The deadline of the whole call: token, every attempt and every wait. */
  timeoutMs?: number;
  /** Treat the request as idempotent, so a POST may be retried; default by method. */
  idempotent?: boolean;
  /** The largest (decompressed) answer accepted; default the client's. */
  maxResponseBytes?: number;
}

/** The response `client.request()` resolves with, the same on every transport. */
export interface FrappeResponse<T = unknown> {
  /** The body: parsed when it is JSON, the text otherwise. */
  data: T;
  status: number;
  statusText: string;
  /** Lower-case header names. */
  headers: Record<string, string | string[]>;
}

const ALLOWED_KEYS = new Set([
  'url',
  'method',
  'params',
  'data',
  'headers',
  'signal',
  'timeoutMs',
  'idempotent',
  'maxResponseBytes',
]);

/** Headers the SDK owns: the token goes only where the lifecycle puts it, and bodies are framed by the engine. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
]);

/**
 * Checks a `request()` config. Only the documented keys are taken: an HTTP library's knobs
 * (proxy, agents, adapters, `maxRedirects`, `baseURL`, …) would send the token elsewhere or around
 * the SDK's bounds, so they are refused rather than silently ignored.
 */
export function checkRequestConfig(config: unknown): {
  request: TransportRequest;
  signal?: AbortSignal;
  timeoutMs?: number;
  idempotent?: boolean;
} {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new FrappeInputError({ message: 'request() needs a config object with at least `url`' });
  }
  const given = config as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !ALLOWED_KEYS.has(key) && given[key] !== undefined);
  if (unknown.length > 0) {
    throw new FrappeInputError({
      message: `request() does not take ${unknown.map((key) => `\`${key}\``).join(', ')}: it takes only ${[...ALLOWED_KEYS].join(', ')}`,
    });
  }
  if (typeof given.url !== 'string' || given.url === '') {
    throw new FrappeInputError({ message: 'request() needs `url`, a path on the site' });
  }
  if (given.method !== undefined && (typeof given.method !== 'string' || !/^[A-Za-z]+$/.test(given.method))) {
    throw new FrappeInputError({ message: 'request() `method` must be an HTTP method name' });
  }
  const params = checkParams(given.params);
  const headers = checkHeaders(given.headers);
  if (given.signal !== undefined && !(given.signal instanceof AbortSignal)) {
    throw new FrappeInputError({ message: 'request() `signal` must be an AbortSignal' });
  }
  for (const key of ['timeoutMs', 'maxResponseBytes'] as const) {
    const value = given[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      throw new FrappeInputError({ message: `request() \`${key}\` must be a positive number` });
    }
  }
  if (given.idempotent !== undefined && typeof given.idempotent !== 'boolean') {
    throw new FrappeInputError({ message: 'request() `idempotent` must be a boolean' });
  }
  const request: TransportRequest = { url: given.url };
  if (given.method !== undefined) request.method = (given.method as string).toUpperCase();
  if (params) request.params = params;
  if (headers) request.headers = headers;
  if (given.data !== undefined) request.data = given.data;
  if (given.maxResponseBytes !== undefined) request.maxResponseBytes = given.maxResponseBytes as number;
  return {
    request,
    signal: given.signal as AbortSignal | undefined,
    timeoutMs: given.timeoutMs as number | undefined,
    idempotent: given.idempotent as boolean | undefined,
  };
}

function checkParams(params: unknown): Record<string, string> | undefined {
  if (params === undefined) return undefined;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new FrappeInputError({
      message: 'request() `params` must be an object of strings, numbers or booleans',
    });
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new FrappeInputError({
        message: `request() param \`${key}\` must be a string, number or boolean`,
      });
    }
    out[key] = String(value);
  }
  return out;
}

function checkHeaders(headers: unknown): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new FrappeInputError({ message: 'request() `headers` must be an object of strings' });
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || /[\r\n]/.test(value) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new FrappeInputError({
        message: `request() header \`${name.slice(0, 40)}\` is not a valid header`,
      });
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new FrappeInputError({
        message: `request() does not take the \`${name}\` header: the SDK sets it`,
      });
    }
    out[name] = value;
  }
  return out;
}
