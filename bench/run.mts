/**
 * Benchmarks, measured side by side in one run against the in-process Frappe emulator, printed
 * as ratios (absolute numbers depend on the machine; ratios much less). `npm run bench`.
 *
 *  a. iterateList (pages of 500) vs getList with limit 0, over 10,000, 50,000 and 100,000 Customers:
 *     wall time and heap growth. Each run is a fresh child process started with --expose-gc, so
 *     one run's garbage never counts against the other; the emulator stays in this process, so
 *     only the client's memory is measured.
 *  b. getAccessToken on its hot path (a cached, valid token) vs a bare Keyv get.
 *  c. one authenticated getDoc vs a raw fetch of the same URL with a bearer header.
 *
 * Timing lives here, never in pass/fail tests.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Keyv from 'keyv';
import { FrappeOAuthClient, type StoredToken } from '../src/index.js';
import { FrappeEmulator } from '../src/testing/index.js';

const CLIENT = { clientId: 'bench', clientSecret: 'bench-secret' } as const;
const REDIRECT_URI = 'http://127.0.0.1:8765/callback';
const FIELDS = ['name', 'modified', 'customer_name', 'customer_group', 'territory', 'credit_limit'];
const PAGE_SIZE = 500;

type ListMode = 'iterateList' | 'getList';

interface ChildTask {
  mode: ListMode;
  baseUrl: string;
  token: StoredToken;
}

interface ChildResult {
  mode: ListMode;
  rows: number;
  ms: number;
  /** Highest heapUsed seen while running, minus heapUsed after a full GC before it. */
  peakHeapDeltaBytes: number;
  /** Growth of the process's peak RSS across the run. */
  rssGrowthBytes: number;
  /** CPU time the emulator (this process) spent serving the run: the site's share of the wall time. */
  serverCpuMs?: number;
}

if (process.argv[2] === '--child') {
  await runChild();
} else {
  await main();
}

// ── child: one list read in a clean process ─────────────────────────────────────────────────

async function runChild(): Promise<void> {
  const task = await new Promise<ChildTask>((resolve) =>
    process.once('message', (m) => resolve(m as ChildTask)),
  );
  const client = new FrappeOAuthClient({ baseUrl: task.baseUrl, ...CLIENT, store: new Keyv() });
  await client.setToken(task.token);
  // Warm up the connection and the code paths outside the measurement.
  await client.getList('Customer', { fields: FIELDS, limit: 5 });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the child needs --expose-gc');
  gc();
  gc();
  const baseline = process.memoryUsage().heapUsed;
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  let peak = baseline;
  const sample = () => {
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  };
  const timer = setInterval(sample, 2);

  const started = performance.now();
  let rows = 0;
  let checksum = 0;
  if (task.mode === 'iterateList') {
    for await (const row of client.iterateList<{ credit_limit: number }>('Customer', {
      fields: FIELDS,
      pageSize: PAGE_SIZE,
    })) {
      rows += 1;
      checksum += row.credit_limit;
      if (rows % PAGE_SIZE === 0) sample();
    }
  } else {
    const all = await client.getList<{ credit_limit: number }>('Customer', { fields: FIELDS, limit: 0 });
    sample();
    for (const row of all) {
      rows += 1;
      checksum += row.credit_limit;
    }
    sample();
  }
  const ms = performance.now() - started;
  clearInterval(timer);
  sample();
  if (!Number.isFinite(checksum)) throw new Error('bad rows');
  const result: ChildResult = {
    mode: task.mode,
    rows,
    ms,
    peakHeapDeltaBytes: peak - baseline,
    rssGrowthBytes: process.resourceUsage().maxRSS * 1024 - rssBefore,
  };
  await client.close();
  process.send?.(result, () => process.exit(0));
}

async function runInChild(task: ChildTask): Promise<ChildResult> {
  const cpu = process.cpuUsage();
  const result = await forkChild(task);
  const used = process.cpuUsage(cpu);
  return { ...result, serverCpuMs: (used.user + used.system) / 1000 };
}

