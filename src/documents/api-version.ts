import { FrappeNetworkError } from '../errors';
import { CallScope } from '../transport/call-scope';
import type { HttpTransport } from '../transport/http-transport';
import type { TransportResponse } from '../transport/transport';

/**
 * Which REST API the documents methods speak: `'v1'` (`/api/resource`, `/api/method`; the
 * default), `'v2'` (`/api/v2/…`, Frappe v15 and later) or `'auto'` (v2 where the site has it).
 */
export type ApiVersion = 'v1' | 'v2' | 'auto';

/** The API a call actually uses, once `'auto'` is decided. */
export type RestApi = 'v1' | 'v2';

/** The route that tells the two apart: v2's `ping` answers `{"data": "pong"}`, v14 a 404. */
export const API_VERSION_PROBE = '/api/v2/method/ping';

/**
 * The API version of one client family (the client built with `new` and its `withTokenKey`
 * clients). With `'auto'` the site is asked once, on the first documents call, and every later
 * call — and every caller that arrives while the question is open — gets the same answer.
 *
 * The question is `GET /api/v2/method/ping`, without a token (ping is open to Guest): a 2xx
 * `{"data": "pong"}` means v2; anything else means v1 — a 404 (v14 and older), but also a failed
 * detection: no answer (network error, timeout), a 5xx, a 429, an HTML page or any other body.
 * A failed detection is kept as v1 like the others and logged at warn: v1 works on every
 * release, and a site that hides v2 behind a failing proxy route is better served by v1 than by
 * a question asked again on every call. It is one request, never more.
 *
 * The detection runs on its own deadline, not on any caller's: half the client's `timeoutMs`, at
 * most {@link MAX_PROBE_MS}, so that a probe that gets no answer leaves the first calls time to go
 * on with v1. A caller whose signal aborts (or whose own deadline passes) stops waiting for it,
 * and the others still get the answer.
 */
export class ApiVersionSelector {
  private detection: Promise<RestApi> | undefined;
  private decided: RestApi | undefined;

  constructor(
    readonly choice: ApiVersion,
    private readonly detect: () => Promise<RestApi>,
  ) {
    if (choice !== 'auto') this.decided = choice;
  }

  /** The API, when it is known without waiting (a fixed choice, or a detection that finished). */
  get known(): RestApi | undefined {
    return this.decided;
  }

  /** The API to use; `signal` ends only this caller's wait for a detection. */
  resolve(signal?: AbortSignal): Promise<RestApi> {
    if (this.decided) return Promise.resolve(this.decided);
    this.detection ??= this.detect().then((api) => {
      this.decided = api;
      return api;
    });
    if (!signal) return this.detection;
    return waitOrAbort(this.detection, signal);
  }
}

/** The longest the probe may take. */
export const MAX_PROBE_MS = 5000;

/** Asks the site once whether it serves REST API v2 (see {@link ApiVersionSelector}). */
export async function detectApiVersion(
  transport: HttpTransport,
  clientTimeoutMs: number,
  warn: (message: string) => void,
): Promise<RestApi> {
  const probeMs = Math.max(1, Math.min(MAX_PROBE_MS, clientTimeoutMs / 2));
  const scope = new CallScope('detecting the REST API version', {}, probeMs, { background: true });
  try {
    const response = await transport.send(
      { method: 'GET', url: API_VERSION_PROBE, headers: { Accept: 'application/json' } },
      scope.requestOptions(),
    );
    if (isPong(response)) return 'v2';
    if (response.status !== 404) {
      warn(`apiVersion 'auto': ${API_VERSION_PROBE} answered ${response.status}; using REST API v1`);
    }
    return 'v1';
  } catch (error) {
    const reason = error instanceof FrappeNetworkError ? error.reason : 'an error';
    warn(`apiVersion 'auto': ${API_VERSION_PROBE} failed (${reason}); using REST API v1`);
    return 'v1';
  } finally {
    scope.dispose();
  }
}

function isPong(response: TransportResponse): boolean {
  if (response.status < 200 || response.status > 299 || typeof response.data !== 'string') return false;
  try {
    const body = JSON.parse(response.data) as unknown;
    return typeof body === 'object' && body !== null && (body as { data?: unknown }).data === 'pong';
  } catch {
    return false;
  }
}

function waitOrAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = () =>
    new FrappeNetworkError({
      message: 'the call was aborted while the REST API version was detected',
      reason: 'aborted',
    });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
