// The Redis backend: the shared contract on the real Redis at 127.0.0.1:6379, each test under its own prefix.
// That Redis keeps nothing on disk (CI starts it so), so every outbox here accepts the risk it would refuse
// (redis-persistence.test.ts proves the refusal on servers of its own).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../src/outbox/index.js';
import { partitionOf } from '../../src/outbox/policy.js';
import { coalesceWrites } from '../../src/outbox/redis-writes.js';
import { outboxContract, TEST_PARTITIONS } from './contract.js';
import { duplicates, missing, outOfOrder, spawnProducer, startTarget } from './crash.js';
import { message, scriptedSender, unauthorised, waitUntil } from './helpers.js';

const REDIS_URL = 'redis://127.0.0.1:6379/0';
const run = `oct-${randomUUID().slice(0, 8)}`;
const admin = new Redis(REDIS_URL);
/** How many runners are listed on the prefix (each heartbeat renews its entry). */
const replicas = (prefix: string) => admin.zcard(`${prefix}:replicas`);
/** Waits until `count` runners are listed; `settleMs` more lets each one's next heartbeat split the partitions. */
async function listed(prefix: string, count: number, settleMs = 0) {
  await waitUntil(async () => (await replicas(prefix)) === count, 5_000, `${count} runner(s) to be listed`);
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
}

