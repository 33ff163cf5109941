/**
 * Guards the package's export map and dependency ranges. The built package itself is proven by
 * `.ci/consumer-smoke.sh` (require/import/types in a real consumer); this test catches edits to
 * package.json that would break consumers before anything is built.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../../src';
import { PUBLIC_TYPES, PUBLIC_VALUES } from './public-api';

const root = join(__dirname, '..', '..');

interface PackageJson {
  type?: string;
  main?: string;
  module?: string;
  types?: string;
  exports: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  files?: string[];
  sideEffects?: boolean;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface LockPackage {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: Record<string, string> | string[];
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

/** The lowest Node the package supports; everything it installs must run there. */
const NODE_FLOOR = '20.19.0';

describe('package.json export map', () => {
  it('is a CommonJS package (so the CJS build keeps esbuild from breaking default imports)', () => {
    expect(pkg.type).toBe('commonjs');
  });

  it.each([
    ['.', './dist/index'],
    ['./testing', './dist/testing/index'],
  ])('exports %s for import and require, each with types first', (subpath, base) => {
    const entry = pkg.exports[subpath] as Record<string, Record<string, string>>;
    expect(entry).toEqual({
      import: { types: `${base}.d.mts`, default: `${base}.mjs` },
      require: { types: `${base}.d.ts`, default: `${base}.js` },
    });
    // Conditions are matched in order: `types` must come before `default`.
    expect(Object.keys(entry.import)).toEqual(['types', 'default']);
    expect(Object.keys(entry.require)).toEqual(['types', 'default']);
    expect(Object.keys(entry)).toEqual(['import', 'require']);
  });

  it('has only the documented subpaths', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './package.json', './testing']);
  });

  it('keeps the legacy fields for resolvers that ignore exports', () => {
    expect(pkg.main).toBe('./dist/index.js');
    expect(pkg.module).toBe('./dist/index.mjs');
    expect(pkg.types).toBe('./dist/index.d.ts');
  });

  it('maps the testing subpath in typesVersions (moduleResolution node10)', () => {
    expect(pkg.typesVersions).toEqual({ '*': { testing: ['./dist/testing/index.d.ts'] } });
  });

  it('publishes only dist, has no side effects and needs Node >= 20.19 (require(esm))', () => {
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines?.node).toBe(`>=${NODE_FLOOR}`);
  });
});

describe('public API (src/index.ts)', () => {
  it('exports exactly the public values at run time', () => {
    expect(Object.keys(api).sort()).toEqual([...PUBLIC_VALUES].sort());
  });

  it('exports exactly the public values and types (as TypeScript sees them)', () => {
    const exported = exportsOf(join(root, 'src', 'index.ts'));
    expect(exported.values).toEqual([...PUBLIC_VALUES].sort());
    expect(exported.types).toEqual([...PUBLIC_TYPES].sort());
  });
});

