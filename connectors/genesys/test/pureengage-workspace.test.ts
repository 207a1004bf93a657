// The subscription kit against the Workspace API emulator: recorded frames map to the exact messages, the
// live session delivers them, reconnects after a drop, renews the token before it (and the session with
// it) expires, and counts a malformed message.
import { fileURLToPath } from 'node:url';
import { runSubscriptionConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { settings } from './settings.js';
import { workspaceHarness } from './workspace-harness.js';

runSubscriptionConformance({
  connector,
  subscription: 'pureengage-workspace',
  fixturesDir: fileURLToPath(new URL('../fixtures', import.meta.url)),
  settings,
  harness: () => workspaceHarness(),
});
