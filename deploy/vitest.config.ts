import { defineConfig } from 'vitest/config';

// deploy/aws is a package of its own with its own tests: only this folder's run here.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], exclude: ['aws/**', '**/node_modules/**'], testTimeout: 60_000 },
});
