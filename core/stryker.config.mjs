// Mutation testing for core: `pnpm test:mutation core` from the repository root (see docs/test-strength.md).
import { strykerConfig } from '../scripts/stryker-config.mjs';

// src/testing is test support (the emulator, the conformance kit), exercised by the tests, not under test.
export default strykerConfig({ threshold: 90, exclude: ['src/testing'] });
