import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';
import { settings } from './settings.js';

runConformance({ connector, fixturesDir: join(import.meta.dirname, '../fixtures'), settings });
