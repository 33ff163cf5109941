import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { FrappeConfigurationError, FrappeNotFoundError } from '../../src';
import { advanceTime, authorizeAs, clientFor, ManualClock, startSite, USERS } from '../helpers/frappe-site';
import { auditSecret, expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { otelKit, spanText, total } from './otel-kit';

afterAll(() => {
  expectNoSecretsLeaked();
});

const FAST_RETRY = { minDelayMs: 1, maxDelayMs: 2 };

async function signedIn(kit: ReturnType<typeof otelKit>, clock = new ManualClock()) {
  const site = await startSite('v15');
  const client = clientFor(site, {
    clock: clock.now,
    retry: FAST_RETRY,
    openTelemetry: { tracerProvider: kit.tracerProvider, meterProvider: kit.meterProvider },
  });
  await authorizeAs(client, site, USERS.alice.email);
  kit.reset();
  return { site, client, clock };
}

function named(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

describe('OpenTelemetry', () => {
  it('makes each call a CLIENT span with the HTTP conventions, the route template and no document name', async () => {
    const kit = otelKit();
    const { site, client } = await signedIn(kit);
    await client.getDoc('Customer', 'Jane Doe');
    await client.getList('Customer', { filters: { customer_name: 'Grant Plastics Ltd.' }, limit: 5 });
    const [doc] = named(kit.spans(), 'GET /api/resource/{doctype}/{name}');
    expect(doc?.kind).toBe(SpanKind.CLIENT);
    expect(doc?.attributes).toEqual({
      'http.request.method': 'GET',
      'url.template': '/api/resource/{doctype}/{name}',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(site.url).port),
      'frappe.doctype': 'Customer',
      'http.response.status_code': 200,
    });
    expect(doc?.status.code).toBe(SpanStatusCode.UNSET);
    expect(named(kit.spans(), 'GET /api/resource/{doctype}')).toHaveLength(1);
    for (const span of kit.spans()) {
      expect(spanText(span)).not.toMatch(/Jane|Grant Plastics|customer_name|limit/);
    }
  });

  it('records retries as events of the call span, and counts them', async () => {
    const kit = otelKit();
    const { site, client } = await signedIn(kit);
    site.injectFault('/api/resource/Customer/Jane Doe', { kind: 'status', status: 503 });
    site.injectFault('/api/resource/Customer/Jane Doe', { kind: 'rate-limit', retryAfterSeconds: 0 });
    await client.getDoc('Customer', 'Jane Doe');
    const [span] = kit.spans();
    expect(kit.spans()).toHaveLength(1);
    expect(span?.attributes['http.request.resend_count']).toBe(2);
    expect(span?.events.map((event) => [event.name, event.attributes?.['frappe.retry.reason']])).toEqual([
      ['frappe.retry', 'server_error'],
      ['frappe.retry', 'rate_limited'],
    ]);
    expect(span?.events[1]?.attributes).toMatchObject({
      'frappe.retry.attempt': 2,
      'frappe.retry.delay_ms': 0,
      'frappe.retry.retry_after': true,
      'http.response.status_code': 429,
    });
    const metrics = await kit.metrics();
    expect(total(metrics.get('frappe.client.retries'))).toBe(2);
    expect(total(metrics.get('frappe.client.retries'), { 'frappe.retry.reason': 'rate_limited' })).toBe(1);
    // One duration per HTTP request: 503, 429, 200 (the sign-in's OAuth requests have their own route).
    const durations = (metrics.get('http.client.request.duration') ?? []).filter(
      (point) => point.attributes['url.template'] === '/api/resource/{doctype}/{name}',
    );
    expect(total(durations)).toBe(3);
    expect(durations.map((point) => point.attributes['http.response.status_code']).sort()).toEqual([
      200, 429, 503,
    ]);
  });

  it('ends a failed call with an error status naming the failure, not its text', async () => {
    const kit = otelKit();
    const { client } = await signedIn(kit);
    await rejectionOf(client.getDoc('Customer', 'Nobody Such'), FrappeNotFoundError);
    const [span] = kit.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: '404' });
    expect(span?.attributes['error.type']).toBe('404');
    expect(spanText(span as ReadableSpan)).not.toContain('Nobody');
  });

  it('makes a refresh a span of its own, a child of the call that needed it, with its lease wait inside', async () => {
    const kit = otelKit();
    const { site, client, clock } = await signedIn(kit);
    await client.getDoc('Customer', 'Jane Doe');
    advanceTime(site, clock, 3700);
    kit.reset();
    await client.getDoc('Customer', 'Jane Doe');
    const spans = kit.spans();
    const [call] = named(spans, 'GET /api/resource/{doctype}/{name}');
    const [refresh] = named(spans, 'frappe.token.refresh');
    const [lease] = named(spans, 'frappe.token.lease_wait');
    expect(refresh?.parentSpanContext?.spanId).toBe(call?.spanContext().spanId);
    expect(lease?.parentSpanContext?.spanId).toBe(refresh?.spanContext().spanId);
    expect(refresh?.attributes['frappe.token.refresh.outcome']).toBe('refreshed');
    // The token endpoint's request is a CLIENT span inside the refresh, named by its route template.
    const [grant] = spans.filter(
      (span) => span.attributes['frappe.method'] === 'frappe.integrations.oauth2.get_token',
    );
    expect(grant?.name).toBe('POST /api/method/{method}');
    expect(grant?.kind).toBe(SpanKind.CLIENT);
    expect(grant?.attributes['http.response.status_code']).toBe(200);
    expect(grant?.parentSpanContext?.spanId).toBe(refresh?.spanContext().spanId);
    expect(refresh?.attributes['frappe.token.fingerprint']).toMatch(/^[0-9a-f]{8}$/);
    const metrics = await kit.metrics();
    expect(
      total(metrics.get('frappe.token.refreshes'), { 'frappe.token.refresh.outcome': 'refreshed' }),
    ).toBe(1);
    const age = metrics.get('frappe.token.age_at_refresh')?.[0]?.value as { count: number; sum: number };
    expect(age.count).toBe(1);
    expect(age.sum).toBeGreaterThanOrEqual(3700);
    for (const issued of site.issuedTokens()) auditSecret(issued.accessToken, issued.refreshToken);
    for (const span of spans) {
      for (const issued of site.issuedTokens()) {
        expect(spanText(span)).not.toContain(issued.accessToken);
        expect(spanText(span)).not.toContain(issued.refreshToken);
      }
    }
  });

  it('uses the global providers by default, and none with openTelemetry: false', async () => {
    const kit = otelKit();
    expect(trace.setGlobalTracerProvider(kit.tracerProvider)).toBe(true);
    try {
      const site = await startSite('v15');
      const byDefault = clientFor(site);
      const off = clientFor(site, { openTelemetry: false });
      await authorizeAs(byDefault, site, USERS.alice.email);
      kit.reset();
      await byDefault.getDoc('Customer', 'Jane Doe');
      expect(kit.spans().map((span) => span.name)).toEqual(['GET /api/resource/{doctype}/{name}']);
      kit.reset();
      await authorizeAs(off, site, USERS.alice.email);
      await off.getDoc('Customer', 'Jane Doe');
      expect(kit.spans()).toEqual([]);
    } finally {
      trace.disable();
    }
  });

  it('names a method the conventions do not know _OTHER, keeping the original beside it', async () => {
    const kit = otelKit();
    const { client } = await signedIn(kit);
    await client.request({ url: '/api/method/ping', method: 'PROPFIND' }).catch(() => undefined);
    const [span] = kit.spans();
    expect(span?.name).toBe('HTTP /api/method/{method}');
    expect(span?.attributes).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PROPFIND',
      'frappe.method': 'ping',
    });
  });

  it('refuses an openTelemetry option that is not providers', () => {
    for (const openTelemetry of [null, 'yes', { tracerProvider: {} }, { meterProvider: 1 }]) {
      expect(() =>
        clientFor({ url: 'http://127.0.0.1:1' } as never, { openTelemetry: openTelemetry as never }),
      ).toThrow(FrappeConfigurationError);
    }
  });
});
