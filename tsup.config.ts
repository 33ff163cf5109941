import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const entry = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'cli/index': 'src/cli/index.ts',
};

/**
 * `frappe-oauth-client/testing` for `import`: the CommonJS build re-exported (Node's ES module
 * wrapper pattern). The emulator is a test tool, so one build of it is enough: it halves its
 * share of the tarball, and an ESM and a CommonJS test in one process share one emulator class.
 */
const TESTING_ESM_WRAPPER = "export * from './index.js';\n";

const shared: Options = {
  // `@internal` declarations (the client's context, the transport, …) stay out of the .d.ts.
  dts: { compilerOptions: { stripInternal: true } },
  // No sourcemaps: the output is not minified, so stack traces point at readable lines, and the
  // maps would double the tarball.
  sourcemap: false,
  target: 'node20',
  splitting: false,
  // Without it esbuild renames classes that have static blocks (`_FrappeNotFoundError`).
  keepNames: true,
};

export default defineConfig((cli) => {
  // `--out-dir` moves the whole build (test/package/built-output.test.ts builds into a temp dir).
  const outDir = cli.outDir ?? 'dist';
  // The builds run in parallel, so none of them may clean: the output is emptied once, here.
  if (!cli.watch) rmSync(outDir, { recursive: true, force: true });
  return [
    { ...shared, entry: { index: entry.index }, format: ['esm'], dts: false },
    // The ESM declarations of both entry points (the testing one's code is the wrapper above).
    { ...shared, entry, format: ['esm'], dts: { ...(shared.dts as object), only: true } },
    {
      ...shared,
      entry,
      format: ['cjs'],
      noExternal: BUNDLED_IN_CJS,
      onSuccess: async () => {
        writeFileSync(join(outDir, 'testing', 'index.mjs'), TESTING_ESM_WRAPPER);
      },
    },
  ];
});
