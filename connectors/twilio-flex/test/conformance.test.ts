import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { settings, sign } from './sign.js';

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  prepare: sign,
  fuzzRuns: 100,
});
