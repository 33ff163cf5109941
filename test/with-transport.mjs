// Runs `vitest run <args…>` with FRAPPE_TEST_TRANSPORT set, the same way on every OS (no shell
// syntax, no cross-env): `clientFor` (test/helpers/frappe-site.ts) gives its clients that transport.
//
//   usage: node test/with-transport.mjs <axios|undici> [vitest arguments…]
//
// The JSON report: `.ci/run` sets VITEST_JSON_REPORT for the first run and
// VITEST_JSON_REPORT_<TRANSPORT> (e.g. VITEST_JSON_REPORT_UNDICI) for this one, so that this run
// writes its own report instead of overwriting the first; without the latter it writes none.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const [transport, ...args] = process.argv.slice(2);
if (transport !== 'axios' && transport !== 'undici') {
  console.error('usage: node test/with-transport.mjs <axios|undici> [vitest arguments…]');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const vitestPackage = require.resolve('vitest/package.json');
const cli = join(dirname(vitestPackage), require(vitestPackage).bin.vitest);

const env = { ...process.env, FRAPPE_TEST_TRANSPORT: transport };
const report = process.env[`VITEST_JSON_REPORT_${transport.toUpperCase()}`];
if (report) env.VITEST_JSON_REPORT = report;
else delete env.VITEST_JSON_REPORT;

console.log(`\n==> vitest with FRAPPE_TEST_TRANSPORT=${transport}: ${args.join(' ') || '(all tests)'}`);
const result = spawnSync(process.execPath, [cli, 'run', ...args], { stdio: 'inherit', env });
if (result.error) {
  console.error(result.error.message);
  process.exit(1);
}
process.exit(result.status ?? 1);
