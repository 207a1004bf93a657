import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The bundled Lambda handlers are loaded by Node itself, as the Lambda runtime would, not transformed.
    server: { deps: { external: [/\/dist\/lambda\//] } },
  },
});
