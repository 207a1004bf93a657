import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings: { options: { token: 'test-token-0123456789' }, directory: { '23045871': 'mreyes@acme.example' } },
});
