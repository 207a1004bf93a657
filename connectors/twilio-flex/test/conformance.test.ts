import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { settings, sign } from './sign.js';

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  // Signed by the sources' own signers; a fixture recorded with a forged signature
  // (taskrouter/wrong-signature.json) stays as recorded.
  prepare: (request) => (request.headers['x-twilio-signature'] ? request : sign(request)),
  fuzzRuns: 100,
});
