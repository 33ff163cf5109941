import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A metric reader that exports nowhere: the test collects from it. */
class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface DataPoint {
  attributes: Record<string, unknown>;
  /** A counter's sum, or a histogram's `{ count, sum, … }`. */
  value: unknown;
}

/**
 * The OpenTelemetry SDK's in-memory span exporter and a metric reader, behind providers to hand to
 * a client (`openTelemetry: { tracerProvider, meterProvider }`). Registers the async-hooks context
 * manager (process-wide), so that spans started inside a call are its children.
 */
export function otelKit() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    /** Metric name → its data points. */
    async metrics(): Promise<Map<string, DataPoint[]>> {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, DataPoint[]>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          const points = (
            metric.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }>
          ).map((point) => ({ attributes: point.attributes, value: point.value }));
          out.set(metric.descriptor.name, [...(out.get(metric.descriptor.name) ?? []), ...points]);
        }
      }
      return out;
    },
  };
}

/** Everything a span shows, as text: name, attributes, events, status, links. */
export function spanText(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
    status: span.status,
    links: span.links,
  });
}

/** A counter's total over its data points (optionally only those matching `where`). */
export function total(points: DataPoint[] | undefined, where: Record<string, unknown> = {}): number {
  return (points ?? [])
    .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
    .reduce(
      (sum, point) =>
        sum + (typeof point.value === 'number' ? point.value : (point.value as { count: number }).count),
      0,
    );
}
