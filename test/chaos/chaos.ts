/**
 * A seeded chaos run against the in-process emulator: mixed document operations with a
 * concurrency of ~8 while faults, token revocations, token-endpoint outages and server clock
 * jumps are injected at random (from the seed), then a comparison of every client-side outcome
 * with what the emulator holds. Shared by test/chaos/chaos-run.test.ts (`npm test`) and
 * test/chaos/run-long.mts (`npm run chaos`). Imports nothing from vitest.
 */
import Keyv from 'keyv';
import {
  AuthorizationRequiredError,
  FrappeError,
  FrappeNetworkError,
  FrappeOAuthClient,
  FrappeServerError,
} from '../../src';
import { type EmulatorProfileName, FrappeEmulator } from '../../src/testing';

export const CHAOS_PROFILES: readonly EmulatorProfileName[] = ['v14', 'v15', 'develop'];

const REDIRECT_URI = 'http://127.0.0.1:8765/callback';
const CLIENT = { clientId: 'chaos-shop', clientSecret: 'chaos-shop-secret' } as const;
const USER = { email: 'chaos@example.com', password: 'chaos-pass', roles: ['System Manager'] };
const REST = /^\/api\/resource\//;
const TOKEN = /frappe\.integrations\.oauth2\.get_token$/;
const SEEDED_CUSTOMER = 'Grant Plastics Ltd.';
const SEEDED_ITEM = 'SKU001';

export interface ChaosOptions {
  profile: EmulatorProfileName;
  operations: number;
  seed: number;
  /** Operations in flight at once; default 8. */
  concurrency?: number;
  /** The client's `retry.maxRetryAfterSeconds` (0 or 1); default 0. */
  maxRetryAfterSeconds?: number;
  transport?: 'axios' | 'undici';
}

export interface ChaosReport {
  profile: EmulatorProfileName;
  seed: number;
  operations: number;
  wallMs: number;
  /** Faults and events injected, by kind. */
  faults: Record<string, number>;
  /** Operation outcomes: `ok`, the FrappeError class name, or `other:<name>`. */
  outcomes: Record<string, number>;
  /** Operations by kind. */
  kinds: Record<string, number>;
  lostWrites: number;
  duplicatedWrites: number;
  /** Inserts that rejected with a non-ambiguous error (not network/5xx) yet are stored. */
  phantomInserts: number;
  /**
   * Updates/deletes that rejected with a non-ambiguous error yet landed (an earlier attempt of a
   * retried idempotent request did): reported, not an invariant.
   */
  rejectedButLanded: number;
  nonFrappeErrors: number;
  unhandledRejections: number;
  reauthorizations: number;
  finalTokenWorks: boolean;
  /**
   * Secrets in play (every token the site issued, the client secret, the password, each
   * authorization code) found in anything the client showed: log lines with their fields, the
   * payloads of the `token`, `request` and `retry` hooks, and the errors it rejected with.
   */
  secretLeaks: number;
  /** How many log lines, hook payloads and errors the leak scan read. */
  scannedForSecrets: number;
  /** One line per broken invariant (the first 20). */
  violations: string[];
}

/** mulberry32: a small seeded PRNG in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  }
  return hash >>> 0;
}

type OpKind = 'getDoc' | 'getList' | 'insertNamed' | 'insertUnnamed' | 'update' | 'delete' | 'iterate';

const OP_WEIGHTS: ReadonlyArray<[OpKind, number]> = [
  ['getDoc', 24],
  ['getList', 14],
  ['insertNamed', 16],
  ['insertUnnamed', 16],
  ['update', 16],
  ['delete', 8],
  ['iterate', 6],
];

/** What the plan does before dispatching an operation (drawn from the seed, in index order). */
type Injection =
  | { kind: 'status-502-html'; method?: string }
  | { kind: 'rate-limit'; retryAfterSeconds: number; method?: string }
  | { kind: 'drop'; method?: string }
  | { kind: 'drop-after-write'; method?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'truncate'; method?: string }
  | { kind: 'revoke-token' }
  | { kind: 'expire-token' }
  | { kind: 'token-endpoint-503'; times: number }
  | { kind: 'clock-jump'; seconds: number }
  | { kind: 'refresh-answer-lost' };

