import { rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * ESM-only dependencies, and the ESM-only dependencies they bring, bundled into the CommonJS
 * build. Plain `require()` loads them on Node 20.19+ (require(esm)), but Jest's module loader does
 * not: Jest 29 stops at `Cannot use import statement outside a module`, Jest 30 at `Must use
 * import to load ES Module`. The ESM build keeps them external, deduplicated by npm as usual.
 * Everything else stays external in both builds: axios, keyv and undici have CommonJS builds of
 * their own, `@keyv/redis` is an optional peer loaded on demand, and `@opentelemetry/api` must be
 * the application's one copy (a process-wide singleton), never a bundled second one.
 */
const BUNDLED_IN_CJS = ['jose', 'openid-client', 'oauth4webapi', 'p-retry', 'is-network-error'];

const shared: Options = {
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  // `@internal` declarations (the client's context, the transport, …) stay out of the .d.ts.
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  target: 'node20',
  splitting: false,
  // Without it esbuild renames classes that have static blocks (`_FrappeNotFoundError`).
  keepNames: true,
  esbuildOptions(options) {
    // External maps that point at src/ without embedding it: a fraction of the size.
    options.sourcesContent = false;
  },
};

export default defineConfig((cli) => {
  // The two formats build in parallel, so neither may clean: dist is emptied once, here.
  if (!cli.watch) rmSync('dist', { recursive: true, force: true });
  return [
    { ...shared, format: ['esm'] },
    { ...shared, format: ['cjs'], noExternal: BUNDLED_IN_CJS },
  ];
});
