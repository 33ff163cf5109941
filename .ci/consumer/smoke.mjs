// An ESM consumer: import both entry points (the ESM build).
import assert from 'node:assert/strict';
import * as main from 'frappe-oauth-client';
import * as testing from 'frappe-oauth-client/testing';
import { FrappeEmulator } from 'frappe-oauth-client/testing';
import checks from './checks.cjs';

assert.equal(FrappeEmulator, testing.FrappeEmulator);
await checks.runChecks({
  label: `import on Node ${process.version}`,
  main,
  testing,
  resolved: [import.meta.resolve('frappe-oauth-client'), import.meta.resolve('frappe-oauth-client/testing')],
  extension: '.mjs',
});
