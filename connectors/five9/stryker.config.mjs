// Mutation testing for the Five9 connector (issue 17): `pnpm test:mutation five9` from the root, or
// `pnpm exec stryker run` here. Slow (minutes): not part of `pnpm test` or `.ci/run`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: ['src/**/*.ts'],
  thresholds: { high: 95, low: 85, break: 85 },
  reporters: ['clear-text', 'progress', 'html'],
  concurrency: 2,
};