interface PlannedOp {
  index: number;
  kind: OpKind;
  pick: number;
  injections: Injection[];
}

function plan(options: Required<Pick<ChaosOptions, 'profile' | 'operations' | 'seed'>>): PlannedOp[] {
  const random = mulberry32(options.seed ^ hashString(options.profile));
  const total = OP_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  const quiet = Math.floor(options.operations * 0.95); // no token-killing events in the last 5%
  const writeMethod = (): string | undefined => {
    const r = random();
    return r < 0.4 ? undefined : r < 0.7 ? 'POST' : r < 0.85 ? 'PUT' : 'DELETE';
  };
  const ops: PlannedOp[] = [];
  for (let index = 0; index < options.operations; index++) {
    let roll = random() * total;
    let kind: OpKind = 'getDoc';
    for (const [candidate, weight] of OP_WEIGHTS) {
      roll -= weight;
      if (roll < 0) {
        kind = candidate;
        break;
      }
    }
    const injections: Injection[] = [];
    if (random() < 0.1) {
      const which = random();
      if (which < 0.2) injections.push({ kind: 'status-502-html', method: writeMethod() });
      else if (which < 0.35)
        injections.push({
          kind: 'rate-limit',
          retryAfterSeconds: random() < 0.5 ? 0 : 1,
          method: writeMethod(),
        });
      else if (which < 0.5) injections.push({ kind: 'drop', method: writeMethod() });
      else if (which < 0.7) injections.push({ kind: 'drop-after-write', method: writeMethod() });
      else if (which < 0.85) injections.push({ kind: 'delay', ms: 20 + Math.floor(random() * 31) });
      else injections.push({ kind: 'truncate', method: writeMethod() });
    }
    const tokenEvents = index > 0 && index < quiet;
    const fixed = (share: number) => index === Math.floor(options.operations * share);
    if (tokenEvents) {
      if (fixed(0.3) || fixed(0.7) || random() < 0.0005) injections.push({ kind: 'revoke-token' });
      if (fixed(0.5) || random() < 0.001) {
        injections.push({ kind: 'token-endpoint-503', times: 1 + Math.floor(random() * 4) });
        injections.push({ kind: 'expire-token' });
      }
      if (random() < 0.002) injections.push({ kind: 'expire-token' });
      if (fixed(0.2) || fixed(0.6) || random() < 0.002)
        injections.push({ kind: 'clock-jump', seconds: random() < 0.5 ? -600 : 600 });
      if (options.profile === 'develop' && (fixed(0.4) || fixed(0.8) || random() < 0.0005))
        injections.push({ kind: 'refresh-answer-lost' });
    }
    ops.push({ index, kind, pick: random(), injections });
  }
  return ops;
}

interface InsertRecord {
  marker: string;
  doctype: 'Customer' | 'Sales Order';
  named: boolean;
  ok: boolean;
  errorClass?: string;
  ambiguous: boolean;
}

interface DocEvent {
  kind: 'update' | 'delete';
  index: number;
  value?: number;
  ok: boolean;
  ambiguous: boolean;
}

function errorClass(error: unknown): string {
  if (error instanceof FrappeError) return error.constructor.name;
  return `other:${error instanceof Error ? error.constructor.name : typeof error}`;
}

function isAmbiguous(error: unknown): boolean {
  return (
    (error instanceof FrappeNetworkError && error.reason !== 'aborted') || error instanceof FrappeServerError
  );
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

async function approveInBrowser(site: FrappeEmulator, authorizationUrl: string): Promise<string> {
  const cookie = site.sessionCookie(USER.email);
  let url = authorizationUrl;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie } });
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (!location) throw new Error(`authorize stopped at ${response.status} without a redirect`);
    const next = new URL(location, url).toString();
    if (next.startsWith(REDIRECT_URI)) return next;
    url = next;
  }
  throw new Error('too many redirects');
}

