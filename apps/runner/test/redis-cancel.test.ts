// Issue 15, item 1, the parts a SIGSTOP run does not reach on its own: an enqueue its caller gave up on is
// undone even when Redis ran it in time (its answer came too late), one that reaches Redis after its
// deadline or after its cancel stores nothing, and a record another request's 2xx rests on is kept.
import { randomUUID } from 'node:crypto';
import type { PreparedMessage } from '@openconnect/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../src/outbox/index.js';
import { createRecords } from '../src/outbox/redis-records.js';
import { NotStored } from '../src/outbox/redis-writes.js';
import { scriptedSender, waitUntil } from './outbox/helpers.js';
import { PERSISTENT, startRedisServer } from './helpers/redis-server.js';

const SHARED = 'redis://127.0.0.1:6379/0';
const run = `cancel-${randomUUID().slice(0, 8)}`;
const shared = new Redis(SHARED);

afterAll(async () => {
  const keys = await shared.keys(`${run}*`);
  if (keys.length) await shared.del(...keys);
  await shared.quit();
});

const message = (event: string, dedupeKey?: string): PreparedMessage => ({
  connector: 'acme',
  source: 'calls',
  agentid: 'agent-1',
  event,
  lifecycle: 'offered',
  props: { lifecycle: 'offered' },
  ...(dedupeKey ? { dedupeKey } : {}),
});

describe('the enqueue script and its cancel (shared Redis, own prefix)', () => {
  let n = 0;
  const fresh = () => {
    const prefix = `${run}-${++n}`;
    return { prefix, records: createRecords(shared, prefix) };
  };
  const now = Date.now();

  it('stores nothing when it runs after its deadline', async () => {
    const { prefix, records } = fresh();
    const result = await records.insert([message('one', 'k1')], now, 60_000, { token: 't1', deadline: 1 });
    expect(result).toEqual({ stored: [], duplicates: [], late: true });
    expect(await shared.keys(`${prefix}:*`)).toEqual([]);
  });

  it('undoes an enqueue that was cancelled after it ran: records, indexes, handoff and dedupe key', async () => {
    const { prefix, records } = fresh();
    const first = await records.insert([message('one', 'k1'), message('two')], now, 60_000, {
      token: 't1',
      deadline: 0,
    });
    expect(first.stored).toHaveLength(2);
    expect(await records.cancel(['t1'])).toBe(2);
    expect(await records.counts()).toEqual({ queued: 0, retrying: 0, delivered: 0, dead: 0 });
    expect(await shared.zcard(`${prefix}:handoff`)).toBe(0);
    // The vendor's retry of the refused event is stored, not taken for a duplicate.
    const retry = await records.insert([message('one', 'k1')], now, 60_000, { token: 't2', deadline: 0 });
    expect(retry.stored.map((r) => r.dedupeKey)).toEqual(['k1']);
  });

  it('stores nothing when its cancel got there first', async () => {
    const { prefix, records } = fresh();
    expect(await records.cancel(['t1'])).toBe(0);
    const late = await records.insert([message('one', 'k1')], now, 60_000, { token: 't1', deadline: 0 });
    expect(late.late).toBe(true);
    expect(await shared.exists(`${prefix}:rec:1`)).toBe(0);
  });

  it('keeps a cancelled record when another request was answered as its duplicate (that 2xx rests on it)', async () => {
    const { records } = fresh();
    const first = await records.insert([message('one', 'k1')], now, 60_000, { token: 't1', deadline: 0 });
    const again = await records.insert([message('one', 'k1')], now, 60_000, { token: 't2', deadline: 0 });
    expect(again.duplicates).toEqual(['k1']);
    expect(await records.cancel(['t1'])).toBe(0);
    expect((await records.get(first.stored[0]!.id))?.status).toBe('queued');
  });

  it('undoes a record whose duplicate came in the same cancelled request', async () => {
    const { records } = fresh();
    const both = await records.insert([message('one', 'k1'), message('one', 'k1')], now, 60_000, {
      token: 't1',
      deadline: 0,
    });
    expect(both.duplicates).toEqual(['k1']);
    expect(await records.cancel(['t1'])).toBe(1);
  });
});

describe('an enqueue whose caller gives up while Redis hangs (own redis-server, SIGSTOP)', () => {
  it('is undone once Redis runs it, though it ran before its deadline', async () => {
    const server = await startRedisServer(PERSISTENT);
    const outbox = await createOutbox(`${server.url}?prefix=gave-up`, { redis: { writeTimeoutMs: 5_000 } });
    try {
      server.pause();
      const gaveUp = new AbortController();
      // A deadline far ahead: Redis runs the script in time, after its caller stopped waiting.
      const work = outbox.enqueue([message('one', 'k1')], {
        deadlineAt: Date.now() + 60_000,
        signal: gaveUp.signal,
      });
      await new Promise((r) => setTimeout(r, 200));
      gaveUp.abort();
      server.resume();
      await expect(work).rejects.toBeInstanceOf(NotStored);
      const client = server.client();
      expect(await client.zcard('gave-up:all')).toBe(0);
      expect(await client.exists('gave-up:dd:k1')).toBe(0);
      expect(await outbox.stats()).toEqual({ queued: 0, retrying: 0, delivered: 0, dead: 0 });
    } finally {
      server.resume();
      await outbox.close();
      await server.stop();
    }
  });

  it('is never delivered, though its job was added after the cancel ran', async () => {
    const server = await startRedisServer(PERSISTENT);
    const outbox = await createOutbox(`${server.url}?prefix=gave-up`, {
      redis: { writeTimeoutMs: 5_000, partitions: 2, heartbeatMs: 100 },
    });
    const sender = scriptedSender();
    try {
      outbox.start(sender.deliver);
      const client = server.client();
      await waitUntil(async () => (await client.zcard('gave-up:replicas')) === 1, 5_000, 'the partitions');
      await new Promise((r) => setTimeout(r, 150)); // the heartbeat's answer has set them
      server.pause();
      const gaveUp = new AbortController();
      const work = outbox.enqueue([message('one')], {
        deadlineAt: Date.now() + 60_000,
        signal: gaveUp.signal,
      });
      await new Promise((r) => setTimeout(r, 200));
      gaveUp.abort();
      server.resume();
      await expect(work).rejects.toBeInstanceOf(NotStored);
      // Its job was added (after the records were stored), ran, and found nothing to deliver.
      const jobs = () => client.keys('gave-up:bull:p*:m[0-9]*');
      await waitUntil(async () => (await jobs()).length === 0, 5_000, 'the job to run');
      const added = await Promise.all(
        ['p0', 'p1'].map((p) => client.xrange(`gave-up:bull:${p}:events`, '-', '+')),
      );
      expect(added.flat().filter(([, fields]) => fields[1] === 'added')).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(sender.log).toEqual([]);
    } finally {
      server.resume();
      await outbox.close();
      await server.stop();
    }
  });
});
