import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { settings } from './sign.js';

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  // Signed by the sources' own signers (the kit leaves taskrouter/wrong-signature.json, recorded to fail, as it is).
  fuzzRuns: 100,
});
