// Outbox benchmarks, used by bench/run.ts and runnable alone: `tsx bench/outbox.ts [drainN] [backlogN]`.
// (b) drain rate of the sqlite outbox into the emulator vs the same sends made directly, same run;
// (c) RSS while a large backlog waits in the sqlite outbox with nothing delivering.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createOpenConnectClient, type PreparedMessage } from '@openconnect/core';
import { EMULATOR_DEFAULT_JWT, startEmulator } from '@openconnect/core/testing';
import { type AttemptResult, createOutbox, type DeliveryRecord } from '../src/outbox/index.js';

export interface DrainOptions {
  n: number;
  /** The OpenConnect URL to send to; a local emulator is started when absent. */
  target?: string;
  jwt?: string;
  /** Sends in flight at once, for both runs (the outbox's `concurrency`). Default 16. */
  concurrency?: number;
  /** Distinct agents the messages are spread over (one in flight per agent). Default 256. */
  agents?: number;
}

export interface DrainResult {
  n: number;
  concurrency: number;
  /** Messages per second sent directly with the core client (axios), `concurrency` at a time. */
  rawPerSec: number;
  /** Messages per second drained from the sqlite outbox through the same client. */
  outboxPerSec: number;
  /** outboxPerSec / rawPerSec; the aim is ≥ 0.8. */
  ratio: number;
}

export interface BacklogResult {
  n: number;
  /** RSS in MB when 10%, 50% and 100% of the backlog is stored. */
  rssMb: { at10: number; at50: number; at100: number };
  /** RSS growth from 10% to 100%, in MB. */
  growthMb: number;
  /** Messages stored per second while filling. */
  enqueuePerSec: number;
  fileMb: number;
}

const tempFile = (name: string) =>
  path.join(fs.mkdtempSync(path.join(os.tmpdir(), `outbox-bench-${name}-`)), 'outbox.db');
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function messages(from: number, count: number, agents: number): PreparedMessage[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      connector: 'bench',
      source: 'calls',
      agentid: `agent-${i % agents}`,
      event: 'incoming_call',
      lifecycle: 'offered',
      props: {
        lifecycle: 'offered',
        callId: `call-${i}`,
        ani: '+15555550100',
        dnis: '+15555550199',
        queue: 'Sales',
      },
    };
  });
}

async function withTarget<T>(
  options: DrainOptions,
  run: (target: string, jwt: string) => Promise<T>,
): Promise<T> {
  if (options.target) return run(options.target, options.jwt ?? EMULATOR_DEFAULT_JWT);
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
  try {
    return await run(emulator.endpoint, EMULATOR_DEFAULT_JWT);
  } finally {
    await emulator.close();
  }
}

