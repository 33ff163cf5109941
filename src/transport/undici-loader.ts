import { createRequire } from 'node:module';
import { FrappeConfigurationError } from '../errors';

/** The part of undici the engine uses (types only: nothing here loads the package). */
export type Undici = Pick<typeof import('undici'), 'request' | 'Agent' | 'ProxyAgent' | 'FormData'>;

let loading: Promise<Undici> | undefined;

/**
 * undici, loaded on first use and then shared by every engine of the process.
 *
 * Why lazily: the default transport is axios, and importing this package must not load undici
 * (a few MB of code) for clients that never choose it. `UndiciEngine`'s constructor is
 * synchronous, so the engine awaits this on its first `send`.
 *
 * How, in both builds of one source file (checked with `npx tsup`, then a request on each build):
 * - CJS build (`dist/*.js`; also tsx and ts-node): `__filename` is defined, and
 *   `createRequire(__filename)('undici')` is a plain CommonJS require, resolved from this file. No
 *   `import()` from CommonJS, which runners that evaluate CommonJS in a VM (Jest without
 *   --experimental-vm-modules) cannot do. Not a bare `require(…)`: in the ESM build esbuild turns
 *   it into a `__require` shim that exists (so a `typeof require` test passes) but throws.
 * - ESM build (`dist/*.mjs`): no `__filename`, so a native `import('undici')`; Node gives the
 *   CommonJS package's `module.exports` as `default` and its detected names as named exports.
 * Not `createRequire(import.meta.url)`: TypeScript refuses `import.meta` in this CommonJS package,
 * and esbuild empties it in the CJS build. Either way undici is resolved from this package's own
 * dependencies, not from the caller's.
 */
export function loadUndici(): Promise<Undici> {
  loading ??= importUndici().then(pickExports, (error: unknown) => {
    loading = undefined;
    throw new FrappeConfigurationError({
      message: `the 'undici' transport needs the undici package, which could not be loaded (${codeOf(error)})`,
    });
  });
  return loading;
}

function importUndici(): Promise<unknown> {
  // `__filename` exists in CommonJS only (esbuild leaves it alone; a bare `require` it would shim).
  if (typeof __filename === 'string')
    return Promise.resolve().then(() => createRequire(__filename)('undici'));
  return import('undici');
}

/** Named exports when the loader found them, else the CommonJS `module.exports` under `default`. */
function pickExports(module: unknown): Undici {
  const named = module as Partial<Undici> & { default?: Partial<Undici> };
  const candidate = typeof named.request === 'function' ? named : named.default;
  if (
    !candidate ||
    typeof candidate.request !== 'function' ||
    typeof candidate.Agent !== 'function' ||
    typeof candidate.ProxyAgent !== 'function' ||
    typeof candidate.FormData !== 'function'
  ) {
    throw new FrappeConfigurationError({ message: 'the undici package does not export request/Agent' });
  }
  return candidate as Undici;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : 'unknown error';
}
