import type { Site } from '../site';
import { errorEnvelope, wantsJson } from './envelope';
import { FrappeException } from './exceptions';
import type { EmulatorRequest } from './request';
import { EmulatorResponse } from './response';

/**
 * Frappe's site-wide rate limiter (`frappe/rate_limiter.py`), turned on with site config
 * `rate_limit: {limit, window}`. It budgets server time, not requests: every request adds the
 * microseconds it took to the window's counter, and a request that starts while the counter is
 * already over the limit is refused with 429 TooManyRequestsError.
 */
export interface SiteRateLimitOptions {
  /** Seconds of server time allowed per window (`rate_limit.limit`). */
  limit: number;
  /** The window in seconds (`rate_limit.window`); windows start at multiples of it. */
  window: number;
  /**
   * Whose requests share a counter. Frappe's own limiter keeps one counter per site
   * (`rate-limit-counter-{window}`), the default here; `'user'` (the bearer token's or the
   * session's user, else the address) and `'ip'` model a limiter that keys per client.
   */
  per?: 'site' | 'user' | 'ip';
  /**
   * The server time a request costs, in microseconds. Default: what it took here on the `now`
   * clock, as Frappe measures it; tests pass a fixed cost so the limiter bites the same way on any
   * machine (`rejected` is true for a refusal, which costs Frappe next to nothing).
   */
  serverTimeMicros?: (request: { method: string; path: string; rejected: boolean }) => number;
  /** The window clock in ms since the epoch; default `Date.now`. */
  now?: () => number;
}

/** One request's view of the limiter, taken at its start as Frappe's `RateLimiter.__init__` does. */
interface Admission {
  readonly key: string;
  readonly startedAt: number;
  readonly rejected: boolean;
  readonly headers: Record<string, string>;
}

/** The test controls of the site-wide limiter (`FrappeEmulator.siteRateLimit`). */
export interface SiteRateLimitControl {
  /** Turns the limiter on with these settings (counters start empty), or off with `undefined`. */
  set(options: SiteRateLimitOptions | undefined): void;
  /** The current window's counter in microseconds, for `'site'` or a user or an address. */
  counter(key?: string): number;
  /** Adds server time to the current window, as other workers' requests would. */
  spend(micros: number, key?: string): void;
  /** How many requests were refused with 429 since the last `set`. */
  readonly rejections: number;
}

/** The limiter of one site: its configuration and its counters. */
export class SiteRateLimiter implements SiteRateLimitControl {
  private options: Required<Omit<SiteRateLimitOptions, 'serverTimeMicros'>> &
    Pick<SiteRateLimitOptions, 'serverTimeMicros'> = { limit: 0, window: 1, per: 'site', now: Date.now };
  private enabled = false;
  private readonly counters = new Map<string, number>();
  /** How many requests it refused since it was configured. */
  rejections = 0;

  set(options: SiteRateLimitOptions | undefined): void {
    this.counters.clear();
    this.rejections = 0;
    if (options === undefined) {
      this.enabled = false;
      return;
    }
    if (!(Number.isFinite(options.limit) && options.limit > 0)) {
      throw new TypeError('rate limit: limit must be a positive number of seconds');
    }
    if (!(Number.isInteger(options.window) && options.window > 0)) {
      throw new TypeError('rate limit: window must be a positive whole number of seconds');
    }
    if (options.per !== undefined && !['site', 'user', 'ip'].includes(options.per)) {
      throw new TypeError("rate limit: per must be 'site', 'user' or 'ip'");
    }
    this.options = { per: 'site', now: Date.now, ...options };
    this.enabled = true;
  }

  get active(): boolean {
    return this.enabled;
  }

  counter(key = 'site'): number {
    return this.counters.get(this.windowKey(key, this.windowOf(this.options.now()).number)) ?? 0;
  }

  spend(micros: number, key = 'site'): void {
    const counterKey = this.windowKey(key, this.windowOf(this.options.now()).number);
    this.counters.set(counterKey, (this.counters.get(counterKey) ?? 0) + Math.max(0, Math.round(micros)));
  }

