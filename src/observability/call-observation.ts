import type { Span } from '@opentelemetry/api';
import type { HttpTransport, SendOptions } from '../transport/http-transport';
import type { TransportRequest, TransportResponse } from '../transport/transport';
import type { RequestEvent, RetryEvent } from './hook-events';
import { errorType, hasRetryAfter, observedError, retryReasonOf, statusOf } from './observed-error';
import type { Observer } from './observer';
import { type RouteInfo, routeOf } from './route-template';
import { definedAttributes } from './telemetry';

/**
 * One REST call as it is observed: an OpenTelemetry CLIENT span around the whole call (named
 * `GET /api/resource/{doctype}/{name}`, the HTTP semantic conventions' attributes, each retry an
 * event), and for each HTTP request of it a debug line, a `request` hook and a duration metric;
 * for each retry an info line, a `retry` hook and a counter. No attribute holds a document name
 * or a query value: routes are templates.
 */
export class CallObservation {
  private requestCount = 0;
  private retryCount = 0;
  private routeInfo: RouteInfo | undefined;
  private span: Span | undefined;

  constructor(
    private readonly observer: Observer,
    readonly method: string,
    private readonly url: string,
    readonly tokenKey: string,
    /**
     * `rest`: a REST call (hooks, `request` lines). `oauth`: one request to an OAuth endpoint (token,
     * openid_profile, revocation, discovery), seen by its span, metric and `oauth_request` line.
     */
    private readonly kind: 'rest' | 'oauth' = 'rest',
  ) {}

  get route(): RouteInfo {
    this.routeInfo ??= routeOf(this.url, this.observer.basePath);
    return this.routeInfo;
  }