/** The names a module exports, split into values and types only, as the type checker resolves them. */
function exportsOf(file: string): { values: string[]; types: string[] } {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${file} is not a module`);
  const values: string[] = [];
  const types: string[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
  }
  return { values: values.sort(), types: types.sort() };
}

describe('dependency ranges', () => {
  it.each([
    ['axios', 1],
    ['openid-client', 6],
    ['keyv', 5],
    ['p-retry', 7],
  ])('depends on %s with a caret range inside major %i', (name, major) => {
    expect(pkg.dependencies?.[name]).toMatch(new RegExp(`^\\^${major}\\.\\d+\\.\\d+$`));
  });

  it.each([
    ['@keyv/redis', 5, 'peerDependencies'],
    ['@keyv/redis', 5, 'devDependencies'],
    ['tsup', 8, 'devDependencies'],
    ['vitest', 4, 'devDependencies'],
    ['@types/node', 20, 'devDependencies'],
  ] as const)('pins %s to major %i in %s (the next major needs Node 22)', (name, major, field) => {
    expect(pkg[field]?.[name]).toMatch(new RegExp(`^\\^${major}\\.\\d+\\.\\d+$`));
  });

  it('pins TypeScript to 5.9 (6 breaks tsup dts without a flag, 7 breaks it outright)', () => {
    expect(pkg.devDependencies?.typescript).toMatch(/^~5\.9\.\d+$/);
  });

  it('locks runtime dependencies that all run on the lowest supported Node', () => {
    const problems: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      if (location === '' || entry.dev || !location.includes('node_modules/')) continue;
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (range !== undefined && !satisfies(NODE_FLOOR, range)) {
        problems.push(`${location}@${entry.version} needs node ${range}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('locks the majors it declares', () => {
    for (const [name, major] of [
      ['axios', 1],
      ['openid-client', 6],
      ['keyv', 5],
      ['p-retry', 7],
    ] as const) {
      expect(lock.packages[`node_modules/${name}`]?.version?.split('.')[0], name).toBe(String(major));
    }
  });

  it('reads engine ranges the way npm does (self-check of the helper below)', () => {
    expect(satisfies('20.19.0', '>=20')).toBe(true);
    expect(satisfies('20.19.0', '>= 18.19.0')).toBe(true);
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.19.0', '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(true);
    expect(satisfies('20.19.0', '>=22.19')).toBe(false);
    expect(satisfies('20.19.0', '^22.18.0 || ^24.11.0')).toBe(false);
    expect(satisfies('20.19.0', '>=20.20.0')).toBe(false);
    expect(satisfies('20.19.0', '>=18 <21')).toBe(true);
    expect(satisfies('20.19.0', '*')).toBe(true);
  });
});

/**
 * A small semver range check, enough for `engines.node` ranges (`>=`, `>`, `<`, `<=`, `^`, `~`,
 * `x`/`*`, hyphen-free sets joined by `||`). Unknown syntax counts as "not satisfied" so that a
 * human looks at it.
 */
function satisfies(version: string, range: string): boolean {
  const target = parse(version);
  if (!target) return false;
  return range.split('||').some((set) => {
    const comparators = set
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    if (comparators.length === 0) return true;
    return comparators.every((comparator) => matches(target, comparator));
  });
}

type Version = [number, number, number];

function parse(text: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(text);
  if (!match) return undefined;
  const part = (value: string | undefined) =>
    value === undefined || value === 'x' || value === '*' ? 0 : Number(value);
  return [part(match[1]), part(match[2]), part(match[3])];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function matches(target: Version, comparator: string): boolean {
  if (comparator === '*' || comparator === 'x') return true;
  const match = /^(>=|<=|>|<|=|\^|~)?(.+)$/.exec(comparator);
  if (!match) return false;
  const operator = match[1] ?? '=';
  const bound = parse(match[2]);
  if (!bound) return false;
  const given = match[2].replace(/^v/, '').split('.').length;
  const order = compare(target, bound);
  switch (operator) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '^': {
      const upper: Version =
        bound[0] > 0 ? [bound[0] + 1, 0, 0] : bound[1] > 0 ? [0, bound[1] + 1, 0] : [0, 0, bound[2] + 1];
      return order >= 0 && compare(target, upper) < 0;
    }
    case '~': {
      const upper: Version = given >= 2 ? [bound[0], bound[1] + 1, 0] : [bound[0] + 1, 0, 0];
      return order >= 0 && compare(target, upper) < 0;
    }
    default:
      // `=` or a bare version; a partial one (`20`, `20.x`) is a range over what is left out.
      if (given === 1 || /[x*]/.test(match[2])) {
        const upper: Version =
          given === 1 || /^\d+\.[x*]/.test(match[2]) ? [bound[0] + 1, 0, 0] : [bound[0], bound[1] + 1, 0];
        return order >= 0 && compare(target, upper) < 0;
      }
      return order === 0;
  }
}
