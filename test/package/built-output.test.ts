/**
 * The build itself: tsup.config.ts run into a scratch directory (inside node_modules, so the
 * output resolves the package's dependencies as an installed copy would), then loaded with
 * require() and import. Guards what only the bundler can break: class names, `@internal`
 * declarations, which dependencies are bundled, the ESM entry points' re-exports, the entry files'
 * places and the package's size.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_VALUES } from './public-api';

const root = join(__dirname, '..', '..');
const tsupCli = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');
/** ESM-only dependencies that the build carries inside (tsup.config.ts says why). */
const BUNDLED_IN_CJS = ['jose', 'openid-client', 'oauth4webapi', 'p-retry', 'is-network-error'];
/** Never bundled: CommonJS-capable, optional peers, or (OpenTelemetry) a process-wide singleton. */
const NEVER_BUNDLED = ['axios', 'keyv', 'undici', '@keyv/redis', '@opentelemetry/api'];
/** npm's "unpacked size" must stay under 1 MB. */
const TARBALL_LIMIT_BYTES = 1_000_000;

type Api = Record<string, unknown>;

let out: string;
let cjs: Api;
let esm: Api;

beforeAll(async () => {
  const scratch = join(root, 'node_modules', '.cache');
  mkdirSync(scratch, { recursive: true });
  out = mkdtempSync(join(scratch, 'built-output-'));
  // `--metafile` adds esbuild's list of the inputs it bundled (metafile-cjs.json), which is what
  // tells bundled dependencies from external ones (the output has no comments to read).
  await promisify(execFile)(process.execPath, [tsupCli, '--out-dir', out, '--silent', '--metafile'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  cjs = createRequire(__filename)(join(out, 'index.js')) as Api;
  esm = (await import(pathToFileURL(join(out, 'index.mjs')).href)) as Api;
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const read = (file: string) => readFileSync(join(out, file), 'utf8');
const METAFILE = 'metafile-cjs.json';

/** The files the build published (the metafile is this test's own addition). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file !== METAFILE && statSync(join(dir, file)).isFile())
    .sort();
}

describe('the built package', () => {
  it('has the entry files where package.json (and tools loading them by path) expect them, and no sourcemaps', () => {
    const files = filesUnder(out);
    for (const file of [
      'index.d.mts',
      'index.d.ts',
      'index.js',
      'index.mjs',
      'testing/index.d.mts',
      'testing/index.d.ts',
      'testing/index.js',
      'testing/index.mjs',
    ]) {
      expect(files).toContain(file);
    }
    for (const file of files) expect(file).toMatch(/\.(js|mjs|d\.ts|d\.mts)$/);
  });

  it.each([
    ['CommonJS', () => cjs],
    ['ESM', () => esm],
  ])('%s: exports exactly the public values', (_format, api) => {
    expect(Object.keys(api()).sort()).toEqual([...PUBLIC_VALUES].sort());
  });

  it.each([
    ['CommonJS', () => cjs],
    ['ESM', () => esm],
  ])('%s: every error class keeps its name (name, constructor.name, String)', (_format, api) => {
    const errorClasses = Object.entries(api()).filter(([name]) => /^[A-Z]\w*Error$/.test(name));
    expect(errorClasses.length).toBeGreaterThanOrEqual(15);
    for (const [exportName, value] of errorClasses) {
      const ErrorClass = value as new (options: { message: string }) => Error;
      const error = new ErrorClass({ message: 'boom' });
      expect(error.name, exportName).toBe(exportName);
      expect(error.constructor.name, exportName).toBe(exportName);
      expect(String(error), exportName).toBe(`${exportName}: boom`);
      expect(error.stack?.split('\n')[0], exportName).toBe(`${exportName}: boom`);
    }
    expect((api().FrappeOAuthClient as { name: string }).name).toBe('FrappeOAuthClient');
  });

  it('import and require give the same classes (one copy per process), and isFrappeError sees both', () => {
    expect(esm.FrappeError).toBe(cjs.FrappeError);
    expect(esm.FrappeOAuthClient).toBe(cjs.FrappeOAuthClient);
    type ErrorClass = new (options: { message: string }) => Error;
    const fromCjs = new (cjs.FrappeNotFoundError as ErrorClass)({ message: 'missing' });
    expect(fromCjs).toBeInstanceOf(esm.FrappeError as ErrorClass);
    expect((esm.isFrappeError as (value: unknown) => boolean)(fromCjs)).toBe(true);
    expect((cjs.isFrappeError as (value: unknown) => boolean)(new Error('plain'))).toBe(false);
  });

  it.each(['index.d.ts', 'testing/index.d.ts'])('%s: no @internal declaration is left', (file) => {
    const declarations = read(file);
    expect(declarations).toMatch(/^declare class (FrappeOAuthClient|FrappeEmulator)\b/m);
    for (const internal of [
      '@internal',
      'SharedContext',
      'HttpTransport',
      'TokenLifecycle',
      'ResolvedOptions',
    ]) {
      expect(declarations, internal).not.toContain(internal);
    }
  });

  it('carries the ESM-only dependencies inside and leaves the others external', () => {
    const { inputs } = JSON.parse(read(METAFILE)) as { inputs: Record<string, unknown> };
    const bundled = new Set<string>();
    for (const input of Object.keys(inputs)) {
      const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) bundled.add(match[1]);
    }
    expect(bundled.size).toBeGreaterThan(0);
    const required = new Set<string>();
    for (const file of filesUnder(out).filter((name) => name.endsWith('.js'))) {
      for (const match of read(file).matchAll(/\brequire\((['"])([^'"]+)\1\)/g)) required.add(match[2]);
    }
    for (const name of NEVER_BUNDLED) expect(bundled.has(name), `bundles ${name}`).toBe(false);
    for (const name of BUNDLED_IN_CJS) expect(required.has(name), `requires ${name}`).toBe(false);
    for (const name of ['jose', 'openid-client', 'oauth4webapi', 'p-retry']) {
      expect(bundled.has(name), `does not bundle ${name}`).toBe(true);
    }
    expect(required.has('axios')).toBe(true);
    expect(required.has('keyv')).toBe(true);
  });

  it('has no native import(): Jest runs CommonJS in a VM where it throws', () => {
    for (const file of filesUnder(out).filter((name) => name.endsWith('.js'))) {
      expect(read(file), file).not.toMatch(/(?:\bawait|\breturn|=>|[(,=])\s*import\(/);
    }
    // `createRedisRefreshLock(url)` loads the optional peer with require().
    expect(read('index.js')).toMatch(/require\("@keyv\/redis"\)/);
  });

  it.each(['index', 'testing/index'])(
    '%s.mjs re-exports the CommonJS build, name for name, and its .d.mts the declarations',
    async (entry) => {
      expect(read(`${entry}.mjs`)).toBe("export * from './index.js';\n");
      expect(read(`${entry}.d.mts`)).toBe(read(`${entry}.mjs`));
      const required = createRequire(__filename)(join(out, `${entry}.js`)) as Api;
      const imported = (await import(pathToFileURL(join(out, `${entry}.mjs`)).href)) as Api;
      expect(Object.keys(imported).sort()).toEqual(Object.keys(required).sort());
      for (const [name, value] of Object.entries(imported)) expect(value, name).toBe(required[name]);
    },
  );

  it('stays under 1 MB unpacked, as npm pack counts it', () => {
    const published = [
      ...filesUnder(out).map((file) => join(out, file)),
      ...['README.md', 'LICENSE', 'package.json'].map((file) => join(root, file)),
    ];
    const sizes = published.map((file) => [relative(root, file), statSync(file).size] as const);
    const total = sizes.reduce((sum, [, size]) => sum + size, 0);
    expect(total, JSON.stringify(sizes)).toBeLessThan(TARBALL_LIMIT_BYTES);
  });
});
