import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { services, settings } from './helpers.js';

// Each fixture is signed by its source's own signer (the Finesse token, the Webex CC signature).
runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  services,
  fuzzRuns: 100,
});
