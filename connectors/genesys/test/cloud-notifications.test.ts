import { join } from 'node:path';
import { runSubscriptionConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { offlineSettings, startCloudHarness } from './cloud-notifications-harness.js';

runSubscriptionConformance({
  connector,
  subscription: 'cloud-notifications',
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings: offlineSettings,
  harness: () => startCloudHarness(),
});
