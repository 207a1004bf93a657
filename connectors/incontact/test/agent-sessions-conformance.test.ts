import { join } from 'node:path';
import { runSubscriptionConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { agentSessionHarness, DIRECTORY } from './cxone-harness.js';

runSubscriptionConformance({
  connector,
  subscription: 'agent-sessions',
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings: { directory: DIRECTORY },
  harness: () => agentSessionHarness(),
});
