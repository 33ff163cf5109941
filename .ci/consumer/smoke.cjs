'use strict';
// A CommonJS consumer: require() both entry points (the CJS build, which loads ESM-only dependencies
// through require(esm)).
const main = require('frappe-oauth-client');
const testing = require('frappe-oauth-client/testing');
const { runChecks } = require('./checks.cjs');

runChecks({
  label: `require() on Node ${process.version}`,
  main,
  testing,
  resolved: [require.resolve('frappe-oauth-client'), require.resolve('frappe-oauth-client/testing')],
  extension: '.js',
}).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
