// The StrykerJS options every package shares (issue 17; docs/test-strength.md). A package's stryker.config.mjs
// names only what differs: its threshold and, where it has them, the test-support folders not to mutate.
import { fileURLToPath } from 'node:url';

/**
 * @param {{ threshold: number, exclude?: string[], timeoutMS?: number }} options
 *   threshold: the mutation score below which `pnpm test:mutation <package>` fails (core 90, connectors 85);
 *   exclude: folders of src that are test support (emulators, the conformance kit), each with its reason beside it.
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function strykerConfig({ threshold, exclude = [], timeoutMS = 20_000 }) {
  return {
    testRunner: 'vitest',
    // By path: Stryker looks for @stryker-mutator/* plugins next to itself, which under pnpm holds only its own
    // dependencies, not the runner (a root dev dependency).
    plugins: [fileURLToPath(import.meta.resolve('@stryker-mutator/vitest-runner'))],
    vitest: { configFile: 'vitest.config.ts' },
    coverageAnalysis: 'perTest',
    mutate: ['src/**/*.ts', ...exclude.map((folder) => `!${folder}/**`)],
    thresholds: { high: 95, low: threshold, break: threshold },
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: 'reports/mutation/index.html' },
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    tempDirName: '.stryker-tmp',
    // Incremental: the last run's results are kept in git (stryker-incremental.json beside the config), so a run
    // tests only the mutants whose code or covering tests changed since; `--force` runs every mutant again.
    incremental: true,
    incrementalFile: 'stryker-incremental.json',
    concurrency: 2,
    // Tests start real servers and processes: a mutant that hangs one is a timeout, counted as killed.
    timeoutMS,
  };
}