export async function benchDrain(options: DrainOptions): Promise<DrainResult> {
  const { n } = options;
  const concurrency = options.concurrency ?? 16;
  const agents = options.agents ?? 256;
  return withTarget(options, async (target, jwt) => {
    const client = createOpenConnectClient({ baseUrl: target, crmid: 'bench', jwt });
    const send = async (m: {
      agentid: string;
      event: string;
      props: PreparedMessage['props'];
    }): Promise<AttemptResult> => {
      try {
        const sent = await client.send({ agentid: m.agentid, event: m.event, props: m.props });
        return { ok: true, status: sent.status };
      } catch (error) {
        return { ok: false, retryable: true, error: (error as Error).message };
      }
    };

    // Raw: a fixed pool of `concurrency` loops sending one message after another.
    const raw = async (count: number) => {
      const all = messages(0, count, agents);
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < all.length) await send(all[next++]!);
        }),
      );
      return performance.now() - started;
    };

    // Outbox: the same messages stored first (not timed), then drained through the same client.
    const drain = async (count: number) => {
      const file = tempFile('drain');
      let delivered = 0;
      let done!: () => void;
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      const outbox = await createOutbox(`sqlite:${file}`, {
        concurrency,
        hooks: {
          onAttempt(record: DeliveryRecord) {
            if (record.status === 'delivered' && ++delivered === count) done();
          },
        },
      });
      for (let i = 0; i < count; i += 1_000)
        await outbox.enqueue(messages(i, Math.min(1_000, count - i), agents));
      const started = performance.now();
      outbox.start(send);
      await finished;
      const ms = performance.now() - started;
      await outbox.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      return ms;
    };

    await raw(Math.min(2_000, n)); // warm up the JIT, sockets and the target
    await drain(Math.min(2_000, n));
    // Alternating rounds, so a neighbour's load on a shared machine hits both sides alike.
    const rounds = 4;
    const per = Math.ceil(n / rounds);
    let rawMs = 0;
    let outboxMs = 0;
    for (let r = 0; r < rounds; r++) {
      rawMs += await raw(per);
      outboxMs += await drain(per);
    }
    client.close();
    const rawPerSec = (per * rounds) / (rawMs / 1000);
    const outboxPerSec = (per * rounds) / (outboxMs / 1000);
    return {
      n: per * rounds,
      concurrency,
      rawPerSec: Math.round(rawPerSec),
      outboxPerSec: Math.round(outboxPerSec),
      ratio: Math.round((outboxPerSec / rawPerSec) * 100) / 100,
    };
  });
}

export async function benchBacklog(options: {
  n: number;
  agents?: number;
  batch?: number;
}): Promise<BacklogResult> {
  const { n } = options;
  const agents = options.agents ?? 1_000;
  const batch = options.batch ?? 1_000;
  const file = tempFile('backlog');
  const outbox = await createOutbox(`sqlite:${file}`);
  const marks = new Map<number, number>([
    [Math.ceil(n * 0.1), 0],
    [Math.ceil(n * 0.5), 0],
    [n, 0],
  ]);
  const started = performance.now();
  for (let stored = 0; stored < n; ) {
    const count = Math.min(batch, n - stored);
    await outbox.enqueue(messages(stored, count, agents));
    const before = stored;
    stored += count;
    for (const mark of marks.keys()) {
      if (mark > before && mark <= stored) {
        (globalThis as { gc?: () => void }).gc?.();
        marks.set(mark, process.memoryUsage().rss);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = await outbox.stats();
  if (stats.queued !== n) throw new Error(`backlog holds ${stats.queued} messages, expected ${n}`);
  await outbox.close();
  const fileBytes = ['', '-wal', '-shm']
    .map((suffix) => `${file}${suffix}`)
    .filter((f) => fs.existsSync(f))
    .reduce((sum, f) => sum + fs.statSync(f).size, 0);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const [at10, at50, at100] = [...marks.values()].map(mb) as [number, number, number];
  return {
    n,
    rssMb: { at10, at50, at100 },
    growthMb: Math.round((at100 - at10) * 10) / 10,
    enqueuePerSec: Math.round(n / seconds),
    fileMb: mb(fileBytes),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const drainN = Number(process.argv[2] ?? 10_000);
  const backlogN = Number(process.argv[3] ?? 1_000_000);
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${mb(os.totalmem())} MB, node ${process.version}`,
  );
  if (drainN > 0) {
    const drain = await benchDrain({ n: drainN });
    console.log(
      `drain  ${drain.n} msgs, ${drain.concurrency} in flight: outbox ${drain.outboxPerSec}/s vs direct ${drain.rawPerSec}/s → ratio ${drain.ratio} (aim ≥ 0.8)`,
    );
  }
  const backlog = await benchBacklog({ n: backlogN });
  console.log(
    `backlog ${backlog.n} msgs waiting: RSS ${backlog.rssMb.at10} / ${backlog.rssMb.at50} / ${backlog.rssMb.at100} MB at 10/50/100% (growth ${backlog.growthMb} MB), file ${backlog.fileMb} MB, stored ${backlog.enqueuePerSec}/s`,
  );
}