  admit(site: Site, request: EmulatorRequest): Admission | undefined {
    if (!this.enabled) return undefined;
    const now = this.options.now();
    const { number, spent } = this.windowOf(now);
    const key = this.windowKey(this.identity(site, request), number);
    this.forgetOtherWindows(number);
    const limitMicros = Math.trunc(this.options.limit * 1e6);
    const counter = this.counters.get(key) ?? 0;
    const reset = this.options.window - spent;
    const rejected = counter > limitMicros;
    if (rejected) this.rejections += 1;
    const headers: Record<string, string> = {
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-limit': String(limitMicros),
      'x-ratelimit-remaining': String(Math.max(limitMicros - counter, 0)),
    };
    if (rejected) headers['retry-after'] = String(reset);
    return { key, startedAt: now, rejected, headers };
  }

  /** `RateLimiter.update`: the request's duration goes on the counter of the window it started in. */
  finish(admission: Admission, request: EmulatorRequest): void {
    const cost = this.options.serverTimeMicros
      ? this.options.serverTimeMicros({
          method: request.method,
          path: request.path,
          rejected: admission.rejected,
        })
      : (this.options.now() - admission.startedAt) * 1000;
    const micros = Math.max(0, Math.trunc(cost));
    this.counters.set(admission.key, (this.counters.get(admission.key) ?? 0) + micros);
  }

  private windowOf(nowMs: number): { number: number; spent: number } {
    const seconds = Math.floor(nowMs / 1000);
    return { number: Math.floor(seconds / this.options.window), spent: seconds % this.options.window };
  }

  private windowKey(identity: string, windowNumber: number): string {
    return `${identity}\u0000${windowNumber}`;
  }

  private identity(site: Site, request: EmulatorRequest): string {
    if (this.options.per === 'site') return 'site';
    const address = request.remoteAddress ?? 'unknown';
    if (this.options.per === 'ip') return address;
    const authorization = request.header('authorization') ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const user = bearer
      ? site.tokens.byAccessToken(bearer)?.user
      : site.sessions.get(request.cookies.sid)?.user;
    return user ?? address;
  }

  /** Counters expire with their window (`pipeline.expire(key, window)`). */
  private forgetOtherWindows(current: number): void {
    for (const key of this.counters.keys()) {
      const windowNumber = Number(key.slice(key.lastIndexOf('\u0000') + 1));
      if (windowNumber < current) this.counters.delete(key);
    }
  }
}

const limiters = new WeakMap<Site, SiteRateLimiter>();

/** The site's limiter (off until configured). */
export function siteRateLimiter(site: Site): SiteRateLimiter {
  let limiter = limiters.get(site);
  if (!limiter) {
    limiter = new SiteRateLimiter();
    limiters.set(site, limiter);
  }
  return limiter;
}

/**
 * Runs a request under the limiter: refused at its start when the window's counter is over the
 * limit, its duration counted after it, and Frappe's `X-RateLimit-*` headers on every answer
 * while the limiter is on (`Retry-After` on a refusal only).
 */
export async function rateLimited(
  site: Site,
  request: EmulatorRequest,
  handle: () => Promise<EmulatorResponse>,
): Promise<EmulatorResponse> {
  const limiter = siteRateLimiter(site);
  const admission = limiter.admit(site, request);
  if (!admission) return handle();
  let response: EmulatorResponse;
  try {
    response = admission.rejected ? tooManyRequests(site, request) : await handle();
  } finally {
    limiter.finish(admission, request);
  }
  for (const [name, value] of Object.entries(admission.headers)) response.headers[name] = value;
  return response;
}

/**
 * The refusal: raised in a before-request hook, so the session is still Guest. JSON requests (and
 * any `/api/` request not asking for text) get the error envelope; others Werkzeug's plain
 * "Too Many Requests" (`RateLimiter.respond`).
 */
function tooManyRequests(site: Site, request: EmulatorRequest): EmulatorResponse {
  const exception = new FrappeException('TooManyRequestsError', { status: 429, thrown: false });
  const response = wantsJson(request.path, request.header('accept'), request.header('x-requested-with'))
    ? EmulatorResponse.json(
        429,
        site.apiV2 && request.path.startsWith('/api/v2/')
          ? site.apiV2.errorBody(exception, 'Guest')
          : errorEnvelope(site.profile, exception, 'Guest'),
      )
    : new EmulatorResponse(429, 'Too Many Requests', 'text/plain; charset=utf-8');
  response.headers.date = new Date(site.clock.nowMs()).toUTCString();
  return response;
}
