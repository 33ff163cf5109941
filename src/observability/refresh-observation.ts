import { hostname } from 'node:os';
import type { Span } from '@opentelemetry/api';
import { fingerprint } from '../redaction/redact';
import type { LogFields, LogLevel } from './log-sink';
import { errorType } from './observed-error';
import type { Observer } from './observer';
import { definedAttributes } from './telemetry';

/** What a refresh observation needs to know of the token it refreshes. */
export interface RefreshedToken {
  access_token: string;
  expires_at: number;
  obtained_at?: number;
}

/** How a refresh ended without asking the token endpoint: the store held a newer pair. */
export type AdoptedFrom = 'stored_while_waiting' | 'stored_after_refusal';

/** This process, as logs name the holder of a refresh lease: `host/pid`. */
let processLabel: string | undefined;
function thisProcess(): string {
  processLabel ??= `${hostname()}/${process.pid}`;
  return processLabel;
}

/**
 * One refresh as it is observed: an INTERNAL span `frappe.token.refresh` (a child of the call that
 * started it) with a `frappe.token.lease_wait` span for the time spent waiting for the lease; info
 * lines when it starts, ends or is adopted from the store, a warn line when it fails; the
 * `frappe.token.refreshes` counter and the `frappe.token.age_at_refresh` histogram. Tokens appear
 * by fingerprint only.
 */
export class RefreshObservation {
  private readonly span: Span | undefined;
  private readonly startedAt = performance.now();
  private leaseWaitMs = 0;
  private outcome: string | undefined;

  constructor(
    private readonly observer: Observer,
    /** The lifecycle's log, which names the token key. */
    private readonly log: (level: LogLevel, message: string, fields?: LogFields) => void,
    private readonly seen: RefreshedToken,
    /** The server's time now, in epoch seconds. */
    private readonly serverNow: () => number,
  ) {
    const api = observer.telemetry.api;
    this.span = observer.telemetry.tracer()?.startSpan('frappe.token.refresh', {
      kind: api?.SpanKind.INTERNAL,
      attributes: { 'frappe.token.fingerprint': fingerprint(seen.access_token) },
    });
  }

  /** Runs the refresh with its span as the active one (what it sends becomes its child). */
  within<T>(work: () => Promise<T>): Promise<T> {
    const api = this.observer.telemetry.api;
    if (!api || !this.span) return work();
    return api.context.with(api.trace.setSpan(api.context.active(), this.span), work);
  }

  /** Waits for the refresh lease, in a span of its own. */
  async leaseWait<T>(acquiring: Promise<T>): Promise<T> {
    const api = this.observer.telemetry.api;
    const tracer = this.observer.telemetry.tracer();
    const parent = api && this.span ? api.trace.setSpan(api.context.active(), this.span) : undefined;
    const span = tracer?.startSpan('frappe.token.lease_wait', { kind: api?.SpanKind.INTERNAL }, parent);
    const started = performance.now();
    try {
      return await acquiring;
    } catch (error) {
      if (api) span?.setStatus({ code: api.SpanStatusCode.ERROR, message: errorType(error) });
      throw error;
    } finally {
      this.leaseWaitMs = Math.round(performance.now() - started);
      span?.end();
    }
  }

  /** The token endpoint is about to be asked: this process holds the lease. */
  started(from: RefreshedToken): void {
    const now = this.serverNow();
    const age = from.obtained_at === undefined ? undefined : Math.max(0, Math.round(now - from.obtained_at));
    if (age !== undefined) this.observer.telemetry.instruments()?.tokenAgeAtRefresh.record(age);
    const fp = fingerprint(from.access_token);
    const ageText = age === undefined ? '' : `, ${age} s old`;
    const expires = Math.round(from.expires_at - now);
    this.log(
      'info',
      `refresh started: token ${fp}${ageText}, ${expires >= 0 ? `expires in ${expires} s` : `expired ${-expires} s ago`}; ${thisProcess()} holds the lease (waited ${this.leaseWaitMs} ms)`,
      {
        event: 'refresh_started',
        fingerprint: fp,
        tokenAgeSeconds: age,
        leaseHolder: thisProcess(),
        leaseWaitMs: this.leaseWaitMs,
      },
    );
  }

  /** The new pair came and was checked; `written`: it is in the store (else kept in memory). */
  succeeded(from: RefreshedToken, fresh: RefreshedToken, written: boolean): void {
    this.outcome = 'refreshed';
    const durationMs = Math.round(performance.now() - this.startedAt);
    const old = fingerprint(from.access_token);
    const now = fingerprint(fresh.access_token);
    this.log(
      'info',
      `refresh done: token ${old} → ${now} in ${durationMs} ms, expires in ${Math.round(fresh.expires_at - this.serverNow())} s${written ? '' : '; the store failed, the pair is kept in memory'}`,
      {
        event: 'refreshed',
        fingerprint: now,
        previousFingerprint: old,
        durationMs,
        stored: written,
        leaseHolder: thisProcess(),
      },
    );
  }

  /** No refresh was needed after all: the store held a newer pair (another holder's). */
  adopted(token: RefreshedToken, from: AdoptedFrom): void {
    this.outcome = 'adopted';
    const fp = fingerprint(token.access_token);
    const message =
      from === 'stored_while_waiting'
        ? `refresh not needed: while this process waited ${this.leaseWaitMs} ms for the lease, its holder stored a fresh pair (token ${fp}); using it`
        : `the refresh was refused, but the store holds a newer pair (token ${fp}), stored by another holder of the lease; using it`;
    this.log('info', message, {
      event: 'refresh_adopted',
      fingerprint: fp,
      adoptedFrom: from,
      leaseWaitMs: this.leaseWaitMs,
    });
  }

  /** The refresh failed; `kind` is the slot's failure kind (refused, retryable, …). */
  failed(kind: string, error: unknown): void {
    this.outcome = 'failed';
    const type = errorType(error);
    const name = error instanceof Error ? error.name : 'error';
    const api = this.observer.telemetry.api;
    if (api) this.span?.setStatus({ code: api.SpanStatusCode.ERROR, message: type });
    this.span?.setAttribute('error.type', type);
    this.span?.setAttribute('frappe.token.refresh.failure', kind);
    this.log('warn', `refresh failed (${kind}: ${name}) for token ${fingerprint(this.seen.access_token)}`, {
      event: 'refresh_failed',
      fingerprint: fingerprint(this.seen.access_token),
      failure: kind,
      error: name,
    });
  }

  /** Ends the span and counts the refresh. */
  end(): void {
    const outcome = this.outcome ?? 'failed';
    this.span?.setAttribute('frappe.token.refresh.outcome', outcome);
    this.span?.setAttribute('frappe.token.lease_wait_ms', this.leaseWaitMs);
    this.span?.end();
    this.observer.telemetry
      .instruments()
      ?.refreshes.add(1, definedAttributes({ 'frappe.token.refresh.outcome': outcome }));
  }
}
