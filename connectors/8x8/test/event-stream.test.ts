// The event-stream subscription through the core's kit: recorded Pulsar frames map offline, and the live
// consumer against the emulator delivers them, reconnects after a drop, keeps a quiet socket past the
// proxy's idle timeout with its own pings, and counts a malformed frame while going on.
import { join } from 'node:path';
import { runSubscriptionConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { offlineSettings, startStreamHarness } from './event-stream-harness.js';

runSubscriptionConformance({
  connector,
  subscription: 'event-stream',
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings: offlineSettings,
  harness: startStreamHarness,
});
