// Mutation testing for this connector (issue 17): `pnpm test:mutation avaya` from the repository root
// (docs/test-strength.md). Slow (minutes): not part of `pnpm test`; run before a release.
import { strykerConfig } from '../../scripts/stryker-config.mjs';

// src/emulators is test support (the vendor side the tests run against), not under test.
export default strykerConfig({ threshold: 85, exclude: ['src/emulators'] });
