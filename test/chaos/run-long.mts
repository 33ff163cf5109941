/**
 * The long chaos run: `npm run chaos [operations] [seed]` (default 10,000 operations per profile,
 * seed from CHAOS_SEED or 1). Exits non-zero when any invariant breaks.
 */
import { CHAOS_PROFILES, type ChaosReport, formatReport, runChaos } from './chaos.js';

const operations = Number(process.argv[2] ?? process.env.CHAOS_OPERATIONS ?? 10_000);
const seed = Number(process.argv[3] ?? process.env.CHAOS_SEED ?? 1);
if (!Number.isInteger(operations) || operations < 1) throw new Error('operations must be a positive integer');
if (!Number.isInteger(seed)) throw new Error('seed must be an integer');

const reports: ChaosReport[] = [];
const started = performance.now();
for (const profile of CHAOS_PROFILES) {
  const report = await runChaos({ profile, operations, seed, maxRetryAfterSeconds: 1 });
  console.log(formatReport(report));
  reports.push(report);
}
console.log(`total ${Math.round(performance.now() - started)} ms`);
const broken = reports.filter(
  (report) =>
    report.lostWrites + report.duplicatedWrites + report.phantomInserts + report.nonFrappeErrors > 0 ||
    report.unhandledRejections > 0 ||
    !report.finalTokenWorks,
);
if (broken.length > 0) {
  console.error(`invariants broken in ${broken.map((report) => report.profile).join(', ')}`);
  process.exitCode = 1;
}
