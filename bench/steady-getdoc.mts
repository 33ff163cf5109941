/**
 * 1. Steady-state getDoc throughput, SDK vs raw HTTP clients vs frappe-js-sdk, against the
 *    fixed-response server (its own process), at concurrency 1 and 32.
 * 2. Server requests per 10,000 steady SDK calls, from the server's own count.
 */
import axios from 'axios';
import { FrappeApp } from 'frappe-js-sdk';
import { FrappeOAuthClient } from '../src/index.js';
import { resolveOptions } from '../src/options.js';
import { FIXED_TOKEN, startFixedServer } from './fixed-server.mjs';
import {
  median,
  ops,
  type Row,
  ratio,
  type Section,
  sideBySide,
  throughput,
  verdict,
} from './side-by-side.mjs';

const CALLS_PER_ROUND = 3000;
const WARMUP_CALLS = 1000;
const ROUNDS = 5;
const CONCURRENCIES = [1, 32] as const;
const NAME = 'Generated Customer 000001';
const COUNTED_CALLS = 10_000;

type Call = () => Promise<unknown>;

interface Contender {
  label: string;
  call?: Call;
  /** Why it is not measured. */
  unavailable?: string;
  close?: () => Promise<void> | void;
}

export async function run(): Promise<Section> {
  const server = await startFixedServer();
  const url = `${server.url}/api/resource/Customer/${encodeURIComponent(NAME)}`;
  const headers = { Authorization: `Bearer ${FIXED_TOKEN}`, Accept: 'application/json' };
  const contenders: Record<string, Contender> = {
    sdkAxios: await sdkContender('SDK (axios transport)', server.url, 'axios'),
    sdkUndici: await sdkContender('SDK (undici transport)', server.url, 'undici'),
    rawAxios: axiosContender('raw axios', { headers }, url),
    axiosNoRedirects: axiosContender('raw axios, maxRedirects: 0', { headers, maxRedirects: 0 }, url),
    fetch: {
      label: 'raw fetch',
      call: async () => {
        const response = await fetch(url, { headers });
        if (!response.ok) throw new Error(`fetch: ${response.status}`);
        return response.json();
      },
    },
    undici: await undiciContender(url, headers),
    frappeJsSdk: frappeJsSdkContender(server.url),
  };
  try {
    // Every contender answers once before anything is timed (and proves it sends the bearer).
    for (const contender of Object.values(contenders)) {
      if (contender.call) {
        const doc = (await contender.call()) as { name?: string; data?: { name?: string } };
        if ((doc.name ?? doc.data?.name) !== NAME) throw new Error(`${contender.label}: wrong answer`);
      }
    }
    const available = Object.entries(contenders).filter(([, c]) => c.call) as Array<[string, Contender]>;
    const results: Record<number, Record<string, number>> = {};
    const cpuPerCall: Record<number, Record<string, number>> = {};
    for (const concurrency of CONCURRENCIES) {
      // A shorter warm-up than a round: enough for the JIT and to open `concurrency` connections.
      for (const [, c] of available) await throughput(c.call as Call, WARMUP_CALLS, concurrency);
      // Each round also notes this process's CPU time per call: the client's own cost, which other
      // load on the machine disturbs far less than the wall clock.
      const cpu: Record<string, number[]> = {};
      const round = (key: string, call: Call) => async () => {
        const before = process.cpuUsage();
        const rate = await throughput(call, CALLS_PER_ROUND, concurrency);
        const used = process.cpuUsage(before);
        cpu[key] = [...(cpu[key] ?? []), (used.user + used.system) / CALLS_PER_ROUND];
        return rate;
      };
      const measured = await sideBySide(
        Object.fromEntries(available.map(([key, c]) => [key, round(key, c.call as Call)])),
        { rounds: ROUNDS, warmup: 0 },
      );
      results[concurrency] = Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, v.median]));
      cpuPerCall[concurrency] = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
    }

    // 2. Requests the server saw for 10,000 steady SDK calls (after the warm-up above).
    const counted: Record<string, { calls: number; requests: number }> = {};
    for (const key of ['sdkAxios', 'sdkUndici']) {
      const call = contenders[key]?.call;
      if (!call) continue;
      await server.reset();
      await throughput(call, COUNTED_CALLS, 32);
      counted[key] = { calls: COUNTED_CALLS, requests: (await server.count()).requests };
    }
    const { unauthorized } = await server.count();
    if (unauthorized > 0) throw new Error(`${unauthorized} requests reached the server without the bearer`);

    return {
      id: 'steady',
      title: 'steady-state getDoc',
      rows: [...throughputRows(contenders, results, cpuPerCall), ...countRows(contenders, counted)],
      notes: [
        `1/2: ${CALLS_PER_ROUND.toLocaleString('en')} getDoc calls per round, ${ROUNDS} rounds after a ${WARMUP_CALLS}-call warm-up, every contender in every round (order rotated), median ops/s;`,
        '   the server is a node:http process answering one fixed Customer JSON with keep-alive; every client sends the same bearer header.',
        "   client CPU per call = this process's CPU time over a round / calls (median of rounds): the client's own cost, which other",
        '   load on the machine disturbs far less than ops/s; the goals are judged on ops/s as asked.',
        ...(contenders.sdkUndici?.unavailable
          ? [`   SDK (undici) n/a: ${contenders.sdkUndici.unavailable}`]
          : []),
        ...(contenders.undici?.unavailable ? [`   raw undici n/a: ${contenders.undici.unavailable}`] : []),
      ],
      data: {
        callsPerRound: CALLS_PER_ROUND,
        rounds: ROUNDS,
        opsPerSecond: results,
        clientCpuMicrosecondsPerCall: cpuPerCall,
        unavailable: Object.fromEntries(
          Object.entries(contenders)
            .filter(([, c]) => c.unavailable)
            .map(([k, c]) => [k, c.unavailable]),
        ),
        serverRequestsPer10kCalls: counted,
      },
    };
  } finally {
    for (const contender of Object.values(contenders)) await contender.close?.();
    await server.stop();
  }
}

