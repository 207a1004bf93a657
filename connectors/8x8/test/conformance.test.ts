import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { settings, sign } from './webhook-helpers.js';

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  // The relay source signs its own fixtures; Chat Gateway ones are signed with the test key pair (8x8 alone
  // holds the real private key, so that source has no signer).
  prepare: sign,
});
