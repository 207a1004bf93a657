import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { settings, sign } from './webhook-helpers.js';

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  // Chat Gateway fixtures are signed with the test key pair (8x8 alone holds the real private key); relay
  // fixtures carry the relay secret as recorded.
  prepare: (request) => (request.headers['x-relay-token'] ? request : sign(request)),
});