function throughputRows(
  contenders: Record<string, Contender>,
  results: Record<number, Record<string, number>>,
  cpuPerCall: Record<number, Record<string, number>>,
): Row[] {
  const rows: Row[] = [];
  for (const concurrency of CONCURRENCIES) {
    const r = results[concurrency] as Record<string, number>;
    const cpu = cpuPerCall[concurrency] as Record<string, number>;
    const at = `c=${concurrency}`;
    const raw = r.rawAxios as number;
    for (const [key, contender] of Object.entries(contenders)) {
      rows.push({
        benchmark: `1. getDoc ${at}: ${contender.label}`,
        result: r[key] === undefined ? 'n/a' : ops(r[key]),
        baseline: key === 'rawAxios' ? '' : `raw axios ${ops(raw)}`,
        ratio: key === 'rawAxios' || r[key] === undefined ? '' : ratio(r[key] / raw),
      });
    }
    const sdk = r.sdkAxios as number;
    const noRedirects = r.axiosNoRedirects as number;
    rows.push(
      {
        benchmark: `1. ${at}: SDK axios / raw axios`,
        result: ops(sdk),
        baseline: ops(raw),
        ratio: ratio(sdk / raw),
        goal: '≥ 1.00×',
        verdict: verdict(sdk / raw >= 1),
      },
      {
        benchmark: `1. ${at}: SDK axios / axios maxRedirects 0`,
        result: ops(sdk),
        baseline: ops(noRedirects),
        ratio: ratio(sdk / noRedirects),
        goal: '≥ 0.95×',
        verdict: verdict(sdk / noRedirects >= 0.95),
      },
    );
    const undici = r.sdkUndici;
    rows.push({
      benchmark: `1. ${at}: SDK undici / raw axios`,
      result: undici === undefined ? 'n/a' : ops(undici),
      baseline: ops(raw),
      ratio: undici === undefined ? 'n/a' : ratio(undici / raw),
      goal: concurrency === 32 ? '≥ 2.00×' : '',
      verdict: concurrency !== 32 ? '' : undici === undefined ? 'n/a' : verdict(undici / raw >= 2),
    });
    // The same pairs by client CPU per call.
    for (const [key, label] of [
      ['rawAxios', 'raw axios'],
      ['axiosNoRedirects', 'axios maxRedirects 0'],
    ] as const) {
      rows.push({
        benchmark: `1. ${at}: client CPU per call, SDK axios / ${label}`,
        result: micros(cpu.sdkAxios as number),
        baseline: micros(cpu[key] as number),
        ratio: ratio((cpu.sdkAxios as number) / (cpu[key] as number)),
        goal: '(lower is leaner)',
      });
    }
    if (undici !== undefined) {
      rows.push({
        benchmark: `1. ${at}: client CPU per call, SDK undici / raw axios`,
        result: micros(cpu.sdkUndici as number),
        baseline: micros(cpu.rawAxios as number),
        ratio: ratio((cpu.sdkUndici as number) / (cpu.rawAxios as number)),
        goal: '(lower is leaner)',
      });
    }
  }
  return rows;
}

