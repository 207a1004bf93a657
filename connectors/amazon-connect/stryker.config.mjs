// Mutation testing for this connector (issue 17): `pnpm test:mutation amazon-connect` from the repository root
// (docs/test-strength.md). Slow (minutes): not part of `pnpm test`; run before a release.
import { strykerConfig } from '../../scripts/stryker-config.mjs';

export default strykerConfig({ threshold: 85 });
