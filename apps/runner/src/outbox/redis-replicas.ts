// Which partitions this process works. The runners sharing a prefix split the partitions between them:
// each one keeps itself in `<prefix>:replicas` (a sorted set scored by when its entry expires, on Redis's
// clock), and partition p goes to the live runner at rank p % N in the ids' order. So every runner's own
// delivery concurrency adds to the cluster's: a second replica doubles the messages in flight, instead of
// sharing one global cap. A runner that stops leaves the set at once; one that dies drops out when its
// entry expires, and the others take its partitions at their next heartbeat.
// Ownership only spreads the work: order does not depend on it. Each partition's queue still runs one job at
// a time across all processes (BullMQ global concurrency 1), so while ownership moves (two runners briefly
// working one queue) an agent's messages still go one at a time, in order.
import type { Redis } from 'ioredis';

/** Refreshes this runner's entry, drops expired ones, returns the live ids (Redis's clock: no skew between hosts). */
const HEARTBEAT_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

/** The partitions of `partitions` that the runner at `rank` of `live` works. */
export function ownedPartitions(partitions: number, rank: number, live: number): number[] {
  const owned: number[] = [];
  for (let p = rank; p < partitions; p += live) owned.push(p);
  return owned;
}

export interface Membership {
  /** Joins now, and refreshes every heartbeatMs (failing only the first try); onChange gets the partitions each time they change. */
  start(): Promise<void>;
  /** Leaves the set, so the others take this runner's partitions at their next heartbeat. */
  stop(): Promise<void>;
  owned(): readonly number[];
}

export function createMembership(options: {
  redis: Redis;
  key: string;
  id: string;
  partitions: number;
  heartbeatMs: number;
  onChange(owned: readonly number[]): void;
}): Membership {
  const { redis, key, id, partitions, heartbeatMs } = options;
  redis.defineCommand('openconnectReplicas', { numberOfKeys: 1, lua: HEARTBEAT_SCRIPT });
  const call = redis as unknown as {
    openconnectReplicas(key: string, id: string, ttlMs: number): Promise<string[]>;
  };
  // An entry outlives three missed heartbeats: a busy event loop or a Redis blip does not hand partitions around.
  const ttlMs = heartbeatMs * 3;
  let owned: readonly number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const beat = async () => {
    const live = (await call.openconnectReplicas(key, id, ttlMs)).sort();
    if (stopped) return;
    // The script has just written this runner's entry, so it is always listed.
    const next = ownedPartitions(partitions, live.indexOf(id), live.length);
    if (next.length === owned.length && next.every((p, i) => p === owned[i])) return;
    owned = next;
    options.onChange(owned);
  };

  return {
    async start() {
      timer = setInterval(() => {
        beat().catch(() => {}); // Redis away: keep the partitions it has; the next beat tries again
      }, heartbeatMs);
      timer.unref();
      await beat();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await redis.zrem(key, id).catch(() => {});
    },
    owned: () => owned,
  };
}

/** At most `size` holders at once; the others wait in arrival order. */
export function createSlots(size: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    async take() {
      if (free > 0) {
        free--;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    give() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
