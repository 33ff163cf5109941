import type { KeyvLike } from './auth/token-store';
import { FrappeConfigurationError } from './errors';

/**
 * The checks the option table (option-table.ts) builds its rows from. Each takes the value as the
 * caller gave it (any type: options often come from JSON or environment variables) and either
 * returns it typed or throws FrappeConfigurationError naming the option, so that a bad option
 * fails in the constructor and never as a TypeError deep inside a later call.
 */

export function refuse(message: string): never {
  throw new FrappeConfigurationError({ message });
}

export function parseHttpUrl(value: unknown, name: string): URL {
  if (typeof value !== 'string' || value === '') refuse(`${name} must be an absolute http(s) URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    refuse(`${name} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(`${name} must use http or https`);
  if (url.username || url.password) refuse(`${name} must not carry credentials`);
  return url;
}

/** Path segments that are Frappe's own routes (Desk, the REST API, the login page), not a site root. */
const FRAPPE_ROUTES = new Set(['app', 'desk', 'api', 'login']);

/**
 * A baseUrl copied from the browser (`…/app`, `…/desk`, `…/login`) or an API URL (`…/api/…`)
 * would put every request under that route (`/app/api/resource/…`) and fail with confusing 404s.
 * It is refused with the site root to use instead. Any other path is kept as a prefix: a site
 * behind a reverse proxy under `/erp/` is reached at `/erp/api/…`.
 */
export function refuseDeskOrApiPath(url: URL): void {
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
  refuse(
    `baseUrl must be the site root, not a Desk or API path (/${segments.slice(cut).join('/')}): use ${root}`,
  );
}

export function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') refuse(`${name} must be a string`);
  return value;
}

export function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') refuse(`${name} must be a non-empty string`);
  return value;
}

export function optionalBoolean(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') refuse(`${name} must be true or false`);
  return value;
}

export function optionalFunction<F extends (...args: never[]) => unknown>(
  value: unknown,
  fallback: F,
  message: string,
): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') refuse(message);
  return value as F;
}

export function positive(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    refuse(`${name} must be a positive number`);
  }
  return value;
}

export function nonNegative(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    refuse(`${name} must be a number ≥ 0`);
  }
  return value;
}

/** An object of settings (`retry`, `refreshRetry`): undefined stays undefined. */
export function optionalObject<T extends object>(value: unknown, name: string): Partial<T> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    refuse(`${name} must be an object`);
  return value as Partial<T>;
}

export function isKeyvLike(value: unknown): value is KeyvLike {
  const candidate = value as Record<string, unknown> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.get === 'function' &&
    typeof candidate.set === 'function' &&
    typeof candidate.delete === 'function'
  );
}

/** `value` when it is one of `allowed`; `message` otherwise. */
export function oneOf<const T extends string>(value: unknown, allowed: readonly T[], message: string): T {
  if (!allowed.includes(value as T)) refuse(message);
  return value as T;
}
