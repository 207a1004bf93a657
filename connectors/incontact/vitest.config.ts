import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The session suites wait on timers and loopback servers (seconds per test). A mutation run (issue 17) runs
// one file at a time and stops at the first failing test, so the quick suites go first: a mutant they kill
// costs a second, not the session suites' minute. Order only: a plain run still runs every file in parallel.
const SESSION_SUITES = /(rtd-poll|agent-sessions|cxone-emulator)[\w-]*\.test\.ts$/;
class QuickSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const slow = (file: TestSpecification) => SESSION_SUITES.test(file.moduleId);
    return [...sorted.filter((f) => !slow(f)), ...sorted.filter(slow)];
  }
}

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, sequence: { sequencer: QuickSuitesFirst } },
});
