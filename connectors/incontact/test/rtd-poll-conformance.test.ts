import { join } from 'node:path';
import { runSubscriptionConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { rtdHarness } from './cxone-harness.js';

runSubscriptionConformance({
  connector,
  subscription: 'rtd-poll',
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings: { options: { cxoneRealtimeConsultSkills: ['Agent Consult'] } },
  harness: () => rtdHarness(),
});
