// SIGKILL loops on the SQLite outbox: a runner process takes webhooks under load and is killed at a random
// moment, again and again, each time restarted on the same file; at the end one more start delivers what
// is left. Nothing answered 2xx may be lost; a copy is allowed only for an attempt in flight at a kill.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Emulator } from '@openconnect/core/testing';
import { type ChildRunner, load, spawnRunner } from '../../test/helpers/processes.js';
import { arrivals, count, drained, type Figures } from './figures.js';
import { soakFolder } from './setup.js';

export interface SigkillOptions {
  kills: number;
  /** Events accepted per round before the kill, at least; a random share more, so kills land anywhere. */
  perRound: number;
  /** The runner's delivery.concurrency: at most this many attempts are in flight when it dies. */
  concurrency?: number;
  sync?: 'full' | 'normal';
}

export async function sqliteSigkill(emulator: Emulator, options: SigkillOptions): Promise<Figures> {
  const concurrency = options.concurrency ?? 16;
  const { dir, env: envOn } = soakFolder(emulator, 'sqlite', {
    delivery: { concurrency, retry: { baseDelayMs: 20, maxDelayMs: 200, jitter: 0.5 } },
  });
  const env = { ...envOn(`sqlite:${path.join(dir, 'outbox.db')}`), OUTBOX_SYNC: options.sync ?? 'full' };
  const accepted: string[] = [];
  let refused = 0;
  let backlog = 0;
  let runner: ChildRunner | undefined;
  const started = Date.now();
  emulator.reset();
  try {
    // Deliveries lag intake a little, so every kill leaves a backlog and attempts in flight.
    emulator.setDelay(5);
    for (let round = 0; round < options.kills; round++) {
      runner = await spawnRunner(env);
      const current = runner;
      const traffic = load(() => current.url, {
        workers: 6,
        max: Number.MAX_SAFE_INTEGER,
        prefix: `k${round}`,
      });
      const target = options.perRound + Math.floor(Math.random() * (options.perRound / 2));
      while (traffic.accepted.length < target) await new Promise((r) => setTimeout(r, 5));
      // No new requests from here; those in flight die with the process (the vendor would send them again).
      const stopping = traffic.stop();
      await current.kill('SIGKILL');
      await stopping;
      accepted.push(...traffic.accepted);
      refused += traffic.failed.length;
      const seen = arrivals(emulator);
      backlog += accepted.filter((id) => !seen.has(id)).length;
    }
    if (backlog === 0) throw new Error('no kill left a backlog behind: the run proved no restart delivers');
    emulator.setDelay(0);
    runner = await spawnRunner(env);
    await drained(emulator, accepted, 60_000);
    return count(
      emulator,
      `sqlite (synchronous=${(options.sync ?? 'full').toUpperCase()}), ${options.kills} × SIGKILL under load`,
      accepted,
      {
        // Each kill can leave one attempt per lane in flight: OpenConnect took it, the outbox never heard.
        duplicateBound: options.kills * concurrency,
        refused,
        notes: {
          kills: options.kills,
          'undelivered at the kills': backlog,
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
