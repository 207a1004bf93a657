// The SQLite backend: the shared contract on real files in a temp dir, plus what only a file can show.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createOutbox } from '../../src/outbox/index.js';
import { outboxContract } from './contract.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-sqlite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

outboxContract('sqlite', () => {
  const file = path.join(dir, `t${++n}`, 'outbox.db');
  return { open: (options) => createOutbox(`sqlite:${file}`, options) };
});