/** Deletes every key this test run wrote. */
async function dropPrefix(redis: Redis, prefix: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

afterAll(async () => {
  await dropPrefix(admin, run);
  await admin.quit();
});
let n = 0;

outboxContract('redis', () => {
  const prefix = `${run}-${++n}`;
  return {
    open: (options) =>
      createOutbox(`${REDIS_URL}?prefix=${prefix}`, {
        ...options,
        redis: {
          acceptDataLoss: true,
          partitions: TEST_PARTITIONS,
          pausePollMs: 50,
          lockDurationMs: 5_000,
          stalledIntervalMs: 2_000,
        },
      }),
  };
});

describe('redis outbox connection', () => {
  it('refuses to open when Redis does not answer, naming the host', async () => {
    await expect(createOutbox('redis://127.0.0.1:1/0')).rejects.toThrow(
      'the Redis outbox at 127.0.0.1:1 does not answer',
    );
  });
});

describe('redis outbox shared by two runners', () => {
  it('shares the 401 pause: one runner pausing pauses the other, and resume() on either resumes both', async () => {
    const url = `${REDIS_URL}?prefix=${run}-shared`;
    const options = { pauseProbeMs: 60_000, redis: { partitions: 4, pausePollMs: 50, acceptDataLoss: true } };
    const changes: boolean[] = [];
    const a = await createOutbox(url, options);
    const b = await createOutbox(url, {
      ...options,
      hooks: { onPauseChange: (paused) => changes.push(paused) },
    });
    try {
      const sender = scriptedSender({ one: [unauthorised] });
      a.start(sender.deliver);
      const { stored } = await a.enqueue([message('agent-1', 'one')]);
      await waitUntil(
        () => b.pausedReason() === 'the API key was rejected (401)',
        5_000,
        'the other runner to pause',
      );
      b.resume();
      await waitUntil(() => a.pausedReason() === undefined, 5_000, 'the first runner to resume');
      await waitUntil(async () => (await b.get(stored[0]!.id))?.status === 'delivered', 5_000, 'delivery');
      expect(changes).toEqual([true, false]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('delivers every accepted message when one of two runners is killed with SIGKILL mid-load', async () => {
    const url = `${REDIS_URL}?prefix=${run}-crash`;
    const target = await startTarget(5);
    const a = spawnProducer([url, target.url, 'a', '300', '6']);
    const b = spawnProducer([url, target.url, 'b', '300', '6']);
    try {
      await waitUntil(() => target.arrivals.length >= 60, 20_000, 'deliveries to start');
      a.process.kill('SIGKILL');
      await a.exited;
      await b.waitFor('enqueued');
      const accepted = [...a.accepted, ...b.accepted];
      expect(a.lines).not.toContain('enqueued'); // killed mid-load
      // The killed runner's job in flight comes back once its lock expires (1.5 s + 0.5 s in the child).
      await waitUntil(
        () => missing(accepted, target.arrivals).length === 0,
        25_000,
        'every accepted message',
      );
      expect(duplicates(target.arrivals)).toBeLessThanOrEqual(4); // at most one in flight per partition
      // Each runner enqueued in sequence, so per runner and agent its messages arrive in its order.
      expect(outOfOrder(a.accepted, target.arrivals)).toEqual([]);
      expect(outOfOrder(b.accepted, target.arrivals)).toEqual([]);
    } finally {
      a.process.kill('SIGKILL');
      b.process.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      await target.close();
    }
  }, 45_000);
});

describe('redis outbox replicas add capacity', () => {
  // Eight agents that hash to eight different partitions of eight: every partition has work.
  const agents = (() => {
    const found = new Map<number, string>();
    for (let i = 0; found.size < 8; i++) {
      const agent = `agent-${i}`;
      const p = partitionOf(agent, 8);
      if (!found.has(p)) found.set(p, agent);
    }
    return [...found.values()];
  })();
  const batch = agents.flatMap((agent) => [1, 2, 3, 4].map((n) => message(agent, `${agent}#${n}`)));
  const options = {
    concurrency: 2,
    redis: { partitions: 8, heartbeatMs: 100, pausePollMs: 50, acceptDataLoss: true },
  };
  const inOrder = (log: { agentid: string; event: string }[]) => {
    for (const agent of agents) {
      expect(log.filter((l) => l.agentid === agent).map((l) => l.event)).toEqual(
        [1, 2, 3, 4].map((n) => `${agent}#${n}`),
      );
    }
  };

  it('one runner keeps its own concurrency in flight, however many partitions have work', async () => {
    const sender = scriptedSender({}, 60);
    const a = await createOutbox(`${REDIS_URL}?prefix=${run}-alone`, options);
    try {
      a.start(sender.deliver);
      await a.enqueue(batch);
      await waitUntil(async () => (await a.stats()).delivered === batch.length, 10_000, 'the deliveries');
      expect(sender.maxTotal).toBe(2);
      inOrder(sender.log);
    } finally {
      await a.close();
    }
  });

  it('two runners on one prefix split the partitions: twice the messages in flight, each agent still in order', async () => {
    const prefix = `${run}-pair`;
    const sender = scriptedSender({}, 60);
    const a = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, options);
    const b = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, options);
    try {
      a.start(sender.deliver);
      b.start(sender.deliver);
      await listed(prefix, 2, 300);
      await a.enqueue(batch);
      await waitUntil(async () => (await a.stats()).delivered === batch.length, 10_000, 'the deliveries');
      expect(sender.maxTotal).toBe(4);
      expect(sender.maxPerAgent).toBe(1);
      inOrder(sender.log);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a runner that stops hands its partitions to the one left, which delivers what it would have', async () => {
    const prefix = `${run}-handover`;
    const sender = scriptedSender();
    const a = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, options);
    const b = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, options);
    a.start(sender.deliver);
    b.start(sender.deliver);
    try {
      await listed(prefix, 2, 150);
      await b.close();
      expect(await replicas(prefix)).toBe(1); // it left at once, not after its entry expired
      await a.enqueue(batch);
      await waitUntil(
        async () => (await a.stats()).delivered === batch.length,
        5_000,
        'every partition delivered',
      );
      inOrder(sender.log);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('redis outbox partition count', () => {
  it('is kept by the first runner on a prefix (64 by default), and a runner configured otherwise is refused', async () => {
    const prefix = `${run}-count`;
    const first = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, { redis: { acceptDataLoss: true } });
    await first.close();
    expect(await admin.get(`${prefix}:partitions`)).toBe('64');
    await expect(
      createOutbox(`${REDIS_URL}?prefix=${prefix}`, { redis: { acceptDataLoss: true, partitions: 16 } }),
    ).rejects.toThrow(
      `(prefix "${prefix}") spreads agents over 64 partitions, not the 16 configured: set delivery.redis.partitions to 64, or let the outbox empty, delete the key ${prefix}:partitions and start again with the new count`,
    );
    const same = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, {
      redis: { acceptDataLoss: true, partitions: 64 },
    });
    await same.close();
  });

  it('is 16 on a prefix an earlier runner wrote messages under (the default then)', async () => {
    const prefix = `${run}-legacy`;
    await admin.set(`${prefix}:seq`, '41');
    const outbox = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, { redis: { acceptDataLoss: true } });
    await outbox.close();
    expect(await admin.get(`${prefix}:partitions`)).toBe('16');
  });
});

describe('redis outbox handoff bookkeeping', () => {
  it('takes the records of every enqueue of one turn out of the handoff set, and shortens their undo to a minute', async () => {
    const prefix = `${run}-handoff`;
    const outbox = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, {
      redis: { acceptDataLoss: true, partitions: TEST_PARTITIONS },
    });
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          outbox.enqueue([message(`agent-${i}`, `Event ${i}`), message(`agent-${i}`, `Event ${i + 10}`)]),
        ),
      );
      expect(results.flatMap((r) => r.stored)).toHaveLength(10);
      await waitUntil(async () => (await admin.zcard(`${prefix}:handoff`)) === 0);
      const undo = await admin.keys(`${prefix}:ho:*`);
      expect(undo).toHaveLength(5);
      for (const key of undo) {
        const ttl = await admin.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
    } finally {
      await outbox.close();
    }
  });
});

describe('redis connections write once per turn', () => {
  /** Counts the system calls that write to the client's socket (the stream handle's write methods). */
  const countWrites = (client: Redis) => {
    const handle = (client.stream as unknown as { _handle: Record<string, (...args: unknown[]) => unknown> })
      ._handle;
    let calls = 0;
    for (const name of [
      'writev',
      'writeBuffer',
      'writeUtf8String',
      'writeLatin1String',
      'writeAsciiString',
    ]) {
      const original = handle[name]!;
      handle[name] = (...args: unknown[]) => {
        calls++;
        return original.apply(handle, args);
      };
    }
    return () => calls;
  };
  const fiftyCommands = (client: Redis, key: string) =>
    Promise.all(Array.from({ length: 50 }, (_, i) => client.set(`${key}:${i}`, String(i), 'PX', 60_000)));

  it('sends every command of one turn in one write, also after a reconnect, and each gets its own answer', async () => {
    const plain = new Redis(REDIS_URL);
    const coalesced = new Redis(REDIS_URL, { lazyConnect: true });
    coalesceWrites(coalesced);
    await coalesced.connect();
    try {
      await plain.ping();
      const plainWrites = countWrites(plain);
      await fiftyCommands(plain, `${run}-plain`);
      expect(plainWrites()).toBeGreaterThan(10); // the control: without it, a write per command

      let writes = countWrites(coalesced);
      expect(await fiftyCommands(coalesced, `${run}-coalesced`)).toEqual(Array(50).fill('OK'));
      expect(writes()).toBe(1);

      const reconnected = new Promise((resolve) => coalesced.once('ready', resolve));
      coalesced.disconnect(true);
      await reconnected;
      writes = countWrites(coalesced);
      await fiftyCommands(coalesced, `${run}-again`);
      expect(writes()).toBe(1);
      expect(await coalesced.get(`${run}-again:49`)).toBe('49');
    } finally {
      plain.disconnect();
      coalesced.disconnect();
    }
  });
});

describe('redis outbox first attempts', () => {
  const options = {
    redis: { partitions: 4, heartbeatMs: 100, pausePollMs: 50, acceptDataLoss: true },
  };
  /** The record keys read with GET on this prefix, as Redis saw the commands (MONITOR). */
  const watchRecordReads = async (prefix: string) => {
    const monitor = await admin.monitor();
    const reads: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'get' && args[1]?.startsWith(`${prefix}:rec:`)) reads.push(args[1]);
    });
    return { reads, stop: () => monitor.disconnect() };
  };
  /** Holds deliveries (the shared pause) until `resume()`: what is enqueued meanwhile waits for its attempt. */
  const hold = async (outbox: Awaited<ReturnType<typeof createOutbox>>) => {
    outbox.pause('held by the test');
    await waitUntil(() => outbox.pausedReason() === 'held by the test', 5_000, 'the pause');
  };

  it('reads no record back for a message it stored itself, and reads one another runner stored', async () => {
    const prefix = `${run}-fresh`;
    const sender = scriptedSender();
    const a = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, options);
    const other = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, options); // never started: stores only
    const watch = await watchRecordReads(prefix);
    try {
      a.start(sender.deliver);
      await listed(prefix, 1, 150);
      // Waited for through the counts (ZCARD), not get(): the test's own reads would be GETs.
      const delivered = (count: number) => async () => (await a.stats()).delivered === count;
      // Held until the enqueue has resolved: an attempt that comes sooner reads Redis (it may have been cancelled).
      await hold(a);
      await a.enqueue([message('agent-1', 'mine')]);
      a.resume();
      await waitUntil(delivered(1), 5_000, 'its delivery');
      const theirs = (await other.enqueue([message('agent-2', 'theirs')])).stored[0]!;
      await waitUntil(delivered(2), 5_000, 'the other');
      await new Promise((r) => setTimeout(r, 50)); // MONITOR's lines come after the replies
      expect(watch.reads).toEqual([`${prefix}:rec:${theirs.id}`]);
      expect(sender.delivered()).toEqual(['mine', 'theirs']);
    } finally {
      watch.stop();
      await Promise.all([a.close(), other.close()]);
    }
  });

  it('forgets what it stored when its partitions move: another runner may have attempted it meanwhile', async () => {
    const prefix = `${run}-moved`;
    const sender = scriptedSender();
    const a = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, options);
    const b = await createOutbox(`${REDIS_URL}?prefix=${prefix}`, options);
    try {
      a.start(sender.deliver);
      await listed(prefix, 1, 150);
      await hold(a);
      const record = (await a.enqueue([message('agent-1', 'moved')])).stored[0]!;
      // What another runner's failed attempt leaves (the save script's writes), while this one is held.
      const attempted = {
        ...JSON.parse((await admin.get(`${prefix}:rec:${record.id}`))!),
        status: 'retrying',
        attempts: 1,
      };
      await admin.set(`${prefix}:rec:${record.id}`, JSON.stringify(attempted));
      await admin.zrem(`${prefix}:st:queued`, record.id);
      await admin.zadd(`${prefix}:st:retrying`, record.id, record.id);
      b.start(sender.deliver); // joins, then leaves: the partitions move twice
      await listed(prefix, 2, 150);
      await b.close();
      await listed(prefix, 1, 150);
      a.resume();
      await waitUntil(async () => (await a.get(record.id))?.status === 'delivered', 5_000, 'the delivery');
      expect(sender.log.map((l) => l.attempts)).toEqual([1]);
      expect((await a.get(record.id))?.attempts).toBe(2);
      expect(await admin.zcard(`${prefix}:st:retrying`)).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
