import { defineConfig } from 'vitest/config';

// The scaffolder test runs a generated connector's suite in a child process: slow on a loaded machine.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 120_000 } });
