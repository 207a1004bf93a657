// A slow OpenConnect: under steady load, OpenConnect takes every message at once but answers only after the
// runner's timeout for a while, then answers in time again, several times over. Each timed-out attempt may
// be a copy (OpenConnect took it); nothing accepted may be lost, and no copy may come from anything else.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Emulator } from '@openconnect/core/testing';
import { ACME_SECRET } from '../../test/helpers/acme.js';
import { type ChildRunner, load, spawnRunner } from '../../test/helpers/processes.js';
import { baseConfig, CRMID, ref, TEST_JWT } from '../../test/helpers/runner.js';
import { count, drained, type Figures, metric, shortestGapMs } from './figures.js';

export interface SlowOptions {
  /** Slow spells (answers after the timeout), each followed by as long answering in time. */
  spells: number;
  spellMs: number;
  timeoutMs?: number;
  /** e.g. `redis://…`; default a fresh SQLite file. */
  outbox?: string;
}

export async function slowOpenConnect(emulator: Emulator, options: SlowOptions): Promise<Figures> {
  const timeoutMs = options.timeoutMs ?? 300;
  const dir = mkdtempSync(path.join(tmpdir(), 'soak-slow-'));
  const config = path.join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify(
      baseConfig(emulator, {
        logLevel: 'warn',
        openconnect: { url: emulator.endpoint, jwt: ref('TEST_JWT'), crmid: CRMID, timeoutMs },
        // The default policy's shape (doubling, half jitter), scaled down so a short run sees several retries.
        delivery: { retry: { baseDelayMs: 250, maxDelayMs: 2_000, jitter: 0.5, maxAttempts: 1_000 } },
      }),
    ),
  );
  const outbox = options.outbox ?? `sqlite:${path.join(dir, 'outbox.db')}`;
  let runner: ChildRunner | undefined;
  const started = Date.now();
  emulator.reset();
  try {
    runner = await spawnRunner({ CONFIG: config, OUTBOX: outbox, TEST_JWT, ACME_SECRET });
    const current = runner;
    // Two senders: a steady trickle across seven agents, not a flood (the backlog is not what is measured).
    const traffic = load(() => current.url, { workers: 2, max: Number.MAX_SAFE_INTEGER, prefix: 'slow' });
    for (let spell = 0; spell < options.spells; spell++) {
      emulator.setDelay(timeoutMs * 2); // taken at once, answered after the timeout
      await new Promise((r) => setTimeout(r, options.spellMs));
      emulator.setDelay(0);
      await new Promise((r) => setTimeout(r, options.spellMs));
    }
    await traffic.stop();
    await drained(emulator, traffic.accepted, 60_000);
    const timeouts = await metric(runner.url, 'openconnect_delivery_timeouts_total{connector="acme"}');
    return count(
      emulator,
      `slow OpenConnect (${options.spells} spells of ${options.spellMs / 1000} s answering after the ${timeoutMs} ms timeout), ${outbox.split(':')[0]}`,
      traffic.accepted,
      {
        // Only an attempt that timed out can have been taken without the outbox knowing.
        duplicateBound: timeouts,
        refused: traffic.failed.length,
        // Copies of one event come no closer than the timeout plus the first backoff (half of 250 ms at least).
        notes: {
          timeouts,
          'shortest ms between copies': shortestGapMs(emulator) ?? 0,
          seconds: Math.round((Date.now() - started) / 1000),
        },
      },
    );
  } finally {
    emulator.setDelay(0);
    await runner?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
