import { defineConfig } from 'vitest/config';

// `.ci/run` sets VITEST_JSON_REPORT to a file path so that the same run also writes vitest's JSON
// report, from which it prints the final `N passed, M failed` line.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
