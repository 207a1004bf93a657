// Mutation testing for this connector (issue 17): `pnpm test:mutation amazon-connect` from the repository root
// (docs/test-strength.md). Slow (minutes): not part of `pnpm test`; run before a release.
import { strykerConfig } from '../../scripts/stryker-config.mjs';

const shared = strykerConfig({ threshold: 85 });

export default {
  ...shared,
  // Not `related` (vitest's import graph): test/lambda.test.ts runs the bundled handlers and imports src/lambda/*
  // only as types, so the graph ties it to no source file and Stryker would never run it (src/lambda: no coverage).
  vitest: { ...shared.vitest, related: false },
};
