// A slow OpenConnect: it takes every message at once but answers only after the runner's timeout, so each
// timed-out attempt may be a copy. Two runs: the case (one message, the default retry policy, a
// 1 s timeout), and spells of slowness under steady load. Nothing accepted may be lost, and no copy may come
// from anything but a timed-out attempt.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Emulator } from '@openconnect/core/testing';
import { type ChildRunner, load, spawnRunner } from '../../test/helpers/processes.js';
import { answered, CRMID, ref, sign } from '../../test/helpers/runner.js';
import { count, drained, type Figures, metric, settled, shortestGapMs } from './figures.js';
import { soakFolder } from './setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMEOUTS = 'openconnect_delivery_timeouts_total{connector="acme"}';

/** A runner process whose OpenConnect is the emulator, with this timeout and retry policy (none: the default). */
async function slowTarget(
  emulator: Emulator,
  options: { timeoutMs: number; retry?: Record<string, number>; outbox?: string },
  run: (runner: ChildRunner, started: number) => Promise<Figures>,
): Promise<Figures> {
  const { dir, env } = soakFolder(emulator, 'slow', {
    openconnect: {
      url: emulator.endpoint,
      jwt: ref('TEST_JWT'),
      crmid: CRMID,
      timeoutMs: options.timeoutMs,
    },
    delivery: options.retry ? { retry: options.retry } : {},
  });
  const outbox = options.outbox ?? `sqlite:${path.join(dir, 'outbox.db')}`;
  let runner: ChildRunner | undefined;
  emulator.reset();
  try {
    runner = await spawnRunner(env(outbox));
    return await run(runner, Date.now());
  } finally {
    emulator.setDelay(0);
    await runner?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The case: one message, the default retry policy, a 1 s timeout, OpenConnect answering after 1.5 s
 * for `slowForMs`, then in time. Reports the copies and when they came.
 */
export function oneSlowMessage(emulator: Emulator, options: { slowForMs: number }): Promise<Figures> {
  return slowTarget(emulator, { timeoutMs: 1_000 }, async (runner, started) => {
    emulator.setDelay(1_500);
    const body = JSON.stringify(answered('one-slow', 'agent-slow', 'one-slow'));
    const res = await fetch(`${runner.url}/webhooks/acme/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': sign(body) },
      body,
    });
    const accepted = res.ok ? ['one-slow'] : [];
    await sleep(options.slowForMs);
    const copiesWhileSlow = emulator.messages.length;
    emulator.setDelay(0);
    await drained(emulator, accepted, 10 * 60_000);
    await settled(runner.url, 60_000);
    const timeouts = await metric(runner.url, TIMEOUTS);
    const first = Date.parse(emulator.messages[0]?.receivedAt ?? '');
    return count(
      emulator,
      `one message, default retry policy, 1 s timeout, answers after 1.5 s for ${options.slowForMs / 1000} s`,
      accepted,
      {
        duplicateBound: timeouts,
        refused: res.ok ? 0 : 1,
        notes: {
          timeouts,
          [`copies in the first ${options.slowForMs / 1000} s`]: copiesWhileSlow,
          ...Object.fromEntries(
            emulator.messages.map((m, i) => [`copy ${i + 1} at ms`, Date.parse(m.receivedAt) - first]),
          ),
          seconds: Math.round((Date.now() - started) / 1000),
        },
      },
    );
  });
}

export interface SlowOptions {
  /** Slow spells (answers after the timeout), each followed by as long answering in time. */
  spells: number;
  spellMs: number;
  timeoutMs?: number;
  /** e.g. `redis://…`; default a fresh SQLite file. */
  outbox?: string;
}

/** Spells of slowness under steady load, with the default policy's shape scaled down (see below). */
export function slowOpenConnect(emulator: Emulator, options: SlowOptions): Promise<Figures> {
  const timeoutMs = options.timeoutMs ?? 300;
  // Doubling with half jitter like the default, from 250 ms, so a short run sees several retries; attempts
  // unbounded so that no message becomes a dead letter during a spell (dead letters are another story).
  const retry = { baseDelayMs: 250, maxDelayMs: 2_000, jitter: 0.5, maxAttempts: 1_000 };
  const outbox = options.outbox;
  return slowTarget(
    emulator,
    { timeoutMs, retry, ...(outbox ? { outbox } : {}) },
    async (runner, started) => {
      // A steady trickle across seven agents (under 100 a second, within the rate limit), not a flood.
      const traffic = load(() => runner.url, {
        workers: 2,
        max: Number.MAX_SAFE_INTEGER,
        prefix: 'slow',
        pauseMs: 20,
      });
      for (let spell = 0; spell < options.spells; spell++) {
        emulator.setDelay(timeoutMs * 2); // taken at once, answered after the timeout
        await sleep(options.spellMs);
        emulator.setDelay(0);
        await sleep(options.spellMs);
      }
      await traffic.stop();
      await drained(emulator, traffic.accepted, 60_000);
      await settled(runner.url, 60_000);
      const timeouts = await metric(runner.url, TIMEOUTS);
      const kind = (outbox ?? 'sqlite').split(':')[0];
      return count(
        emulator,
        `slow OpenConnect under load (${options.spells} spells of ${options.spellMs / 1000} s answering after the ${timeoutMs} ms timeout), ${kind}`,
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
    },
  );
}
