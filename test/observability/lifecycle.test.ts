/**
 * The whole picture at once: a logger, every hook (`token`, `request`, `retry`), `onProgress` and
 * an OpenTelemetry exporter (spans and metrics) attached to one client through a full lifecycle
 * with faults — sign-in, a 502 retried, a 429 retried, a refresh at expiry, a token the site
 * killed early (401/403, replaced), a paged iteration, a chunked insert, logout — and what each
 * saw, checked against the site's own request log; none saw a secret, and no span or metric
 * attribute names a document or a query value.
 */
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import type { FrappeProgress, LogFields, RequestEvent, RetryEvent, TokenEvent } from '../../src';
import {
  advanceTime,
  approveInBrowser,
  CLIENT,
  clientFor,
  ManualClock,
  PROFILES,
  startSite,
  USERS,
} from '../helpers/frappe-site';
import { expectNoSecretsLeaked } from '../helpers/secret-audit';
import { otelKit, spanText, total } from './otel-kit';

afterAll(() => {
  expectNoSecretsLeaked();
});

/** The REST paths of the run (the OAuth endpoints and the browser's pages are not REST calls). */
const REST = /^\/api\/(resource\/|method\/frappe\.client\.)/;

describe.each(PROFILES)('a full lifecycle with faults on %s', (profile) => {
  it('each observer saw its part, and none saw a secret', async () => {
    const kit = otelKit();
    const site = await startSite(profile);
    const clock = new ManualClock();
    const lines: Array<{ level: string; message: string; fields?: LogFields }> = [];
    const record =
      (level: string) =>
      (message: string, fields?: LogFields): void => {
        lines.push({ level, message, fields });
      };
    const client = clientFor(site, {
      clock: clock.now,
      retry: { minDelayMs: 1, maxDelayMs: 2 },
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      openTelemetry: { tracerProvider: kit.tracerProvider, meterProvider: kit.meterProvider },
    });
    const tokenEvents: TokenEvent[] = [];
    const requests: RequestEvent[] = [];
    const retries: RetryEvent[] = [];
    const progress: FrappeProgress[] = [];
    client.on('token', (event) => tokenEvents.push(event));
    client.on('request', (event) => requests.push(event));
    client.on('retry', (event) => retries.push(event));

    // ── the run ──────────────────────────────────────────────────────────────────────────────
    const callback = await approveInBrowser(site, await client.getAuthorizationUrl(), USERS.alice.email);
    const code = new URL(callback).searchParams.get('code') ?? '';
    await client.handleCallback(callback);
    await client.getDoc('Customer', 'Jane Doe');
    site.injectFault('/api/resource/Customer/Jane Doe', { kind: 'status', status: 502 });
    await client.getDoc('Customer', 'Jane Doe');
    site.injectFault(
      '/api/resource/Customer',
      { kind: 'rate-limit', retryAfterSeconds: 0 },
      { method: 'GET' },
    );
    await client.getList('Customer', { filters: { customer_name: 'Grant Plastics Ltd.' } });
    advanceTime(site, clock, 3700); // expired: the next call refreshes
    await client.getDoc('Customer', 'Jane Doe');
    site.expireToken(await client.getAccessToken()); // killed at the site: 401 (403 on v14), replaced
    await client.getDoc('Customer', 'Jane Doe');
    let rows = 0;
    for await (const _row of client.iterateList('Customer', {
      pageSize: 2,
      onProgress: (p) => progress.push(p),
    })) {
      rows += 1;
    }
    const inserted = await client.insertMany(
      'Customer',
      [1, 2, 3].map((n) => ({ customer_name: `Lifecycle Probe ${n}`, customer_type: 'Company' })),
      { onProgress: (p) => progress.push(p) },
    );
    await client.logout();

    // ── what the site saw ────────────────────────────────────────────────────────────────────
    const rest = site.requests().filter((entry) => REST.test(entry.path));
    const killed = profile === 'v14' ? 403 : 401;

    // ── hooks ────────────────────────────────────────────────────────────────────────────────
    expect(requests.map((event) => event.status)).toEqual(rest.map((entry) => entry.status));
    expect(requests.map((event) => event.route)).toContain('/api/resource/{doctype}/{name}');
    expect(requests.filter((event) => event.attempt > 1).map((event) => event.status)).toEqual([
      200, 200, 200,
    ]);
    expect(retries.map((event) => [event.reason, event.status, event.attempt])).toEqual([
      ['server_error', 502, 1],
      ['rate_limited', 429, 1],
    ]);
    const types = tokenEvents.map((event) => event.type);
    expect(types.filter((type) => type === 'refresh_started')).toHaveLength(2);
    expect(types.filter((type) => type === 'refreshed')).toHaveLength(2);
    expect(types).toContain('stored');
    expect(types.slice(-2)).toEqual(['revoked', 'deleted']);
    expect(progress.filter((step) => step.total === 3).map((step) => step.done)).toEqual([0, 3]);
    expect(progress.filter((step) => step.total !== 3).at(-1)).toMatchObject({ done: rows, total: rows });
    expect(inserted).toHaveLength(3);

    // ── log lines ────────────────────────────────────────────────────────────────────────────
    const byEvent = (event: string) => lines.filter((line) => line.fields?.event === event);
    expect(byEvent('request').map((line) => line.fields?.status)).toEqual(rest.map((entry) => entry.status));
    expect(byEvent('request').every((line) => line.level === 'debug')).toBe(true);
    expect(byEvent('retry').map((line) => [line.level, line.fields?.status])).toEqual([
      ['info', 502],
      ['info', 429],
    ]);
    expect(byEvent('refresh_started').map((line) => line.level)).toEqual(['info', 'info']);
    expect(byEvent('refreshed').map((line) => line.level)).toEqual(['info', 'info']);
    expect(byEvent('token_replaced').map((line) => [line.level, line.fields?.status])).toEqual([
      ['warn', killed],
    ]);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);

    // ── spans ────────────────────────────────────────────────────────────────────────────────
    const spans = kit.spans();
    const isRest = (template: unknown) =>
      typeof template === 'string' && template.startsWith('/api/resource/');
    const restCall = (span: ReadableSpan) =>
      isRest(span.attributes['url.template']) ||
      String(span.attributes['frappe.method']).startsWith('frappe.client.');
    const calls = spans.filter((span) => span.kind === SpanKind.CLIENT && restCall(span));
    // Each OAuth endpoint request has a CLIENT span of its own: the token endpoint's are the
    // sign-in, the two refreshes and none else; the revocation is logout's.
    const oauth = spans.filter((span) =>
      String(span.attributes['frappe.method']).startsWith('frappe.integrations.oauth2.'),
    );
    const grants = oauth.filter(
      (span) => span.attributes['frappe.method'] === 'frappe.integrations.oauth2.get_token',
    );
    expect(grants).toHaveLength(3);
    expect(
      oauth.filter((span) => span.attributes['frappe.method'] === 'frappe.integrations.oauth2.revoke_token'),
    ).toHaveLength(1);
    // Every request belongs to a call span; a call's span counts its requests after the first.
    const resends = calls.reduce(
      (sum, span) => sum + Number(span.attributes['http.request.resend_count'] ?? 0),
      0,
    );
    expect(calls.length + resends).toBe(rest.length);
    for (const span of calls) {
      expect(span.name).toBe(`${span.attributes['http.request.method']} ${span.attributes['url.template']}`);
    }
    const retryEvents = calls.flatMap((span) => span.events.filter((event) => event.name === 'frappe.retry'));
    expect(retryEvents.map((event) => event.attributes?.['frappe.retry.reason'])).toEqual([
      'server_error',
      'rate_limited',
    ]);
    const refreshes = spans.filter((span) => span.name === 'frappe.token.refresh');
    expect(refreshes.map((span) => span.attributes['frappe.token.refresh.outcome'])).toEqual([
      'refreshed',
      'refreshed',
    ]);
    const ids = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    for (const refresh of refreshes) {
      expect(ids.get(refresh.parentSpanContext?.spanId ?? '')?.kind).toBe(SpanKind.CLIENT);
    }
    const leaseWaits = spans.filter((span) => span.name === 'frappe.token.lease_wait');
    expect(leaseWaits.map((span) => ids.get(span.parentSpanContext?.spanId ?? '')?.name)).toEqual([
      'frappe.token.refresh',
      'frappe.token.refresh',
    ]);

    // ── metrics ──────────────────────────────────────────────────────────────────────────────
    const metrics = await kit.metrics();
    const durations = metrics.get('http.client.request.duration') ?? [];
    const restDurations = durations.filter(
      (point) =>
        isRest(point.attributes['url.template']) ||
        point.attributes['url.template'] === '/api/method/{method}',
    );
    // Every request the site saw (REST and OAuth alike, but the browser's) has its duration.
    const browser = site
      .requests()
      .filter((entry) => /authorize|approve|\/login|\/app|\/desk/.test(entry.path)).length;
    expect(total(durations)).toBe(site.requests().length - browser);
    expect(total(restDurations)).toBeGreaterThanOrEqual(rest.length);
    expect(total(metrics.get('frappe.client.retries'))).toBe(2);
    expect(
      total(metrics.get('frappe.token.refreshes'), { 'frappe.token.refresh.outcome': 'refreshed' }),
    ).toBe(2);
    expect(total(metrics.get('frappe.token.age_at_refresh'))).toBe(2);

    // ── no secret anywhere, no document name or query value in telemetry ─────────────────────
    const secrets = [
      CLIENT.clientSecret,
      USERS.alice.password,
      code,
      ...site.issuedTokens().flatMap((issued) => [issued.accessToken, issued.refreshToken]),
    ];
    expect(secrets.filter((secret) => secret.length >= 8).length).toBeGreaterThanOrEqual(7);
    const telemetry = [
      ...spans.map((span: ReadableSpan) => spanText(span)),
      ...[...metrics.values()].flat().map((point) => JSON.stringify(point.attributes)),
    ];
    const everything = [
      ...lines.map((line) => `${line.message} ${JSON.stringify(line.fields)}`),
      ...[tokenEvents, requests, retries, progress].map((payloads) => JSON.stringify(payloads)),
      ...telemetry,
    ].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    const documentsAndQueries = [
      'Jane',
      'Grant Plastics',
      'Lifecycle Probe',
      ...inserted,
      'customer_name',
      'filters',
    ];
    for (const text of telemetry) for (const value of documentsAndQueries) expect(text).not.toContain(value);
  });
});
