/**
 * 6. Built size and cold import time, vs axios alone.
 *
 * Size: dist/index.mjs (the package's own ESM code, its dependencies left as imports) and
 * axios's ESM bundle, each minified by esbuild and gzipped (level 9). dist/ is reused when it is
 * newer than every source file; otherwise (a fresh clone, or src/ edited since) tsup builds the
 * ESM entry with the package's settings into bench/.build/.
 *
 * Import: a fresh `node -e "import(…)"` process per run, alternating with one importing axios
 * and one importing nothing (Node's own start-up), median wall time of each.
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
  const { file: sdkFile, built } = await sdkBundle();
  const axiosPackage = createRequire(path.join(ROOT, 'package.json')).resolve('axios/package.json');
  const axiosFile = path.join(path.dirname(axiosPackage), 'dist', 'esm', 'axios.js');
  const sdkSize = await minGzip(sdkFile);
  const axiosSize = await minGzip(axiosFile);

  const sdkUrl = pathToFileURL(sdkFile).href;
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
  return {
    id: 'size',
    title: 'size and cold import',
    rows: [
      {
        benchmark: `6. min+gz: ${relative} vs axios ESM bundle`,
        result: kb(sdkSize.gzip),
        baseline: kb(axiosSize.gzip),
        ratio: ratio(sdkSize.gzip / axiosSize.gzip),
      },
      {
        benchmark: '6. cold import (node process, wall) vs axios alone',
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
      `6: ${relative} ${built ? 'built now by tsup (dist/ was missing or older than src/)' : 'reused (newer than src/)'};` +
        ` minified ${kb(sdkSize.min)} (axios ${kb(axiosSize.min)}), its dependencies (axios, jose, keyv, openid-client, p-retry) not included;` +
        `\n   import: median of ${IMPORT_ROUNDS} fresh processes each, alternating; bare \`node -e 0\` takes ${ms(bareMs)}.`,
    ],
    data: {
      sdkFile: relative,
      builtNow: built,
      sdkBytes: sdkSize,
      axiosBytes: axiosSize,
      importMs: { sdk: measured.sdk.rounds, axios: measured.axios.rounds, bare: measured.bare.rounds },
    },
  };
}

/** dist/index.mjs when it is newer than every input of the build, else a fresh tsup build. */
async function sdkBundle(): Promise<{ file: string; built: boolean }> {
  const dist = path.join(ROOT, 'dist', 'index.mjs');
  const distTime = await mtime(dist);
  const inputs = [
    ...(await filesUnder(path.join(ROOT, 'src'))),
    path.join(ROOT, 'package.json'),
    path.join(ROOT, 'tsup.config.ts'),
  ];
  const newest = Math.max(...(await Promise.all(inputs.map(mtime))));
  if (distTime > newest) return { file: dist, built: false };
  const { build } = await import('tsup');
  // The ESM entry of tsup.config.ts, without types and maps (they do not change index.mjs).
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
  return { file: path.join(BUILD_DIR, 'index.mjs'), built: true };
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
