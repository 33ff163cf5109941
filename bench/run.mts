/**
 * `npm run bench`: every benchmark under bench/, measured side by side in one run, printed as one
 * table and written to bench/results.json with the machine it ran on. Absolute numbers depend on
 * the machine; the ratios, measured in the same run with alternating rounds, much less.
 *
 * `npm run bench -- steady refresh` runs only the named sections. Timing lives here, never in
 * pass/fail tests.
 *
 *  1+2. steady     steady-state getDoc vs raw HTTP clients and frappe-js-sdk (steady-getdoc.mts)
 *  3.   refresh    1,000 calls in flight across the refresh margin (refresh-margin.mts)
 *  4.   iterate    iterateList vs a raw keyset page loop over 100,000 rows (iterate-list.mts)
 *  5.   inserts    insertMany and insertDoc at concurrency 1/8/32 (inserts.mts)
 *  6.   size       built size and cold import time vs axios (size-and-import.mts)
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { machine, printTable, type Section } from './side-by-side.mjs';

const SECTIONS: Record<string, () => Promise<{ run: () => Promise<Section> }>> = {
  steady: () => import('./steady-getdoc.mjs'),
  refresh: () => import('./refresh-margin.mjs'),
  iterate: () => import('./iterate-list.mjs'),
  inserts: () => import('./inserts.mjs'),
  size: () => import('./size-and-import.mjs'),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}

const loadBefore = machine().loadAverage;
const startedAll = performance.now();
const sections: Section[] = [];
for (const [name, load] of Object.entries(SECTIONS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const started = performance.now();
  process.stderr.write(`bench: ${name}…`);
  const section = await (await load()).run();
  section.ms = performance.now() - started;
  process.stderr.write(` ${(section.ms / 1000).toFixed(1)} s\n`);
  sections.push(section);
}
const totalMs = performance.now() - startedAll;

console.log('');
printTable(sections.flatMap((section) => section.rows));
console.log('');
for (const section of sections) for (const note of section.notes) console.log(note);
const host = { ...machine(), loadAverageBefore: loadBefore };
console.log(
  `\n${host.os}, ${host.cpuModel} × ${host.cores}, ${Math.round(host.memoryBytes / 2 ** 30)} GiB, Node ${host.node}; ` +
    `load average ${loadBefore[0]} before, ${host.loadAverage[0]} after; ` +
    `whole run ${(totalMs / 1000).toFixed(1)} s (${sections.map((s) => `${s.id} ${((s.ms ?? 0) / 1000).toFixed(1)} s`).join(', ')}).`,
);

const results = {
  date: new Date().toISOString(),
  machine: host,
  totalSeconds: Number((totalMs / 1000).toFixed(1)),
  sections: sections.map(({ id, title, rows, notes, data, ms }) => ({
    id,
    title,
    seconds: Number(((ms ?? 0) / 1000).toFixed(1)),
    rows,
    notes,
    data,
  })),
};
// Only a full run replaces results.json; a partial one goes next to it (ignored by git).
const out = fileURLToPath(
  new URL(wanted.length > 0 ? './results.partial.json' : './results.json', import.meta.url),
);
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
// In the layout `biome check` expects, so `npm run lint` passes with the results checked in.
if (wanted.length === 0) {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  execFileSync(process.execPath, [biome, 'format', '--write', out], { stdio: 'ignore' });
}
console.log(`results: ${out}`);
