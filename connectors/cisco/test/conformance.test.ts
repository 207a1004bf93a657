import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { services, settings, sign } from './helpers.js';

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  services,
  // Webex CC requests carry a signature; the Finesse source ignores the extra header.
  prepare: (request) => sign(request),
  fuzzRuns: 100,
});