function countRows(
  contenders: Record<string, Contender>,
  counted: Record<string, { calls: number; requests: number }>,
): Row[] {
  return ['sdkAxios', 'sdkUndici'].map((key) => {
    const c = counted[key];
    return {
      benchmark: `2. server requests / 10,000 calls: ${contenders[key]?.label}`,
      result: c ? c.requests.toLocaleString('en') : 'n/a',
      baseline: c ? c.calls.toLocaleString('en') : '',
      ratio: c ? ratio(c.requests / c.calls) : '',
      goal: '= 10,000',
      verdict: c ? verdict(c.requests === c.calls) : 'n/a',
    };
  });
}

async function sdkContender(
  label: string,
  baseUrl: string,
  transport: 'axios' | 'undici',
): Promise<Contender> {
  const options = { baseUrl, clientId: 'bench', transport };
  let client: FrappeOAuthClient;
  try {
    // An unknown option would be ignored silently, and "undici" would measure axios again.
    if (resolveOptions(options).transport !== transport) {
      return { label, unavailable: 'this build has no `transport` option' };
    }
    client = new FrappeOAuthClient(options);
  } catch (error) {
    return { label, unavailable: `the transport option is refused (${(error as Error).message})` };
  }
  // A token that needs no openid_profile check (no `openid` scope) and expires in a day.
  const now = Math.floor(Date.now() / 1000);
  await client.setToken({
    access_token: FIXED_TOKEN,
    token_type: 'Bearer',
    scope: 'all',
    expires_in: 86_400,
    expires_at: now + 86_400,
    obtained_at: now,
  });
  const call = () => client.getDoc('Customer', NAME);
  try {
    await call();
  } catch (error) {
    await client.close();
    return { label, unavailable: `getDoc failed (${(error as Error).message})` };
  }
  return { label, call, close: () => client.close() };
}

function axiosContender(label: string, config: Parameters<typeof axios.create>[0], url: string): Contender {
  const instance = axios.create(config);
  return { label, call: async () => (await instance.get(url)).data };
}

async function undiciContender(url: string, headers: Record<string, string>): Promise<Contender> {
  const label = 'raw undici request';
  let undici: typeof import('undici');
  try {
    undici = await import('undici');
  } catch (error) {
    return { label, unavailable: `undici is not installed (${(error as Error).message})` };
  }
  return {
    label,
    call: async () => {
      const { statusCode, body } = await undici.request(url, { headers });
      if (statusCode !== 200) throw new Error(`undici: ${statusCode}`);
      return body.json();
    },
  };
}

function frappeJsSdkContender(baseUrl: string): Contender {
  const app = new FrappeApp(baseUrl, { useToken: true, token: () => FIXED_TOKEN, type: 'Bearer' });
  const db = app.db();
  return { label: 'frappe-js-sdk db().getDoc', call: () => db.getDoc('Customer', NAME) };
}

function micros(value: number): string {
  return `${value.toFixed(0)} µs`;
}
