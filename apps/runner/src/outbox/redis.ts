// The shared outbox: BullMQ on Redis, for several runner replicas behind a load balancer.
//
// Order: BullMQ's open-source edition has no groups, so agents are spread over N queues by
// hash(agentid) % N, and each queue runs one job at a time across all processes (global concurrency 1).
// A failed attempt is not handed to BullMQ's retries (they would let later jobs overtake it): the job goes
// back to the head of its queue and the queue is rate-limited for the backoff delay. Trade-off: a retrying
// message delays every agent of its partition, not just its own; more partitions, less interference.
//
// Durability: enqueue resolves after Redis acknowledged the records and the jobs; a Redis that would not keep
// them through a restart or memory pressure is refused unless the operator accepts it (redis-persistence.ts).
// A 503 means not stored: the intake writes on a connection of their own that never queues (redis-writes.ts).
// At-least-once window: an attempt that succeeded but whose record was not yet saved when the process died
// is retried by another process once the job's lock expires (lockDurationMs + stalledIntervalMs).
import { randomUUID } from 'node:crypto';
import type { PreparedMessage, StateStore } from '@openconnect/core';
import { DEFAULT_STATE_TTL_MS } from '@openconnect/core';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createRedisLeases } from './leases.js';
import { attempt, partitionOf, resolvePolicy, safeHooks } from './policy.js';
import { createSharedPause } from './redis-pause.js';
import { guardPersistence } from './redis-persistence.js';
import { CANCEL_TTL_MS, createRecords } from './redis-records.js';
import { createMembership, createSlots } from './redis-replicas.js';
import { checkRedisSchema } from './redis-schema.js';
import { coalesceWrites, connectWrites, createCanceller, createClock, NotStored } from './redis-writes.js';
import type { Deliver, DeliveryRecord, EnqueueOptions, Outbox, OutboxOptions, PruneResult } from './types.js';

const DAY = 24 * 60 * 60_000;
const HANDOFF_GRACE_MS = 10_000;
/** The longest a worker holding back a retrying partition sleeps in one go (see maximumRateLimitDelay below). */
const RATE_LIMIT_NAP_MS = 1_000;
/** Records stored here and waiting for their first attempt here, kept at most this many (the oldest dropped). */
const FRESH_MAX = 4_096;

