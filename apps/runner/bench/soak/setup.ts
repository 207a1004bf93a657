// What every soak run starts from: a temp folder holding the runner's config file (the test runner's base
// config, warnings only, plus the run's own settings), and the environment a runner child process takes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Emulator } from '@openconnect/core/testing';
import { ACME_SECRET } from '../../test/helpers/acme.js';
import { baseConfig, TEST_JWT } from '../../test/helpers/runner.js';

/** Writes `<temp dir>/config.json`; the caller removes `dir` when the run ends. */
export function soakFolder(emulator: Emulator, name: string, settings: Record<string, unknown>) {
  const dir = mkdtempSync(path.join(tmpdir(), `soak-${name}-`));
  const config = path.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify(baseConfig(emulator, { logLevel: 'warn', ...settings })));
  /** A runner process's environment on `outbox`. */
  const env = (outbox: string) => ({ CONFIG: config, OUTBOX: outbox, TEST_JWT, ACME_SECRET });
  return { dir, config, env };
}
