// The subscription kit against the ICWS emulator offering messaging version 2: an event stream.
import { join } from 'node:path';
import { runSubscriptionConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { icwsHarness } from './icws-harness.js';
import { settings } from './settings.js';

runSubscriptionConformance({
  connector,
  subscription: 'pureconnect-icws',
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  harness: () => icwsHarness({ messagingVersion: 2 }),
});
