// Replica loss on the Redis outbox: two runner processes share one redis-server of the run's own (append-only
// file, everysec: a Redis the runner accepts; the shared one at 6379 is never used), webhooks round-robin
// between them like a load balancer, and one is SIGKILLed mid-load while the other takes every request and,
// once the dead one's job locks expire, its deliveries too. With more than one kill, the dead one comes back
// and the other is killed next. Nothing answered 2xx may be lost; a copy is allowed only for an attempt in
// flight at a kill, and the Redis outbox has at most one in flight per partition.
import { rmSync } from 'node:fs';
import type { Emulator } from '@openconnect/core/testing';
import { type ChildRunner, load, spawnRunner } from '../../test/helpers/processes.js';
import { PERSISTENT, startRedisServer } from '../../test/helpers/redis-server.js';
import { arrivals, count, drained, type Figures, settled } from './figures.js';
import { soakFolder } from './setup.js';

export interface ReplicaLossOptions {
  kills: number;
  /** Events accepted per round before the kill, at least; a random share more, so kills land anywhere. */
  perRound: number;
}

/** delivery.redis.partitions (the default): at most one attempt in flight per partition, across processes. */
const PARTITIONS = 16;
/** load() spreads its events over seven agents, so at most seven partitions have an attempt in flight. */
const AGENTS = 7;

export async function redisReplicaLoss(emulator: Emulator, options: ReplicaLossOptions): Promise<Figures> {
  const redis = await startRedisServer(PERSISTENT);
  const { dir, env: envOn } = soakFolder(emulator, 'replicas', {
    delivery: {
      retry: { baseDelayMs: 20, maxDelayMs: 200, jitter: 0.5 },
      // A dead process's jobs go to the survivor once their lock lapses: 1.5 s + 0.5 s instead of 45 s.
      redis: { partitions: PARTITIONS, lockDurationMs: 1_500, stalledIntervalMs: 500 },
    },
  });
  const env = envOn(`${redis.url}?prefix=soak`);
  const accepted: string[] = [];
  let refused = 0;
  let backlog = 0;
  const replicas: ChildRunner[] = [];
  const started = Date.now();
  emulator.reset();
  try {
    replicas.push(await spawnRunner(env), await spawnRunner(env));
    // Deliveries lag intake (7 agents × 50 a second at most), so each kill leaves a backlog to take over.
    emulator.setDelay(20);
    for (let round = 0; round < options.kills; round++) {
      const [victim, survivor] =
        round % 2 === 0 ? [replicas[0]!, replicas[1]!] : [replicas[1]!, replicas[0]!];
      let victimAlive = true;
      let turn = 0;
      const traffic = load(() => (victimAlive && turn++ % 2 === 0 ? victim.url : survivor.url), {
        workers: 6,
        max: Number.MAX_SAFE_INTEGER,
        prefix: `r${round}`,
      });
      const target = options.perRound + Math.floor(Math.random() * (options.perRound / 2));
      while (traffic.accepted.length < target) await new Promise((r) => setTimeout(r, 5));
      victimAlive = false; // the load balancer notices at once; what was in flight to the victim dies with it
      await victim.kill('SIGKILL');
      const seen = arrivals(emulator);
      backlog += [...accepted, ...traffic.accepted].filter((id) => !seen.has(id)).length;
      // The survivor alone takes the rest of the round: as many again.
      const more = traffic.accepted.length + options.perRound / 2;
      while (traffic.accepted.length < more) await new Promise((r) => setTimeout(r, 5));
      await traffic.stop();
      accepted.push(...traffic.accepted);
      refused += traffic.failed.length;
      if (round < options.kills - 1) replicas[replicas.indexOf(victim)] = await spawnRunner(env);
    }
    if (backlog === 0) throw new Error('no kill left a backlog behind: the run proved no takeover');
    emulator.setDelay(0);
    const survivor = replicas[options.kills % 2 === 1 ? 1 : 0]!;
    await drained(emulator, accepted, 60_000);
    await settled(survivor.url, 30_000);
    return count(
      emulator,
      `redis (append-only file), 2 runners round-robin, ${options.kills} × SIGKILL of one under load`,
      accepted,
      {
        // Each kill can leave one attempt per partition in flight: OpenConnect took it, Redis never heard.
        duplicateBound: options.kills * Math.min(PARTITIONS, AGENTS),
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
    for (const replica of replicas) await replica.kill('SIGTERM');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