function forkChild(task: ChildTask): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (message) => resolve(message as ChildResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`bench child (${task.mode}) exited with ${code}`));
    });
    child.send(task);
  });
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const startedAll = performance.now();
  const site = await FrappeEmulator.start({
    profile: 'v15',
    clients: [
      { ...CLIENT, scopes: ['all', 'openid'], redirectUris: [REDIRECT_URI], skipAuthorization: true },
    ],
  });
  const store = new Keyv();
  const client = new FrappeOAuthClient({ baseUrl: site.url, ...CLIENT, redirectUri: REDIRECT_URI, store });
  try {
    const token = await client.loginWithPassword('Administrator', 'admin');
    const rows: string[][] = [];

    // a. Memory and time of a full read, at two sizes.
    const listResults: Array<{ size: number; iterate: ChildResult; all: ChildResult }> = [];
    let generated = 0;
    for (const size of [10_000, 50_000, 100_000]) {
      site.generateDocuments('Customer', size - generated);
      generated = size;
      const task = { baseUrl: site.url, token };
      const all = await runInChild({ ...task, mode: 'getList' });
      const iterate = await runInChild({ ...task, mode: 'iterateList' });
      if (all.rows !== iterate.rows) throw new Error(`row counts differ: ${all.rows} vs ${iterate.rows}`);
      listResults.push({ size, iterate, all });
    }
    for (const { iterate, all } of listResults) {
      const n = all.rows.toLocaleString('en');
      rows.push(
        [`a. ${n} rows: wall time`, ms(iterate.ms), ms(all.ms), ratio(iterate.ms / all.ms)],
        [
          `a. ${n} rows: emulator CPU`,
          ms(iterate.serverCpuMs ?? 0),
          ms(all.serverCpuMs ?? 0),
          ratio((iterate.serverCpuMs ?? 0) / (all.serverCpuMs ?? 1)),
        ],
        [
          `a. ${n} rows: peak heap growth`,
          mb(iterate.peakHeapDeltaBytes),
          mb(all.peakHeapDeltaBytes),
          ratio(iterate.peakHeapDeltaBytes / all.peakHeapDeltaBytes),
        ],
        [
          `a. ${n} rows: peak RSS growth`,
          mb(iterate.rssGrowthBytes),
          mb(all.rssGrowthBytes),
          ratio(iterate.rssGrowthBytes / Math.max(all.rssGrowthBytes, 1)),
        ],
      );
    }
    const small = listResults[0] as (typeof listResults)[0];
    const large = listResults[listResults.length - 1] as (typeof listResults)[0];
    const scale = large.all.rows / small.all.rows;
    rows.push([
      `a. heap growth ×${scale.toFixed(1)} data`,
      ratio(large.iterate.peakHeapDeltaBytes / small.iterate.peakHeapDeltaBytes),
      ratio(large.all.peakHeapDeltaBytes / small.all.peakHeapDeltaBytes),
      '',
    ]);

    // b. The token hot path: a cached valid token vs the store read underneath it.
    await client.getAccessToken(); // validated and cached
    const storeKey = [...(await keysOf(store))].find((key) => key.includes(':token:'));
    if (!storeKey) throw new Error('no stored token key');
    const hot = await opsPerSecond(
      () => client.getAccessToken(),
      () => store.get(storeKey),
    );
    rows.push([
      'b. getAccessToken vs Keyv get (ops/s)',
      ops(hot.subject),
      ops(hot.baseline),
      ratio(hot.subject / hot.baseline),
    ]);

    // c. One authenticated read vs the same request by hand.
    const name = 'Generated Customer 000001';
    const url = `${site.url}/api/resource/Customer/${encodeURIComponent(name)}`;
    const headers = { Authorization: `Bearer ${token.access_token}`, Accept: 'application/json' };
    const read = await meanLatency(
      async () => {
        await client.getDoc('Customer', name);
      },
      async () => {
        const response = await fetch(url, { headers });
        if (!response.ok) throw new Error(`raw fetch: ${response.status}`);
        await response.json();
      },
    );
    rows.push([
      'c. getDoc vs raw fetch (mean latency)',
      `${read.subject.toFixed(3)} ms`,
      `${read.baseline.toFixed(3)} ms`,
      ratio(read.subject / read.baseline),
    ]);

    printTable(['benchmark', 'SDK', 'baseline', 'SDK / baseline'], rows);
    console.log(
      `\na: SDK = iterateList (pageSize ${PAGE_SIZE}), baseline = getList limit 0; ${FIELDS.length} fields per row, one child process per run.` +
        '\n   The emulator has no index: each page filters and sorts the whole table, so its CPU, not the' +
        "\n   client's, is most of iterateList's wall time here; a real site pages on the `modified` index.",
    );
    console.log(
      `Node ${process.version}, ${process.platform}/${process.arch}; whole run ${((performance.now() - startedAll) / 1000).toFixed(1)} s.`,
    );
  } finally {
    await client.close();
    await site.stop();
  }
}

async function keysOf(store: Keyv): Promise<string[]> {
  const keys: string[] = [];
  if (!store.iterator) return keys;
  for await (const [key] of store.iterator(store.namespace)) if (typeof key === 'string') keys.push(key);
  return keys;
}

/**
 * Subject and baseline side by side: one warm-up round each, then alternating rounds (so drift in
 * the machine hits both alike), and the median of each side's per-round figure.
 */
async function sideBySide(
  measure: (fn: () => Promise<unknown>) => Promise<number>,
  subject: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  rounds: number,
): Promise<{ subject: number; baseline: number }> {
  await measure(subject);
  await measure(baseline);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round++) {
    a.push(await measure(subject));
    b.push(await measure(baseline));
  }
  return { subject: median(a), baseline: median(b) };
}

/** The median ops/s of each side, over rounds of `perRound` sequential calls. */
function opsPerSecond(
  subject: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  { rounds = 7, perRound = 20_000 } = {},
): Promise<{ subject: number; baseline: number }> {
  const measure = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < perRound; i++) await fn();
    return perRound / ((performance.now() - started) / 1000);
  };
  return sideBySide(measure, subject, baseline, rounds);
}

/** The median of each round's mean latency in ms, over rounds of `perRound` sequential requests. */
function meanLatency(
  subject: () => Promise<void>,
  baseline: () => Promise<void>,
  { rounds = 7, perRound = 300 } = {},
): Promise<{ subject: number; baseline: number }> {
  const measure = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < perRound; i++) await fn();
    return (performance.now() - started) / perRound;
  };
  return sideBySide(measure, subject, baseline, rounds);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function ops(value: number): string {
  return `${Math.round(value).toLocaleString('en')}/s`;
}

function ratio(value: number): string {
  return `${value.toFixed(2)}×`;
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width, i) => `${'-'.repeat(width + 1)}${i === 0 ? '-' : ':'}`).join('|')}|`);
  for (const row of body) console.log(line(row));
}