/** Runs one profile's chaos and checks the invariants; never throws for a broken invariant. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = performance.now();
  const concurrency = options.concurrency ?? 8;
  const report: ChaosReport = {
    profile: options.profile,
    seed: options.seed,
    operations: options.operations,
    wallMs: 0,
    faults: {},
    outcomes: {},
    kinds: {},
    lostWrites: 0,
    duplicatedWrites: 0,
    phantomInserts: 0,
    rejectedButLanded: 0,
    nonFrappeErrors: 0,
    unhandledRejections: 0,
    reauthorizations: 0,
    finalTokenWorks: false,
    secretLeaks: 0,
    scannedForSecrets: 0,
    violations: [],
  };
  // Everything the client shows of itself, for the leak scan at the end.
  const shown: string[] = [];
  const codes: string[] = [];
  const show = (message: string, fields?: unknown) =>
    shown.push(fields === undefined ? message : `${message} ${JSON.stringify(fields)}`);
  const violation = (line: string) => {
    if (report.violations.length < 20) report.violations.push(line);
  };
  const onUnhandled = (reason: unknown) => {
    report.unhandledRejections += 1;
    violation(`unhandled rejection: ${errorClass(reason)} ${String((reason as Error)?.message ?? reason)}`);
  };
  process.on('unhandledRejection', onUnhandled);

  const site = await FrappeEmulator.start({
    profile: options.profile,
    port: 0,
    tokenLifetimeSeconds: 1800,
    users: [{ ...USER, roles: [...USER.roles] }],
    clients: [
      { ...CLIENT, scopes: ['all', 'openid'], redirectUris: [REDIRECT_URI], skipAuthorization: true },
    ],
  });
  const client = new FrappeOAuthClient({
    baseUrl: site.url,
    ...CLIENT,
    redirectUri: REDIRECT_URI,
    store: new Keyv(),
    refreshRetry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
    refreshCooldownSeconds: 0,
    retry: { maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 0, minDelayMs: 1, maxDelayMs: 5 },
    random: mulberry32(options.seed + 1),
    transport: options.transport ?? 'axios',
    logger: { debug: show, info: show, warn: show, error: show },
  });
  client.on('token', (event) => shown.push(JSON.stringify(event)));
  client.on('request', (event) => shown.push(JSON.stringify(event)));
  client.on('retry', (event) => shown.push(JSON.stringify(event)));

  try {
    // ── sign-in, and signing in again when the client says a person must ─────────────────────
    let generation = 0;
    let reauthorizing: Promise<void> | undefined;
    const authorize = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const callback = await approveInBrowser(site, await client.getAuthorizationUrl());
          codes.push(new URL(callback).searchParams.get('code') ?? '');
          await client.handleCallback(callback);
          generation += 1;
          return;
        } catch (error) {
          bump(report.faults, 'reauthorization-attempt-failed');
          if (!(error instanceof FrappeError)) {
            report.nonFrappeErrors += 1;
            violation(`sign-in failed with ${errorClass(error)}: ${String((error as Error)?.message)}`);
          }
          if (attempt >= 20) throw error;
        }
      }
    };
    const reauthorize = async (seen: number): Promise<void> => {
      if (reauthorizing) return reauthorizing;
      if (seen !== generation) return;
      report.reauthorizations += 1;
      reauthorizing = authorize().finally(() => {
        reauthorizing = undefined;
      });
      return reauthorizing;
    };
    await authorize();

    const ourTokens = () =>
      site.issuedTokens().filter((row) => row.user === USER.email && row.clientId === CLIENT.clientId);
    const newestActive = () =>
      ourTokens()
        .filter((row) => row.status === 'Active')
        .at(-1);

    const inject = (injection: Injection): void => {
      bump(report.faults, injection.kind);
      const method = 'method' in injection && injection.method ? { method: injection.method } : {};
      switch (injection.kind) {
        case 'status-502-html':
          site.injectFault(
            REST,
            {
              kind: 'status',
              status: 502,
              body: '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
              contentType: 'text/html',
            },
            method,
          );
          return;
        case 'rate-limit':
          site.injectFault(
            REST,
            { kind: 'rate-limit', retryAfterSeconds: injection.retryAfterSeconds },
            method,
          );
          return;
        case 'drop':
        case 'drop-after-write':
        case 'truncate':
          site.injectFault(REST, { kind: injection.kind }, method);
          return;
        case 'delay':
          site.injectFault(REST, { kind: 'delay', ms: injection.ms });
          return;
        case 'revoke-token': {
          const row = newestActive();
          if (row) site.revokeToken(row.accessToken);
          return;
        }
        case 'expire-token': {
          const row = newestActive();
          if (row) site.expireToken(row.accessToken);
          return;
        }
        case 'token-endpoint-503':
          site.injectFault(TOKEN, { kind: 'status', status: 503 }, { times: injection.times });
          return;
        case 'clock-jump':
          site.advanceClock(injection.seconds);
          return;
        case 'refresh-answer-lost': {
          site.injectFault(TOKEN, { kind: 'drop-after-write' });
          const row = newestActive();
          if (row) site.expireToken(row.accessToken);
          return;
        }
      }
    };

    // ── the documents the run works on ──────────────────────────────────────────────────────
    const inserts: InsertRecord[] = [];
    /** Customers known to exist (an insert resolved) and not yet given to a delete. */
    const pool: string[] = [];
    const busy = new Set<string>();
    const history = new Map<string, DocEvent[]>();
    const tag = `${options.seed.toString(36)}-${options.profile}`;

    const takeFree = (pick: number): string | undefined => {
      if (pool.length === 0) return undefined;
      const start = Math.floor(pick * pool.length);
      for (let offset = 0; offset < Math.min(pool.length, 16); offset++) {
        const name = pool[(start + offset) % pool.length]!;
        if (!busy.has(name)) return name;
      }
      return undefined;
    };

    const runOp = async (op: PlannedOp): Promise<void> => {
      const seen = generation;
      let kind = op.kind;
      let target: string | undefined;
      if (kind === 'update' || kind === 'delete') {
        target = takeFree(op.pick);
        if (target === undefined) kind = 'getDoc';
        else busy.add(target);
      }
      bump(report.kinds, kind);
      let insert: InsertRecord | undefined;
      let event: DocEvent | undefined;
      try {
        switch (kind) {
          case 'getDoc': {
            const name =
              pool.length > 0 && op.pick < 0.8 ? pool[Math.floor(op.pick * pool.length)]! : SEEDED_CUSTOMER;
            await client.getDoc('Customer', name);
            break;
          }
          case 'getList':
            await client.getList('Customer', {
              fields: ['name', 'customer_name', 'credit_limit'],
              limit: 20,
              orderBy: 'modified desc',
            });
            break;
          case 'iterate': {
            let rows = 0;
            for await (const _row of client.iterateList('Customer', { pageSize: 10 })) {
              rows += 1;
              if (rows >= 25) break;
            }
            break;
          }
          case 'insertNamed': {
            const marker = `Chaos ${tag} ${op.index}`;
            insert = { marker, doctype: 'Customer', named: true, ok: false, ambiguous: false };
            inserts.push(insert);
            await client.insertDoc('Customer', {
              name: marker,
              customer_name: marker,
              customer_type: 'Company',
              customer_group: 'Commercial',
            });
            insert.ok = true;
            pool.push(marker);
            break;
          }
          case 'insertUnnamed': {
            if (op.pick < 0.5) {
              const marker = `Chaos ${tag} ${op.index} unnamed`;
              insert = { marker, doctype: 'Customer', named: false, ok: false, ambiguous: false };
              inserts.push(insert);
              await client.insertDoc('Customer', { customer_name: marker, customer_type: 'Individual' });
              insert.ok = true;
              pool.push(marker);
            } else {
              const marker = `chaos-po-${tag}-${op.index}`;
              insert = { marker, doctype: 'Sales Order', named: false, ok: false, ambiguous: false };
              inserts.push(insert);
              await client.insertDoc('Sales Order', {
                naming_series: 'SAL-ORD-.YYYY.-',
                customer: SEEDED_CUSTOMER,
                transaction_date: '2025-01-15',
                delivery_date: '2025-02-15',
                po_no: marker,
                items: [{ item_code: SEEDED_ITEM, qty: 1 + (op.index % 5) }],
              });
              insert.ok = true;
            }
            break;
          }
          case 'update': {
            const value = op.index + 1;
            event = { kind: 'update', index: op.index, value, ok: false, ambiguous: false };
            history.set(target!, [...(history.get(target!) ?? []), event]);
            await client.updateDoc('Customer', target!, { credit_limit: value });
            event.ok = true;
            break;
          }
          case 'delete': {
            event = { kind: 'delete', index: op.index, ok: false, ambiguous: false };
            history.set(target!, [...(history.get(target!) ?? []), event]);
            // Whatever the outcome, no later operation touches it: its state may be unknown.
            pool.splice(pool.indexOf(target!), 1);
            await client.deleteDoc('Customer', target!);
            event.ok = true;
            break;
          }
        }
        bump(report.outcomes, 'ok');
      } catch (error) {
        const name = errorClass(error);
        bump(report.outcomes, name);
        shown.push(error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error));
        if (!(error instanceof FrappeError)) {
          report.nonFrappeErrors += 1;
          violation(`op ${op.index} ${kind} rejected with ${name}: ${String((error as Error)?.message)}`);
        }
        if (insert) {
          insert.errorClass = name;
          insert.ambiguous = isAmbiguous(error);
        }
        if (event) event.ambiguous = isAmbiguous(error);
        if (error instanceof AuthorizationRequiredError) await reauthorize(seen);
      } finally {
        if (target !== undefined) busy.delete(target);
      }
    };

    // ── the run: faults injected in index order as operations are dispatched ────────────────
    const ops = plan({ profile: options.profile, operations: options.operations, seed: options.seed });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ops.length) {
        const op = ops[next++]!;
        for (const injection of op.injections) inject(injection);
        await runOp(op);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));

    // ── the comparison with the site ────────────────────────────────────────────────────────
    site.clearFaults();
    const markers = new Map<string, number>();
    for (const doc of site.site.docs.table('Customer').values()) {
      const marker = String(doc.customer_name);
      markers.set(marker, (markers.get(marker) ?? 0) + 1);
    }
    for (const doc of site.site.docs.table('Sales Order').values()) {
      if (typeof doc.po_no === 'string') markers.set(doc.po_no, (markers.get(doc.po_no) ?? 0) + 1);
    }
    for (const record of inserts) {
      const count = markers.get(record.marker) ?? 0;
      const deleted = history.get(record.marker)?.some((entry) => entry.kind === 'delete') ?? false;
      const what = `${record.named ? 'named' : 'unnamed'} ${record.doctype} insert ${JSON.stringify(record.marker)}`;
      if (count > 1) {
        report.duplicatedWrites += 1;
        violation(`${what} stored ${count} times (${record.ok ? 'resolved' : record.errorClass})`);
      } else if (deleted) {
        // checked with its delete below
      } else if (record.ok && count === 0) {
        report.lostWrites += 1;
        violation(`${what} resolved but is not stored`);
      } else if (!record.ok && count === 1 && !record.ambiguous) {
        report.phantomInserts += 1;
        violation(`${what} rejected with ${record.errorClass} (not ambiguous) but is stored`);
      }
    }
    for (const [name, events] of history) {
      const stored = site.getDocument('Customer', name);
      const last = events.at(-1)!;
      if (last.kind === 'delete') {
        if (last.ok && stored) {
          report.lostWrites += 1;
          violation(`delete of ${JSON.stringify(name)} resolved but the document is still there`);
        } else if (!last.ok && !last.ambiguous && !stored) {
          report.rejectedButLanded += 1;
        }
      }
      if (!stored) continue;
      const updates = events.filter((entry) => entry.kind === 'update');
      let lastOk = -1;
      updates.forEach((entry, index) => {
        if (entry.ok) lastOk = index;
      });
      const allowed = new Set<unknown>();
      if (lastOk === -1) {
        allowed.add(undefined);
        allowed.add(null);
        allowed.add(0);
      } else allowed.add(updates[lastOk]!.value);
      for (const entry of updates.slice(lastOk + 1)) if (entry.ambiguous) allowed.add(entry.value);
      const value = stored.credit_limit;
      if (!allowed.has(value)) {
        if (lastOk !== -1 && !updates.slice(lastOk + 1).some((entry) => entry.value === value)) {
          report.lostWrites += 1;
          violation(
            `update of ${JSON.stringify(name)} to ${updates[lastOk]!.value} resolved; stored ${value}`,
          );
        } else {
          report.rejectedButLanded += 1;
        }
      }
    }

    // ── the stored token still works ────────────────────────────────────────────────────────
    try {
      await client.getAccessToken();
      await client.getDoc('Customer', SEEDED_CUSTOMER);
      report.finalTokenWorks = true;
    } catch (error) {
      violation(
        `the stored token does not work at the end: ${errorClass(error)} ${(error as Error)?.message}`,
      );
    }
    // Let any stray rejection surface before the spy is removed.
    await new Promise((resolve) => setTimeout(resolve, 20));

    // ── no secret in anything the client showed ─────────────────────────────────────────────
    const secrets = [
      CLIENT.clientSecret,
      USER.password,
      ...codes,
      ...site.issuedTokens().flatMap((row) => [row.accessToken, row.refreshToken]),
    ].filter((secret) => secret.length >= 4);
    const text = shown.join('\n');
    report.scannedForSecrets = shown.length;
    for (const secret of new Set(secrets)) {
      if (!text.includes(secret)) continue;
      report.secretLeaks += 1;
      const line = shown.find((entry) => entry.includes(secret)) ?? '';
      violation(
        `a secret (${secret.length} chars) was shown: ${line.replace(secret, '<secret>').slice(0, 160)}`,
      );
    }
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await client.close();
    await site.stop();
  }
  report.wallMs = Math.round(performance.now() - started);
  return report;
}

/** The figures of one report, for the console. */
export function formatReport(report: ChaosReport): string {
  const sorted = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
  return [
    `chaos ${report.profile} seed=${report.seed}: ${report.operations} operations in ${report.wallMs} ms`,
    `  operations: ${sorted(report.kinds)}`,
    `  faults:     ${sorted(report.faults)}`,
    `  outcomes:   ${sorted(report.outcomes)}`,
    `  lost writes=${report.lostWrites} duplicated writes=${report.duplicatedWrites} phantom inserts=${report.phantomInserts} non-FrappeError=${report.nonFrappeErrors} unhandled=${report.unhandledRejections}`,
    `  re-authorizations=${report.reauthorizations} final token works=${report.finalTokenWorks} rejected updates/deletes that landed=${report.rejectedButLanded}`,
    `  secret leaks=${report.secretLeaks} in ${report.scannedForSecrets} log lines, hook payloads and errors`,
    ...report.violations.map((line) => `  VIOLATION ${line}`),
  ].join('\n');
}
