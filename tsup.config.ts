import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * ESM-only dependencies, and the ESM-only dependencies they bring, bundled into the build. Plain
 * `require()` loads them on Node 20.19+ (require(esm)), but Jest's module loader does not: Jest 29
 * stops at `Cannot use import statement outside a module`, Jest 30 at `Must use import to load ES
 * Module`. Everything else stays external: axios, keyv and undici have CommonJS builds of their
 * own, `@keyv/redis` is an optional peer loaded on demand, and `@opentelemetry/api` must be the
 * application's one copy (a process-wide singleton), never a bundled second one.
 */
const BUNDLED_IN_CJS = ['jose', 'openid-client', 'oauth4webapi', 'p-retry', 'is-network-error'];

const entry = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'cli/index': 'src/cli/index.ts',
};

/**
 * The entry points with types and an `import` twin; `cli/index` (the `frappe-oauth` command) has
 * neither: it is run, not imported.
 */
const LIBRARY_ENTRIES = ['index', 'testing/index'] as const;

/**
 * The `import` entry points (`dist/index.mjs`, `dist/testing/index.mjs`) and their declarations
 * (`.d.mts`): the CommonJS build, re-exported (Node's ES module wrapper). One build of the code, so
 * - `import` and `require` in one process share one copy: `instanceof` works across them;
 * - the SDK's code and declarations are in the tarball once, not three times (ESM, CommonJS, and
 *   the command), which keeps it under 1 MB;
 * - an ESM project gets the same bundled jose/openid-client/p-retry as a CommonJS one.
 * Node reads the names from the CommonJS build's `exports.x = …` lines (cjs-module-lexer), and
 * TypeScript reads them from the `.d.ts` the same way.
 */
const ESM_WRAPPER = "export * from './index.js';\n";

export default defineConfig((cli) => {
  // `--out-dir` moves the whole build (test/package/built-output.test.ts builds into a temp dir).
  const outDir = cli.outDir ?? 'dist';
  // The builds run in parallel, so none of them may clean: the output is emptied once, here.
  if (!cli.watch) rmSync(outDir, { recursive: true, force: true });
  const libraryEntries = Object.fromEntries(LIBRARY_ENTRIES.map((name) => [name, entry[name]]));
  // `@internal` declarations (the client's context, the transport, …) stay out of the .d.ts.
  const compilerOptions = { stripInternal: true };
  return [
    {
      entry,
      format: ['cjs'],
      target: 'node20',
      noExternal: BUNDLED_IN_CJS,
      // Shared code goes into chunks (`dist/chunk-*.js`) instead of into every entry point: the
      // command and the library share the SDK, the command and `testing` the emulator. With
      // `treeshake`, rollup writes the chunks as plain CommonJS.
      splitting: true,
      treeshake: true,
      // Without it esbuild renames classes that have static blocks (`_FrappeNotFoundError`).
      keepNames: true,
      esbuildOptions(options) {
        // With `splitting`, esbuild writes ESM that rollup then turns into CommonJS, which would
        // keep `import('@keyv/redis')` as it is: Jest's CommonJS loader cannot run a native
        // `import()`. Turned into `require()` here, as esbuild's own CommonJS output does.
        options.supported = { ...options.supported, 'dynamic-import': false };
        // Whitespace only (a quarter of the size, which keeps the tarball under 1 MB): every
        // identifier keeps its name, so stack traces still name the functions and classes, and
        // lines stay short enough to read a frame's column.
        options.minifyWhitespace = true;
        options.lineLimit = 160;
      },
      // No sourcemaps: they would double the tarball, and the names in stack traces are the
      // source's own.
      sourcemap: false,
      dts: { entry: libraryEntries, compilerOptions },
      onSuccess: async () => {
        for (const name of LIBRARY_ENTRIES) {
          writeFileSync(join(outDir, `${name}.mjs`), ESM_WRAPPER);
          writeFileSync(join(outDir, `${name}.d.mts`), ESM_WRAPPER);
        }
      },
    },
  ];
});