export async function openRedisOutbox(url: string, options: OutboxOptions = {}): Promise<Outbox> {
  const parsed = new URL(url);
  const prefix = parsed.searchParams.get('prefix') || 'openconnect';
  parsed.search = '';
  // maxRetriesPerRequest null: BullMQ workers need it; a Redis outage then waits instead of failing jobs.
  const redis = new Redis(parsed.toString(), { maxRetriesPerRequest: null, lazyConnect: true });
  redis.on('error', () => {}); // ioredis reconnects by itself; ping() reports the outage to /readyz
  coalesceWrites(redis);
  const writes = connectWrites(parsed.toString(), options.redis?.writeTimeoutMs ?? 5_000);
  const clock = createClock(writes);
  try {
    await Promise.all([redis.connect(), writes.connect()]);
    await clock.measure();
  } catch (error) {
    redis.disconnect();
    writes.disconnect();
    throw new Error(`the Redis outbox at ${parsed.host} does not answer: ${(error as Error).message}`);
  }
  const hooks = safeHooks(options.hooks);
  const persistence = await guardPersistence({
    redis: writes,
    policy: { acceptDataLoss: options.redis?.acceptDataLoss, persistence: options.redis?.persistence },
    where: parsed.host,
    intervalMs: options.redis?.persistenceCheckMs ?? 60_000,
    onChange: (warnings) => hooks.onWarningsChange(warnings),
  }).catch((error: unknown) => {
    redis.disconnect();
    writes.disconnect();
    throw error;
  });
  // The prefix's key layout: written when absent, refused when newer than this code (redis-schema.ts).
  // After the persistence check, so a Redis refused for what it would lose is not written to at all.
  await checkRedisSchema(writes, prefix, parsed.host).catch((error: unknown) => {
    persistence.stop();
    redis.disconnect();
    writes.disconnect();
    throw error;
  });

  const policy = resolvePolicy(options.retry);
  const dedupeWindowMs = options.dedupeWindowMs ?? DAY;
  const partitions = await settlePartitions(writes, prefix, parsed.host, options.redis?.partitions).catch(
    (error: unknown) => {
      persistence.stop();
      redis.disconnect();
      writes.disconnect();
      throw error;
    },
  );
  // Attempts in flight in this process: the cluster's capacity is this times the replicas (up to `partitions`).
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const slots = createSlots(concurrency);
  const lockDuration = options.redis?.lockDurationMs ?? 30_000;
  const closeTimeoutMs = options.redis?.closeTimeoutMs ?? 15_000;
  const stalledInterval = options.redis?.stalledIntervalMs ?? 15_000;
  const keepMs = options.retainDelivered?.maxAgeMs ?? 7 * DAY;
  const keepRows = options.retainDelivered?.maxRows ?? 100_000;
  const records = createRecords(redis, prefix, writes);
  const canceller = createCanceller(writes, (tokens) => records.cancel(tokens), CANCEL_TTL_MS);
  const bullPrefix = `${prefix}:bull`;

  const queues = Array.from(
    { length: partitions },
    (_, i) =>
      new Queue(`p${i}`, {
        connection: redis,
        prefix: bullPrefix,
        // Our own retries keep order; BullMQ's only catch a crash inside the processor (Redis errors).
        defaultJobOptions: {
          removeOnComplete: true,
          removeOnFail: false,
          attempts: 1_000,
          backoff: { type: 'fixed', delay: 1_000 },
        },
      }),
  );
  // Without a listener BullMQ prints each connection error to stderr, outside the log (Redis away: a line a retry).
  for (const queue of queues) queue.on('error', () => {});
  await Promise.all(queues.map((q) => q.setGlobalConcurrency(1)));

  const pause = createSharedPause({
    redis,
    key: `${prefix}:pause`,
    queues,
    probeMs: options.pauseProbeMs ?? 60_000,
    pollMs: options.redis?.pausePollMs ?? 500,
    staleProbeMs: lockDuration + stalledInterval,
    onChange: (paused, reason) => hooks.onPauseChange(paused, reason),
  });
  await pause.refresh();

  const addJobs = async (ids: { id: string; agentid: string }[], suffix = '') => {
    const byPartition = new Map<number, { name: string; data: { id: string }; opts: { jobId: string } }[]>();
    for (const { id, agentid } of ids) {
      const p = partitionOf(agentid, partitions);
      const list = byPartition.get(p) ?? [];
      list.push({ name: 'deliver', data: { id }, opts: { jobId: `m${id}${suffix}` } });
      byPartition.set(p, list);
    }
    // One job (most webhooks carry one message): add() is one script call; addBulk() builds a MULTI pipeline.
    await Promise.all(
      [...byPartition].map(([p, jobs]) =>
        jobs.length === 1
          ? queues[p]!.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts)
          : queues[p]!.addBulk(jobs),
      ),
    );
  };

  // A process that died between storing records and adding their jobs leaves them in the handoff set.
  const recoverHandoffs = async () => {
    const ids = await redis.zrangebyscore(
      records.key.handoff,
      '-inf',
      Date.now() - HANDOFF_GRACE_MS,
      'LIMIT',
      0,
      500,
    );
    if (ids.length === 0) return;
    const pending = (await records.getMany(ids)).filter(
      (r): r is DeliveryRecord => !!r && (r.status === 'queued' || r.status === 'retrying'),
    );
    await addJobs(pending);
    await redis.zrem(records.key.handoff, ...ids);
  };

  let deliver: Deliver | undefined;
  let closing = false;
  let closed = false;
  const workers = new Map<number, Worker>();
  const retiring = new Set<Promise<void>>();

  // What this process stored for a partition it works, kept for the first attempt, which then needs no read.
  // Entered before its job exists (false: not yet answered), so no attempt can come first and leave it behind;
  // usable once the enqueue succeeded (an attempt before that reads Redis, where a 503's cancel may have deleted
  // it); dropped when the enqueue fails. No one else writes such a record before its first attempt but another
  // process attempting it, which needs the partition to move: every move empties the map. A miss (evicted,
  // another process's, a retry) reads Redis.
  const fresh = new Map<string, DeliveryRecord | false>();
  const enterFresh = (stored: DeliveryRecord[], kept: DeliveryRecord[]) => {
    const owned = membership.owned();
    for (const record of stored) {
      if (!owned.includes(partitionOf(record.agentid, partitions))) continue;
      fresh.set(record.id, false);
      kept.push(record);
      if (fresh.size > FRESH_MAX) fresh.delete(fresh.keys().next().value!);
    }
  };
  const readRecord = (id: string) => {
    const record = fresh.get(id);
    if (record === undefined) return records.get(id);
    fresh.delete(id);
    return record || records.get(id);
  };

  const handle = async (job: Job<{ id: string }>, partition: number) => {
    const record = await readRecord(job.data.id);
    if (!record || (record.status !== 'queued' && record.status !== 'retrying')) return 'skipped';
    const queue = queues[partition]!;
    const wait = (record.nextAttemptAt ?? 0) - Date.now();
    if (wait > 20) {
      await queue.rateLimit(wait);
      throw Worker.RateLimitError();
    }
    await slots.take();
    let outcome: Awaited<ReturnType<typeof attempt>>;
    try {
      outcome = await attempt(deliver!, record, policy);
      await records.save(outcome.updated, record.status);
    } finally {
      slots.give();
    }
    const { result, latencyMs, decision, updated } = outcome;
    hooks.onAttempt(updated, result, latencyMs);
    if (decision.kind === 'dead') hooks.onDead(updated);
    if (decision.kind === 'retry') {
      await queue.rateLimit(Math.max(1, decision.delayMs));
      throw Worker.RateLimitError();
    }
    if (decision.kind === 'pause') {
      await pause.enter(decision.reason, partition, true);
      throw Worker.RateLimitError();
    }
    await pause.probeSucceeded();
    return decision.kind;
  };

  const startWorker = (i: number) => {
    const worker = new Worker(`p${i}`, (job: Job<{ id: string }>) => handle(job, i), {
      connection: redis,
      prefix: bullPrefix,
      concurrency: 1,
      lockDuration,
      stalledInterval,
      // A crashed process's job is always given back to the queue, never failed for stalling.
      maxStalledCount: 1_000_000,
      // Needed for queue.rateLimit() to hold the queue; the count itself never limits.
      limiter: { max: 1e12, duration: 1_000 },
      // How long an idle, rate-limited worker sleeps before asking Redis again (one script call). BullMQ's close()
      // cannot cut short a sleep begun after it was called (a retry scheduled as the runner stops): that sleep
      // would hold shutdown for up to this, 30 s by default, the usual grace before a SIGKILL.
      maximumRateLimitDelay: RATE_LIMIT_NAP_MS,
    });
    worker.on('error', () => {}); // connection blips: ioredis reconnects; a listener keeps them from crashing us
    workers.set(i, worker);
  };
  // The partitions this process works follow the live replicas (redis-replicas.ts): workers start for the ones
  // it gains and finish their job in hand, then stop, for the ones it loses.
  const membership = createMembership({
    redis,
    key: `${prefix}:replicas`,
    id: randomUUID(),
    partitions,
    heartbeatMs: options.redis?.heartbeatMs ?? 2_000,
    onChange(owned) {
      if (closing) return;
      fresh.clear();
      for (const i of owned) if (!workers.has(i)) startWorker(i);
      for (const [i, worker] of workers) {
        if (owned.includes(i)) continue;
        workers.delete(i);
        const retired = worker.close().catch(() => {});
        retiring.add(retired);
        void retired.finally(() => retiring.delete(retired));
      }
    },
  });

  const maintenance = setInterval(() => {
    if (closing) return;
    recoverHandoffs().catch(() => {});
    clock.measure().catch(() => {});
  }, 5_000).unref();
  const pruneNow = async (): Promise<PruneResult> => ({
    delivered: await records.pruneDelivered(Date.now() - keepMs, keepRows),
    dedupeKeys: 0, // dedupe and state keys expire on their own (PX)
    stateKeys: 0,
  });
  const pruneTimer = setInterval(() => {
    if (!closing) pruneNow().catch(() => {});
  }, options.pruneIntervalMs ?? 60_000).unref();

  // The connectors' state is read and written while a vendor waits: on the intake's connection, which fails
  // instead of queueing while Redis is away.
  const stateKey = (key: string) => `${prefix}:state:${key}`;
  const state: StateStore = {
    async get<T>(key: string) {
      const value = await writes.get(stateKey(key));
      return value === null ? undefined : (JSON.parse(value) as T);
    },
    async set(key, value, ttlMs = DEFAULT_STATE_TTL_MS) {
      await writes.set(stateKey(key), JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async delete(key) {
      await writes.del(stateKey(key));
    },
    // SET NX is atomic across every replica sharing this Redis (claims such as Webex CC event ids).
    async setIfAbsent(key, value, ttlMs = DEFAULT_STATE_TTL_MS) {
      const done = await writes.set(
        stateKey(key),
        JSON.stringify(value),
        'PX',
        Math.max(1, Math.round(ttlMs)),
        'NX',
      );
      return done === 'OK';
    },
  };

  // Under a token the canceller undoes if the caller gives up (it answered 503) before this resolves.
  const store = (
    messages: PreparedMessage[],
    { deadlineAt, signal }: EnqueueOptions,
    kept: DeliveryRecord[],
  ) =>
    canceller.run(signal, async (token) => {
      const deadline = clock.onRedis(deadlineAt);
      const result = await records.insert(messages, Date.now(), dedupeWindowMs, { token, deadline });
      if (result.late)
        throw new NotStored('Redis ran the write after its deadline (limits.storeTimeoutMs): nothing stored');
      if (result.stored.length > 0) {
        enterFresh(result.stored, kept);
        await addJobs(result.stored);
        // Bookkeeping once the jobs exist, off the vendor's wait: were it lost (the process dies first), the
        // handoff recovery adds the same job ids again, and a job whose record is delivered does nothing.
        const done = records
          .handedOff(
            result.stored.map((r) => r.id),
            token,
          )
          .catch(() => {});
        enqueuing.add(done);
        void done.finally(() => enqueuing.delete(done));
      }
      return { stored: result.stored, duplicates: result.duplicates };
    });
  // Enqueues (and their handoff bookkeeping) under way when close() is called finish before the connection goes.
  const enqueuing = new Set<Promise<unknown>>();

  let closingDone: Promise<void> | undefined;
  async function shutDown() {
    closing = true;
    clearInterval(maintenance);
    clearInterval(pruneTimer);
    pause.stop();
    persistence.stop();
    canceller.stop();
    const orderly = (async () => {
      await Promise.allSettled([...enqueuing]);
      await membership.stop();
      await Promise.all([...workers.values()].map((w) => w.close()));
      await Promise.all([...retiring]);
      await Promise.all(queues.map((q) => q.close()));
      closed = true;
      await redis.quit().catch(() => redis.disconnect());
      await writes.quit().catch(() => writes.disconnect());
    })();
    // Each step talks to Redis, and the main connection waits for a Redis that is away instead of failing: a stop
    // while Redis is away would never end. So close() stops waiting once Redis has been away for a second, or
    // past closeTimeoutMs, and drops the connections. Nothing accepted is lost: an attempt whose outcome could not
    // be saved is made again after the restart (the at-least-once window).
    const watch = watchClose(redis, closeTimeoutMs);
    const cut = await Promise.race([orderly.then(() => undefined), watch.why]).finally(watch.stop);
    if (cut === undefined) return;
    // Not awaited: ioredis leaves a connection dropped while it waits to reconnect with its commands unanswered.
    orderly.catch(() => {});
    closed = true;
    // A worker not yet asked to close drops its own connection; one already closing keeps waiting for its job (BullMQ
    // hands back the close already under way), which ends when the connections below are dropped or its send ends.
    for (const worker of workers.values()) worker.close(true).catch(() => {});
    redis.disconnect();
    writes.disconnect();
    throw new Error(
      `the Redis outbox at ${parsed.host} ${cut}: closed without waiting further; an attempt whose outcome ` +
        `it could not save is made again after the restart`,
    );
  }

  const assertOpen = () => {
    if (closed || closing) throw new Error('the outbox is closed');
  };

  return {
    kind: 'redis',
    state,
    leases: createRedisLeases(redis, prefix),
    async enqueue(messages: PreparedMessage[], options: EnqueueOptions = {}) {
      assertOpen();
      const kept: DeliveryRecord[] = [];
      const work = store(messages, options, kept);
      enqueuing.add(work);
      try {
        const result = await work;
        for (const record of kept) if (fresh.get(record.id) === false) fresh.set(record.id, record);
        return result;
      } catch (error) {
        for (const record of kept) fresh.delete(record.id);
        throw error;
      } finally {
        enqueuing.delete(work);
      }
    },
    start(fn) {
      assertOpen();
      if (deliver) return;
      deliver = fn;
      membership.start().catch(() => {}); // Redis away at start: the next heartbeat sets the partitions
      recoverHandoffs().catch(() => {});
      pruneNow().catch(() => {});
    },
    close() {
      closingDone ??= shutDown();
      return closingDone;
    },
    list: (filter = {}) => records.list(filter),
    get: (id) => records.get(id),
    async replay(ids) {
      let count = 0;
      for (const record of await records.getMany([...new Set(ids)].filter((id) => /^\d+$/.test(id)))) {
        if (record?.status !== 'dead') continue;
        const now = Date.now();
        const queued: DeliveryRecord = {
          ...record,
          status: 'queued',
          attempts: 0,
          updatedAt: now,
          nextAttemptAt: now,
        };
        delete queued.deadReason;
        await redis.zadd(records.key.handoff, now, queued.id); // a crash before the job exists cannot strand it
        await records.save(queued, 'dead');
        await addJobs([queued], `-r${now}`);
        await redis.zrem(records.key.handoff, queued.id);
        count++;
      }
      return count;
    },
    stats: () => records.counts(),
    pause(reason) {
      pause.enter(reason, undefined, false).catch(() => {});
    },
    resume() {
      pause.leave().catch(() => {});
    },
    pausedReason: () => pause.reason(),
    // On the intake's connection: ready means a webhook could be stored now.
    async ping() {
      try {
        return (await writes.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    warnings: () => persistence.warnings(),
    prune: pruneNow,
  };
}

/** How long the main connection may be down during close() before close() gives up on Redis. */
const AWAY_MS = 1_000;

/** Why close() should stop waiting: past its deadline, or Redis away AWAY_MS in a row. stop() ends the watch. */
function watchClose(redis: Redis, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  const why = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`did not close within ${timeoutMs} ms`), timeoutMs);
    let awaySince: number | undefined;
    poll = setInterval(() => {
      if (redis.status === 'ready') {
        awaySince = undefined;
        return;
      }
      awaySince ??= Date.now();
      if (Date.now() - awaySince >= AWAY_MS) resolve('lost Redis while closing');
    }, 100);
  });
  return {
    why,
    stop() {
      clearTimeout(timer);
      clearInterval(poll);
    },
  };
}

/** The partition count before it was kept in Redis, for prefixes written by an earlier runner. */
const LEGACY_PARTITIONS = 16;
const DEFAULT_PARTITIONS = 64;

/**
 * The prefix's partition count, kept in `<prefix>:partitions` by the first runner that opens it: every replica
 * must hash agents alike, and a count changed while messages wait would let an agent's next message overtake
 * one still queued under the old count. A configured count that differs is refused with what to do.
 */
export async function settlePartitions(writes: Redis, prefix: string, where: string, configured?: number) {
  const key = `${prefix}:partitions`;
  // A prefix with messages but no count was written before the count was kept: it used the old default.
  const written = (await writes.exists(`${prefix}:seq`)) === 1;
  await writes.set(key, String(configured ?? (written ? LEGACY_PARTITIONS : DEFAULT_PARTITIONS)), 'NX');
  const kept = Number(await writes.get(key));
  if (configured !== undefined && configured !== kept) {
    throw new Error(
      `the Redis outbox at ${where} (prefix "${prefix}") spreads agents over ${kept} partitions, not the ${configured} configured: ` +
        `set delivery.redis.partitions to ${kept}, or let the outbox empty, delete the key ${key} and start again with the new count`,
    );
  }
  return kept;
}
