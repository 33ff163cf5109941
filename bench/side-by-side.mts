/**
 * What every benchmark shares: measuring contenders side by side (alternating rounds, medians),
 * running a body of calls at a given concurrency, percentiles, child processes, formatting.
 */
import { fork } from 'node:child_process';
import os from 'node:os';

/** One line of the printed table. */
export interface Row {
  benchmark: string;
  result: string;
  baseline?: string;
  ratio?: string;
  goal?: string;
  /** 'met' / 'MISSED' / 'n/a', or empty when the row has no goal. */
  verdict?: string;
}

/** What one benchmark file hands back to the runner. */
export interface Section {
  id: string;
  title: string;
  rows: Row[];
  /** Printed under the table: how it was measured, and what the numbers mean. */
  notes: string[];
  /** The raw figures, for results.json. */
  data: Record<string, unknown>;
  ms?: number;
}

/**
 * Contenders side by side: one warm-up round each, then `rounds` rounds in which every contender
 * runs once (the order rotated each round, so neither position nor drift in the machine favours
 * one), and the median of each contender's per-round figure. `measure` runs one round and
 * returns its figure (ops/s, ms, …).
 */
export async function sideBySide<K extends string>(
  contenders: Record<K, () => Promise<number>>,
  { rounds = 5, warmup = 1 }: { rounds?: number; warmup?: number } = {},
): Promise<Record<K, { median: number; rounds: number[] }>> {
  const names = Object.keys(contenders) as K[];
  for (let i = 0; i < warmup; i++) for (const name of names) await contenders[name]();
  const figures = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as K;
      figures[name].push(await contenders[name]());
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, { median: median(figures[name]), rounds: figures[name] }]),
  ) as Record<K, { median: number; rounds: number[] }>;
}

/** Runs `fn` `total` times with `concurrency` calls in flight at once; resolves calls per second. */
export async function throughput(
  fn: () => Promise<unknown>,
  total: number,
  concurrency: number,
): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      await fn();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return total / ((performance.now() - t0) / 1000);
}

/** Starts `count` calls at once; resolves each call's latency in ms. */
export async function burst(fn: () => Promise<unknown>, count: number): Promise<number[]> {
  const latencies: number[] = new Array(count);
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const t0 = performance.now();
      await fn();
      latencies[i] = performance.now() - t0;
    }),
  );
  return latencies;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * Forks `file` (a bench module) with this process's loader flags plus `execArgv`, sends it `task`
 * and resolves its first message. The child exits by itself after answering.
 */
export function forkChild<T>(
  file: string,
  args: string[],
  task: unknown,
  { execArgv = [] as string[] } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(file, args, {
      execArgv: [...process.execArgv, ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answered = false;
    child.once('message', (message) => {
      answered = true;
      resolve(message as T);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`bench child ${file} ${args.join(' ')} exited with ${code}`));
    });
    child.send(task as never);
  });
}

export interface Machine {
  os: string;
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  memoryBytes: number;
  node: string;
  /** 1/5/15-minute load averages: anything else running skews absolute numbers (ratios less). */
  loadAverage: number[];
}

/** The machine the figures come from. */
export function machine(): Machine {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${process.platform}/${process.arch})`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
  };
}

// ── formatting ──────────────────────────────────────────────────────────────────────────────

export function ops(value: number): string {
  return `${Math.round(value).toLocaleString('en')}/s`;
}

export function ms(value: number, digits = 0): string {
  return `${value.toFixed(digits)} ms`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

export function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

export function printTable(rows: Row[]): void {
  const header: Row = {
    benchmark: 'benchmark',
    result: 'result',
    baseline: 'baseline',
    ratio: 'ratio',
    goal: 'goal',
    verdict: '',
  };
  const keys = ['benchmark', 'result', 'baseline', 'ratio', 'goal', 'verdict'] as const;
  const cells = (row: Row) => keys.map((key) => row[key] ?? '');
  const widths = keys.map((_, i) =>
    Math.max(...[header, ...rows].map((row) => (cells(row)[i] as string).length)),
  );
  const line = (row: Row) =>
    `| ${cells(row)
      .map((cell, i) =>
        i === 0 || i >= 4 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
      )
      .join(' | ')} |`;
  console.log(line(header));
  console.log(
    `|${widths.map((width, i) => `${'-'.repeat(width + 1)}${i === 0 || i >= 4 ? '-' : ':'}`).join('|')}|`,
  );
  for (const row of rows) console.log(line(row));
}
