import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import { loadedOpenTelemetry, loadOpenTelemetry, type OtelApi } from './otel-loader';

/** The instrumentation scope of every span and metric of the SDK. */
export const INSTRUMENTATION_NAME = 'frappe-oauth-client';

/**
 * The `openTelemetry` option. By default the SDK uses the global tracer and meter providers of
 * `@opentelemetry/api` when that package is installed (an optional peer), and does nothing when it
 * is not. Pass providers to use these instead of the global ones, or `false` for no spans and no
 * metrics at all. (Typed structurally: the SDK's declarations do not need the package.)
 */
export interface OpenTelemetryOptions {
  /** A TracerProvider of `@opentelemetry/api` (such as the SDK's BasicTracerProvider). */
  tracerProvider?: { getTracer(name: string, version?: string): unknown };
  /** A MeterProvider of `@opentelemetry/api` (such as the SDK's MeterProvider). */
  meterProvider?: { getMeter(name: string, version?: string): unknown };
}

/** The SDK's metrics (see the README's Observability section). */
export interface Instruments {
  /** `http.client.request.duration` (s): each HTTP request of a REST call. */
  requestDuration: Histogram;
  /** `frappe.client.retries`: retries of REST calls, by reason. */
  retries: Counter;
  /** `frappe.token.refreshes`: refreshes, by outcome (refreshed, adopted, failed). */
  refreshes: Counter;
  /** `frappe.token.age_at_refresh` (s): how old a token was when it was refreshed. */
  tokenAgeAtRefresh: Histogram;
}

/** The semantic conventions' buckets for HTTP durations, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * The spans and metrics side of one client configuration. Nothing here runs without
 * `@opentelemetry/api`; with it, the tracer comes from the given or the global provider (a
 * global one registered after the client was built is still found: the API's global tracer is a
 * proxy), and the meter's instruments are made again whenever the global meter provider changes
 * (the API's global meter is not a proxy).
 */
export class Telemetry {
  private tracerCache: Tracer | undefined;
  private meterState: { provider: unknown; instruments: Instruments } | undefined;

  constructor(private readonly options: OpenTelemetryOptions | false | undefined) {
    // Start loading at once, so that the first call rarely has to wait for it (ESM build).
    if (options !== false) loadedOpenTelemetry();
  }

  /** The loaded API; undefined when disabled, not installed, or still loading. */
  get api(): OtelApi | undefined {
    if (this.options === false) return undefined;
    const api = loadedOpenTelemetry();
    return api === 'pending' ? undefined : api;
  }

  /** A promise while the API is still being loaded (ESM build, first calls); undefined after. */
  pending(): Promise<unknown> | undefined {
    if (this.options === false) return undefined;
    return loadedOpenTelemetry() === 'pending' ? loadOpenTelemetry() : undefined;
  }

  tracer(): Tracer | undefined {
    const api = this.api;
    if (!api) return undefined;
    if (!this.tracerCache) {
      const provider = this.options ? this.options.tracerProvider : undefined;
      this.tracerCache = provider
        ? (provider as TracerProvider).getTracer(INSTRUMENTATION_NAME)
        : api.trace.getTracer(INSTRUMENTATION_NAME);
    }
    return this.tracerCache;
  }

  instruments(): Instruments | undefined {
    const api = this.api;
    if (!api) return undefined;
    const given = this.options ? this.options.meterProvider : undefined;
    const provider = given ?? api.metrics.getMeterProvider();
    if (this.meterState?.provider !== provider) {
      const meter = (provider as MeterProvider).getMeter(INSTRUMENTATION_NAME);
      this.meterState = { provider, instruments: makeInstruments(meter) };
    }
    return this.meterState.instruments;
  }
}

function makeInstruments(meter: Meter): Instruments {
  return {
    requestDuration: meter.createHistogram('http.client.request.duration', {
      description: 'Duration of HTTP client requests (each request of a REST call).',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    retries: meter.createCounter('frappe.client.retries', {
      description: 'Retries of REST calls after a transient failure.',
      unit: '{retry}',
    }),
    refreshes: meter.createCounter('frappe.token.refreshes', {
      description: 'Token refreshes, by outcome.',
      unit: '{refresh}',
    }),
    tokenAgeAtRefresh: meter.createHistogram('frappe.token.age_at_refresh', {
      description: 'Age of an access token when it was refreshed.',
      unit: 's',
    }),
  };
}

/** Attributes without the undefined values (the API drops them too, but quietly warns). */
export function definedAttributes(
  attributes: Record<string, string | number | boolean | undefined>,
): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}
