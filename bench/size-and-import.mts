/**
 * 6. Built size and cold import time, vs axios alone.
 *
 * Size: the package's own code as one ESM file (tsup builds src/index.ts into bench/.build/, its
 * dependencies left as imports) and axios's ESM bundle, each minified by esbuild and gzipped
 * (level 9). The shipped dist/index.mjs cannot be measured so: it is a one-line wrapper around
 * the CommonJS build, which carries jose, openid-client and p-retry inside.
 *
 * Import: a fresh `node -e "import(…)"` process per run of what users import (dist/index.mjs,
 * when dist/ is newer than every source file; else the bench build), alternating with one
 * importing axios and one importing nothing (Node's own start-up), median wall time of each.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { kb, ms, ratio, type Section, sideBySide } from './side-by-side.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_DIR = path.join(ROOT, 'bench', '.build');
const IMPORT_ROUNDS = 9;

export async function run(): Promise<Section> {
  const sdkFile = await ownCodeBundle();
  const importFile = (await freshDist()) ?? sdkFile;
  const axiosPackage = createRequire(path.join(ROOT, 'package.json')).resolve('axios/package.json');
  const axiosFile = path.join(path.dirname(axiosPackage), 'dist', 'esm', 'axios.js');
  const sdkSize = await minGzip(sdkFile);
  const axiosSize = await minGzip(axiosFile);

  const sdkUrl = pathToFileURL(importFile).href;
  const measured = await sideBySide(
    {
      sdk: () => nodeRun(`import(${JSON.stringify(sdkUrl)})`),
      axios: () => nodeRun("import('axios')"),
      bare: () => nodeRun('0'),
    },
    { rounds: IMPORT_ROUNDS },
  );
  const sdkMs = measured.sdk.median;
  const axiosMs = measured.axios.median;
  const bareMs = measured.bare.median;
  const relative = path.relative(ROOT, sdkFile);
  const imported = path.relative(ROOT, importFile);
  return {
    id: 'size',
    title: 'size and cold import',
    rows: [
      {
        benchmark: "6. min+gz: the SDK's own code (ESM, dependencies excluded) vs axios ESM bundle",
        result: kb(sdkSize.gzip),
        baseline: kb(axiosSize.gzip),
        ratio: ratio(sdkSize.gzip / axiosSize.gzip),
      },
      {
        benchmark: `6. cold import of ${imported} (node process, wall) vs axios alone`,
        result: ms(sdkMs),
        baseline: ms(axiosMs),
        ratio: ratio(sdkMs / axiosMs),
      },
      {
        benchmark: '6. cold import minus bare node start-up',
        result: ms(sdkMs - bareMs),
        baseline: ms(axiosMs - bareMs),
        ratio: ratio((sdkMs - bareMs) / (axiosMs - bareMs)),
      },
    ],
    notes: [
      `6: ${relative} built now by tsup from src/index.ts; minified ${kb(sdkSize.min)} (axios ${kb(axiosSize.min)}),` +
        ' its dependencies (axios, jose, keyv, openid-client, p-retry) not included;' +
        `\n   import: ${imported}, median of ${IMPORT_ROUNDS} fresh processes each, alternating; bare \`node -e 0\` takes ${ms(bareMs)}.`,
    ],
    data: {
      sdkFile: relative,
      importedFile: imported,
      sdkBytes: sdkSize,
      axiosBytes: axiosSize,
      importMs: { sdk: measured.sdk.rounds, axios: measured.axios.rounds, bare: measured.bare.rounds },
    },
  };
}

/** dist/index.mjs when it is newer than every input of the build, else undefined. */
async function freshDist(): Promise<string | undefined> {
  const dist = path.join(ROOT, 'dist', 'index.mjs');
  const distTime = await mtime(dist);
  const inputs = [
    ...(await filesUnder(path.join(ROOT, 'src'))),
    path.join(ROOT, 'package.json'),
    path.join(ROOT, 'tsup.config.ts'),
  ];
  const newest = Math.max(...(await Promise.all(inputs.map(mtime))));
  return distTime > newest ? dist : undefined;
}

/** The package's own code as one ESM file, its dependencies left as imports. */
async function ownCodeBundle(): Promise<string> {
  const { build } = await import('tsup');
  await build({
    config: false,
    entry: { index: path.join(ROOT, 'src', 'index.ts') },
    format: ['esm'],
    target: 'node20',
    splitting: false,
    sourcemap: false,
    dts: false,
    clean: true,
    outDir: BUILD_DIR,
    silent: true,
  });
  return path.join(BUILD_DIR, 'index.mjs');
}

async function minGzip(file: string): Promise<{ raw: number; min: number; gzip: number }> {
  const code = await readFile(file, 'utf8');
  const { code: minified } = await transform(code, { minify: true, format: 'esm', target: 'node20' });
  return {
    raw: Buffer.byteLength(code),
    min: Buffer.byteLength(minified),
    gzip: gzipSync(minified, { level: 9 }).length,
  };
}

/** Wall time of one fresh `node -e <script>` run in the repository (bare specifiers resolve there). */
function nodeRun(script: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { cwd: ROOT }, (error) => {
      if (error) reject(error);
      else resolve(performance.now() - t0);
    });
  });
}

async function mtime(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
