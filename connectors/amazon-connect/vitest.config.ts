import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // No test may reach AWS: never ask the EC2 metadata service for credentials. The SDK's notice that
    // releases after January 2027 need Node 22 is known (see the README) and kept out of test output.
    env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // The Lambda handlers, bundled once per run (test/build-lambdas.ts) into dist/lambda-test-<pid>/, are
    // loaded by Node itself, as the Lambda runtime would, not transformed.
    globalSetup: ['test/build-lambdas.ts'],
    server: { deps: { external: [/\/dist\/lambda[^/]*\//] } },
  },
});
