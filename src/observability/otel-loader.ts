import { createRequire } from 'node:module';
import type * as OtelApiModule from '@opentelemetry/api';

/** The parts of `@opentelemetry/api` the SDK uses (types only: nothing here loads the package). */
export type OtelApi = Pick<
  typeof OtelApiModule,
  'trace' | 'metrics' | 'context' | 'SpanKind' | 'SpanStatusCode'
>;

/**
 * Held in a variable, never written as a literal in an `import()` or `require()`: no bundler (tsup
 * building this package, or one building an application) can then inline `@opentelemetry/api`.
 * It must stay the application's one copy: it keeps the registered tracer and meter providers
 * and the context manager for the whole process.
 */
const OTEL_API = '@opentelemetry/api';

let settled: { api: OtelApi | undefined } | undefined;
let loading: Promise<OtelApi | undefined> | undefined;

/**
 * `@opentelemetry/api` if the application has it installed (an optional peer), loaded once per
 * process; undefined when it is not installed, and nothing else changes then.
 *
 * How, in both builds of one source file (the way undici is loaded, see transport/undici-loader):
 * - CJS build (`dist/*.js`, also tsx and ts-node): `__filename` exists, and the module's own
 *   `require` loads the package synchronously, resolved from this package (so from the
 *   application's node_modules). Under Jest that `require` is Jest's, so the SDK gets the very
 *   module instance the tests register their providers with (checked with Jest 30).
 *   `createRequire(__filename)` only where no `require` is in scope. No
 *   `import()` from CommonJS, which runners that evaluate CommonJS in a VM (Jest without
 *   --experimental-vm-modules) cannot do.
 * - ESM build (`dist/*.mjs`): no `__filename`, so a native `import()`, which is asynchronous:
 *   callers await `loadOpenTelemetry()` once (the first call of a client) and then read
 *   `loadedOpenTelemetry()` synchronously. Not `createRequire(import.meta.url)`: TypeScript refuses
 *   `import.meta` in this CommonJS package, and esbuild empties it in the CJS build.
 * Should both builds be loaded in one process, each loads the package its own way, and both reach
 * the same registered providers: the API keeps them on a process-wide global, by design.
 */
export function loadOpenTelemetry(): Promise<OtelApi | undefined> {
  if (settled) return Promise.resolve(settled.api);
  loading ??= importApi().then(
    (module) => settle(pickApi(module)),
    () => settle(undefined),
  );
  return loading;
}

/** The API once `loadOpenTelemetry` settled: the module, undefined (not installed), or 'pending'. */
export function loadedOpenTelemetry(): OtelApi | undefined | 'pending' {
  if (settled) return settled.api;
  // In the CJS build the first look loads it synchronously.
  if (typeof __filename === 'string') {
    try {
      return settle(pickApi(requireApi()));
    } catch {
      return settle(undefined);
    }
  }
  void loadOpenTelemetry();
  return 'pending';
}

function importApi(): Promise<unknown> {
  // `__filename` exists in CommonJS only (esbuild leaves it alone; a bare `require` it would shim,
  // which is why `require` is reached only behind this test).
  if (typeof __filename === 'string') return Promise.resolve().then(requireApi);
  return import(OTEL_API);
}

/** CommonJS only (see loadOpenTelemetry): the module's `require`, else one made for this file. */
function requireApi(): unknown {
  return typeof require === 'function' ? require(OTEL_API) : createRequire(__filename)(OTEL_API);
}

function settle(api: OtelApi | undefined): OtelApi | undefined {
  settled = { api };
  return api;
}

/** The named exports, or the CommonJS `module.exports` under `default`; undefined if unusable. */
function pickApi(module: unknown): OtelApi | undefined {
  const named = module as Partial<OtelApi> & { default?: Partial<OtelApi> };
  const candidate = typeof named?.trace?.getTracer === 'function' ? named : named?.default;
  if (
    !candidate ||
    typeof candidate.trace?.getTracer !== 'function' ||
    typeof candidate.metrics?.getMeter !== 'function' ||
    typeof candidate.context?.with !== 'function' ||
    candidate.SpanKind === undefined ||
    candidate.SpanStatusCode === undefined
  ) {
    return undefined;
  }
  return candidate as OtelApi;
}
