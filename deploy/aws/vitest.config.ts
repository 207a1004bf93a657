import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Synthesizing a CDK stack takes a few seconds on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
