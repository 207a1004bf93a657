// Mutation testing for core: `pnpm test:mutation core` from the repository root (see docs/test-strength.md).
import { fileURLToPath } from 'node:url';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // By path: Stryker looks for @stryker-mutator/* plugins next to itself, which under pnpm holds only its own
  // dependencies, not the runner (a root dev dependency).
  plugins: [fileURLToPath(import.meta.resolve('@stryker-mutator/vitest-runner'))],
  vitest: { configFile: 'vitest.config.ts' },
  coverageAnalysis: 'perTest',
  // src/testing is test support (the emulator, the conformance kit), exercised by the tests, not under test.
  mutate: ['src/**/*.ts', '!src/testing/**'],
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  // Core's tests start real servers and processes: a mutant that hangs one is a timeout, counted as killed.
  timeoutMS: 20_000,
};