  /**
   * Runs the call inside its span, which is the active span while it runs (so a refresh the call
   * starts is its child), and ends the span with the call's outcome.
   */
  async run<T extends { status: number }>(work: () => Promise<T>): Promise<T> {
    const { telemetry } = this.observer;
    const loading = telemetry.pending();
    if (loading) await loading;
    const api = telemetry.api;
    const tracer = telemetry.tracer();
    if (!api || !tracer) return this.watched(work);
    const route = this.route;
    const method = conventionalMethod(this.method);
    const span = tracer.startSpan(`${method === '_OTHER' ? 'HTTP' : method} ${route.route}`, {
      kind: api.SpanKind.CLIENT,
      attributes: definedAttributes({
        'http.request.method': method,
        'http.request.method_original': method === '_OTHER' ? this.method : undefined,
        'url.template': route.route,
        'server.address': this.observer.serverAddress,
        'server.port': this.observer.serverPort,
        'frappe.doctype': route.doctype,
        'frappe.method': route.method,
      }),
    });
    this.span = span;
    try {
      const response = await api.context.with(api.trace.setSpan(api.context.active(), span), () =>
        this.watched(work),
      );
      span.setAttribute('http.response.status_code', response.status);
      // An answer that is an error (the OAuth endpoints resolve with any status) marks the span too.
      if (response.status >= 400) {
        span.setAttribute('error.type', String(response.status));
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(response.status) });
      }
      return response;
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      const type = errorType(error);
      span.setAttribute('error.type', type);
      // The status message names the kind of failure only: an error's text may hold a document name.
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: type });
      throw error;
    } finally {
      if (this.requestCount > 1) span.setAttribute('http.request.resend_count', this.requestCount - 1);
      span.end();
    }
  }

  /** The call's work; a call that retried and still failed says so at warn. */
  private async watched<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.retryCount > 0) this.gaveUp(error);
      throw error;
    }
  }

  private gaveUp(error: unknown): void {
    if (!this.observer.logs('warn')) return;
    const path = this.observer.secrets().scrub(this.route.path);
    const type = errorType(error);
    this.observer.log(
      'warn',
      `${this.method} ${path} failed (${type}) after ${this.requestCount} requests and ${this.retryCount} retries`,
      {
        event: 'retries_exhausted',
        tokenKey: this.tokenKey,
        method: this.method,
        route: this.route.route,
        path,
        status: statusOf(error),
        attempt: this.requestCount,
        retries: this.retryCount,
        error: type,
      },
    );
  }

  /** Sends one HTTP request of the call through `transport`, timed and reported to {@link sent}. */
  async send(
    transport: HttpTransport,
    request: TransportRequest,
    options?: SendOptions,
  ): Promise<TransportResponse> {
    const started = performance.now();
    try {
      const response = await transport.send(request, options);
      this.sent(response.status, undefined, performance.now() - started);
      return response;
    } catch (error) {
      this.sent(undefined, error, performance.now() - started);
      throw error;
    }
  }

  /** One HTTP request of the call came back (`status`) or failed without an answer (`error`). */
  sent(status: number | undefined, error: unknown, durationMs: number): void {
    const attempt = ++this.requestCount;
    const { observer } = this;
    const instruments = observer.telemetry.instruments();
    const logs = observer.logs('debug');
    const hooks = this.kind === 'rest' && observer.requests.active;
    if (!instruments && !logs && !hooks) return;
    const route = this.route;
    const duration = Math.round(durationMs * 10) / 10;
    instruments?.requestDuration.record(
      durationMs / 1000,
      definedAttributes({
        'http.request.method': conventionalMethod(this.method),
        'url.template': route.route,
        'http.response.status_code': status,
        'error.type': status === undefined ? errorType(error) : status >= 400 ? String(status) : undefined,
        'server.address': observer.serverAddress,
        'server.port': observer.serverPort,
      }),
    );
    if (!logs && !hooks) return;
    const secrets = observer.secrets();
    const path = secrets.scrub(route.path);
    const failure = status === undefined ? observedError(error, secrets) : undefined;
    if (logs) {
      const outcome = status !== undefined ? `${status}` : `no answer (${failure?.reason ?? failure?.name})`;
      observer.log('debug', `${this.method} ${path} → ${outcome} in ${duration} ms (attempt ${attempt})`, {
        event: this.kind === 'rest' ? 'request' : 'oauth_request',
        tokenKey: this.kind === 'rest' ? this.tokenKey : undefined,
        method: this.method,
        route: route.route,
        path,
        doctype: route.doctype,
        status,
        durationMs: duration,
        attempt,
        error: failure?.name,
        reason: failure?.reason,
      });
    }
    if (hooks) {
      const event: RequestEvent = {
        tokenKey: this.tokenKey,
        method: this.method,
        route: route.route,
        path,
        durationMs: duration,
        attempt,
      };
      if (route.doctype !== undefined) event.doctype = route.doctype;
      if (status !== undefined) event.status = status;
      if (failure) event.error = failure;
      observer.requests.emit(event);
    }
  }

  /** The attempt that just failed (`error`) is retried after `delayMs`. */
  retrying(error: unknown, delayMs: number): void {
    const { observer } = this;
    const attempt = this.requestCount;
    this.retryCount += 1;
    const reason = retryReasonOf(error);
    const status = statusOf(error);
    const retryAfter = hasRetryAfter(error);
    this.span?.addEvent(
      'frappe.retry',
      definedAttributes({
        'frappe.retry.attempt': attempt,
        'frappe.retry.reason': reason,
        'frappe.retry.delay_ms': delayMs,
        'frappe.retry.retry_after': retryAfter,
        'http.response.status_code': status,
        'error.type': errorType(error),
      }),
    );
    const route = this.route;
    observer.telemetry.instruments()?.retries.add(
      1,
      definedAttributes({
        'http.request.method': conventionalMethod(this.method),
        'url.template': route.route,
        'frappe.retry.reason': reason,
        'error.type': errorType(error),
      }),
    );
    const logs = observer.logs('info');
    const hooks = observer.retries.active;
    if (!logs && !hooks) return;
    const secrets = observer.secrets();
    const path = secrets.scrub(route.path);
    const failure = observedError(error, secrets);
    if (logs) {
      const why =
        status !== undefined ? `${status} (${reason})` : `${failure.reason ?? failure.name} (${reason})`;
      const wait = retryAfter ? `${delayMs} ms, as Retry-After asked` : `${delayMs} ms`;
      observer.log(
        'info',
        `${this.method} ${path} failed with ${why}; retrying in ${wait} (attempt ${attempt + 1})`,
        {
          event: 'retry',
          tokenKey: this.tokenKey,
          method: this.method,
          route: route.route,
          path,
          doctype: route.doctype,
          attempt,
          reason,
          status,
          delayMs,
          retryAfter,
          error: failure.name,
        },
      );
    }
    if (hooks) {
      const event: RetryEvent = {
        tokenKey: this.tokenKey,
        method: this.method,
        route: route.route,
        path,
        attempt,
        reason,
        delayMs,
        retryAfter,
        error: failure,
      };
      if (route.doctype !== undefined) event.doctype = route.doctype;
      if (status !== undefined) event.status = status;
      observer.retries.emit(event);
    }
  }

  /** A retry that is not made: its wait would pass the call's deadline. */
  notRetried(error: unknown, delayMs: number, remainingMs: number): void {
    if (!this.observer.logs('warn')) return;
    const path = this.observer.secrets().scrub(this.route.path);
    const status = statusOf(error);
    const what = status !== undefined ? String(status) : errorType(error);
    this.observer.log(
      'warn',
      `${this.method} ${path} failed with ${what}; not retrying: the wait of ${delayMs} ms would pass the call's deadline (${Math.round(remainingMs)} ms left)`,
      {
        event: 'retry_skipped',
        tokenKey: this.tokenKey,
        method: this.method,
        route: this.route.route,
        path,
        status,
        delayMs,
      },
    );
  }

  /** The site refused the token (401, or a 403 for a dead token): it is replaced and the request sent once more. */
  tokenReplaced(status: number, fingerprint: string): void {
    this.span?.addEvent('frappe.token_replaced', { 'http.response.status_code': status });
    if (!this.observer.logs('warn')) return;
    const path = this.observer.secrets().scrub(this.route.path);
    this.observer.log(
      'warn',
      `${this.method} ${path}: the site answered ${status} for token ${fingerprint}; sending it once more with a replaced token`,
      {
        event: 'token_replaced',
        tokenKey: this.tokenKey,
        method: this.method,
        route: this.route.route,
        path,
        status,
        fingerprint,
      },
    );
  }
}

/** The methods the HTTP semantic conventions name; any other is `_OTHER` (a bounded set of values). */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

function conventionalMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}
