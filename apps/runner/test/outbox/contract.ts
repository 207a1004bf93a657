// The outbox contract: every backend runs these same specs against a real store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryRecord, type Outbox, type OutboxOptions, partitionOf } from '../../src/outbox/index.js';
import { message, refused, scriptedSender, sleep, unauthorised, unavailable, waitUntil } from './helpers.js';

export interface Backend {
  /** Opens an outbox on this test's store; a second call in the same test reopens the same store. */
  open(options?: OutboxOptions): Promise<Outbox>;
}

/** Partitions the redis backend is opened with; agents below land in different ones (no shared lane). */
export const TEST_PARTITIONS = 8;
const agents = (() => {
  const picked: string[] = [];
  const used = new Set<number>();
  for (let i = 0; picked.length < 3; i++) {
    const p = partitionOf(`agent-${i}`, TEST_PARTITIONS);
    if (!used.has(p)) {
      used.add(p);
      picked.push(`agent-${i}`);
    }
  }
  return picked as [string, string, string];
})();
const [A, B, C] = agents;

const fast = { baseDelayMs: 30, maxDelayMs: 200, jitter: 0 };

type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
/** Every optional field of a record, each set by one of the records of the read-back spec. */
const covered = [
  'dedupeKey',
  'nextAttemptAt',
  'lastStatus',
  'lastError',
  'lastAnswer',
  'deliveredAt',
  'deadReason',
] as const satisfies readonly OptionalKeys<DeliveryRecord>[];
// A field added to DeliveryRecord and missing from `covered` makes this line fail to compile.
const everyFieldCovered: [Exclude<OptionalKeys<DeliveryRecord>, (typeof covered)[number]>] extends [never]
  ? true
  : never = true;
void everyFieldCovered;

export function outboxContract(name: string, makeBackend: () => Backend | Promise<Backend>) {
  describe(`${name} outbox contract`, () => {
    let backend: Backend;
    const opened: Outbox[] = [];
    const open = async (options?: OutboxOptions) => {
      const outbox = await backend.open(options);
      opened.push(outbox);
      return outbox;
    };
    const status = async (outbox: Outbox, id: string) => (await outbox.get(id))?.status;

    beforeEach(async () => {
      backend = await makeBackend();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((o) => o.close()));
    });

    it('enqueue returns the stored records in acceptance order, and they survive a reopen', async () => {
      const first = await open();
      const { stored, duplicates } = await first.enqueue([message(A, 'one'), message(B, 'two')]);
      expect(duplicates).toEqual([]);
      expect(stored.map((r) => [r.event, r.status, r.attempts])).toEqual([
        ['one', 'queued', 0],
        ['two', 'queued', 0],
      ]);
      expect(Number(stored[1]!.id)).toBeGreaterThan(Number(stored[0]!.id));
      await first.close();
      const again = await open();
      expect(await again.get(stored[0]!.id)).toEqual(stored[0]);
      expect(await again.get(stored[1]!.id)).toEqual(stored[1]);
    });

    it('stores a dedupeKey once within the window, and again after it', async () => {
      const outbox = await open({ dedupeWindowMs: 300 });
      const first = await outbox.enqueue([
        message(A, 'one', { dedupeKey: 'evt-1' }),
        message(A, 'one', { dedupeKey: 'evt-1' }),
      ]);
      expect(first.stored.map((r) => r.dedupeKey)).toEqual(['evt-1']);
      expect(first.duplicates).toEqual(['evt-1']);
      const retry = await outbox.enqueue([message(A, 'one', { dedupeKey: 'evt-1' })]);
      expect(retry).toEqual({ stored: [], duplicates: ['evt-1'] });
      await sleep(400);
      const later = await outbox.enqueue([message(A, 'one', { dedupeKey: 'evt-1' })]);
      expect(later.stored).toHaveLength(1);
    });

    it("remembers a key for the message's own dedupeWindowMs, beside keys kept for the outbox's window", async () => {
      const outbox = await open({ dedupeWindowMs: 60_000 });
      const identical = () => message(A, 'one', { dedupeKey: 'req-1', dedupeWindowMs: 300 });
      const first = await outbox.enqueue([identical(), message(A, 'two', { dedupeKey: 'evt-2' })]);
      expect(first.stored.map((r) => r.dedupeKey)).toEqual(['req-1', 'evt-2']);
      // The window is how the key is kept, not part of the record.
      expect(first.stored[0]).not.toHaveProperty('dedupeWindowMs');
      expect(await outbox.get(first.stored[0]!.id)).toEqual(first.stored[0]);
      const retry = await outbox.enqueue([identical(), message(A, 'two', { dedupeKey: 'evt-2' })]);
      expect(retry).toEqual({ stored: [], duplicates: ['req-1', 'evt-2'] });
      await sleep(400);
      const later = await outbox.enqueue([identical(), message(A, 'two', { dedupeKey: 'evt-2' })]);
      expect(later.stored.map((r) => r.dedupeKey)).toEqual(['req-1']);
      expect(later.duplicates).toEqual(['evt-2']);
    });

    it("delivers one agent's messages in acceptance order while an earlier one retries, without holding up other agents", async () => {
      const outbox = await open({ retry: { ...fast, baseDelayMs: 150 } });
      const sender = scriptedSender({ a1: [unavailable, unavailable] });
      await outbox.enqueue([message(A, 'a1'), message(A, 'a2'), message(B, 'b1'), message(A, 'a3')]);
      outbox.start(sender.deliver);
      await waitUntil(async () => (await outbox.stats()).delivered === 4, 8_000, 'four deliveries');
      const forA = sender.log.filter((l) => l.agentid === A).map((l) => `${l.event}#${l.attempts}`);
      expect(forA).toEqual(['a1#0', 'a1#1', 'a1#2', 'a2#0', 'a3#0']);
      const b1 = sender.log.findIndex((l) => l.event === 'b1');
      const a1Retry = sender.log.findIndex((l) => l.event === 'a1' && l.attempts === 1);
      expect(b1).toBeLessThan(a1Retry);
    });

    it('has at most one attempt in flight per agent, and several agents in flight at once', async () => {
      const outbox = await open({ concurrency: 4 });
      const sender = scriptedSender({}, 40);
      const batch = [A, B, C].flatMap((agent) => [1, 2, 3].map((n) => message(agent, `${agent}-${n}`)));
      await outbox.enqueue(batch);
      outbox.start(sender.deliver);
      await waitUntil(async () => (await outbox.stats()).delivered === 9, 8_000, 'nine deliveries');
      expect(sender.maxPerAgent).toBe(1);
      expect(sender.maxTotal).toBeGreaterThan(1);
      for (const agent of [A, B, C]) {
        expect(sender.log.filter((l) => l.agentid === agent).map((l) => l.event)).toEqual(
          [1, 2, 3].map((n) => `${agent}-${n}`),
        );
      }
    });

    it('counts every attempt: two failures then success is three attempts, reported to onAttempt', async () => {
      const seen: [string, number][] = [];
      const outbox = await open({
        retry: fast,
        hooks: { onAttempt: (r) => seen.push([r.status, r.attempts]) },
      });
      const sender = scriptedSender({ one: [unavailable, unavailable] });
      const { stored } = await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await waitUntil(async () => (await status(outbox, stored[0]!.id)) === 'delivered');
      const record = (await outbox.get(stored[0]!.id))!;
      expect(record).toMatchObject({
        status: 'delivered',
        attempts: 3,
        lastStatus: 200,
        lastAnswer: '{"success":true}',
      });
      expect(record.lastError).toBeUndefined();
      expect(seen).toEqual([
        ['retrying', 1],
        ['retrying', 2],
        ['delivered', 3],
      ]);
    });

    it('reads back, after a reopen, every field of a record as its last attempt left it', async () => {
      // Each backend writes a record's fields out one by one (its row or its JSON, and back): a field one of them
      // forgets reads back as absent. Together the three messages set every optional field (`covered`, at the
      // top of this file, is checked against the type, so a new field must be covered here before it compiles).
      const last = new Map<string, DeliveryRecord>();
      const hooks = { onAttempt: (r: DeliveryRecord) => last.set(r.id, r) };
      const outbox = await open({ retry: { ...fast, baseDelayMs: 60_000, maxDelayMs: 60_000 }, hooks });
      const sender = scriptedSender({ dead: [refused], later: [unavailable] });
      const { stored } = await outbox.enqueue([
        message(A, 'delivered', { dedupeKey: 'acme/calls/ev-1' }),
        message(B, 'dead'),
        message(C, 'later'),
      ]);
      outbox.start(sender.deliver);
      await waitUntil(() => last.size === 3, 8_000, 'an attempt each');
      await outbox.close();
      const again = await open();
      const read = await Promise.all(stored.map((r) => again.get(r.id)));
      expect(read).toEqual(stored.map((r) => last.get(r.id)));
      expect(read.map((r) => r?.status)).toEqual(['delivered', 'dead', 'retrying']);
      for (const field of covered)
        expect(
          read.some((r) => r?.[field] !== undefined),
          `${field} set on one of them`,
        ).toBe(true);
    });

    it('waits an exponentially growing delay between attempts', async () => {
      const outbox = await open({ retry: { baseDelayMs: 150, maxDelayMs: 1_000, jitter: 0 } });
      const sender = scriptedSender({ one: [unavailable, unavailable] });
      await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await waitUntil(() => sender.log.length === 3, 8_000, 'three attempts');
      const [t0, t1, t2] = sender.log.map((l) => l.at) as [number, number, number];
      expect(t1 - t0).toBeGreaterThanOrEqual(145);
      expect(t1 - t0).toBeLessThan(150 + 600);
      expect(t2 - t1).toBeGreaterThanOrEqual(295);
      expect(t2 - t1).toBeLessThan(300 + 600);
    });

    it('waits out a delay of several seconds in full, though a backend may wake up meanwhile to look', async () => {
      const outbox = await open({ retry: { baseDelayMs: 2_300, maxDelayMs: 2_300, jitter: 0 } });
      const sender = scriptedSender({ one: [unavailable] });
      await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await waitUntil(() => sender.log.length === 2, 8_000, 'the second attempt');
      expect(sender.log[1]!.at - sender.log[0]!.at).toBeGreaterThanOrEqual(2_295);
    });

    it("honours the answer's retryAfterMs when it is longer than the backoff", async () => {
      const outbox = await open({ retry: fast });
      const sender = scriptedSender({ one: [{ ...unavailable, status: 429, retryAfterMs: 400 }] });
      await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await waitUntil(() => sender.log.length === 2, 8_000, 'the second attempt');
      expect(sender.log[1]!.at - sender.log[0]!.at).toBeGreaterThanOrEqual(395);
    });

    it('moves a message to the dead letters after maxAttempts, with the reason', async () => {
      const dead: DeliveryRecord[] = [];
      const outbox = await open({
        retry: { ...fast, maxAttempts: 3 },
        hooks: { onDead: (r) => dead.push(r) },
      });
      const sender = scriptedSender({ one: [unavailable, unavailable, unavailable, unavailable] });
      const { stored } = await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await waitUntil(async () => (await status(outbox, stored[0]!.id)) === 'dead');
      expect(await outbox.get(stored[0]!.id)).toMatchObject({
        attempts: 3,
        lastStatus: 503,
        lastError: 'OpenConnect answered 503',
        deadReason: 'gave up after 3 attempts: OpenConnect answered 503',
      });
      expect(dead.map((r) => r.id)).toEqual([stored[0]!.id]);
      await sleep(150);
      expect(sender.log).toHaveLength(3);
    });

    it('moves a message older than maxAgeMs to the dead letters instead of retrying it', async () => {
      // The first attempt comes well within the max age even on a loaded machine; the retry, 1.5 s later, past it.
      const outbox = await open({
        retry: { ...fast, baseDelayMs: 1_500, maxDelayMs: 1_500, maxAgeMs: 1_000 },
      });
      const sender = scriptedSender({ one: [unavailable, unavailable, unavailable] });
      const { stored } = await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await waitUntil(async () => (await status(outbox, stored[0]!.id)) === 'dead');
      const record = (await outbox.get(stored[0]!.id))!;
      expect(record.attempts).toBe(2);
      expect(record.deadReason).toMatch(/^gave up after \d+ s \(max age\): OpenConnect answered 503$/);
    });

    it('moves a permanently refused message to the dead letters at once, and the agent moves on', async () => {
      const outbox = await open({ retry: fast });
      const sender = scriptedSender({ one: [refused] });
      const { stored } = await outbox.enqueue([message(A, 'one'), message(A, 'two')]);
      outbox.start(sender.deliver);
      await waitUntil(async () => (await status(outbox, stored[1]!.id)) === 'delivered');
      expect(await outbox.get(stored[0]!.id)).toMatchObject({
        status: 'dead',
        attempts: 1,
        lastStatus: 400,
        deadReason: 'refused permanently: OpenConnect answered 400: agentid is required',
      });
      expect(sender.delivered()).toEqual(['one', 'two']);
    });

    it('pauses on a 401 without counting the attempt, probes after pauseProbeMs and resumes', async () => {
      const changes: [boolean, string | undefined][] = [];
      const outbox = await open({
        retry: fast,
        pauseProbeMs: 300,
        hooks: { onPauseChange: (paused, reason) => changes.push([paused, reason]) },
      });
      const sender = scriptedSender({ one: [unauthorised] });
      const { stored } = await outbox.enqueue([message(A, 'one'), message(B, 'two')]);
      outbox.start(sender.deliver);
      await waitUntil(() => outbox.pausedReason(), 8_000, 'the pause');
      expect(outbox.pausedReason()).toBe('the API key was rejected (401)');
      expect(await outbox.get(stored[0]!.id)).toMatchObject({
        status: 'queued',
        attempts: 0,
        lastStatus: 401,
      });
      await waitUntil(
        async () => (await outbox.stats()).delivered === 2,
        8_000,
        'both delivered after the probe',
      );
      // Redis records the probe's delivery a moment before it lifts the shared pause: wait for both.
      await waitUntil(() => outbox.pausedReason() === undefined, 2_000, 'the pause lifted');
      expect(await outbox.get(stored[0]!.id)).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(changes).toEqual([
        [true, 'the API key was rejected (401)'],
        [false, undefined],
      ]);
    });

    it('stays paused, attempts uncounted, while every probe gets 401', async () => {
      const outbox = await open({ retry: fast, pauseProbeMs: 150 });
      const sender = scriptedSender({ one: Array.from({ length: 20 }, () => unauthorised) });
      const { stored } = await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await waitUntil(() => sender.log.length >= 3, 8_000, 'two probes');
      expect(outbox.pausedReason()).toBe('the API key was rejected (401)');
      expect(await outbox.get(stored[0]!.id)).toMatchObject({ status: 'queued', attempts: 0 });
    });

    it('resume() restarts delivery at once, without waiting for the probe', async () => {
      const outbox = await open({ retry: fast, pauseProbeMs: 60_000 });
      const sender = scriptedSender({ one: [unauthorised] });
      const { stored } = await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await waitUntil(() => outbox.pausedReason(), 8_000, 'the pause');
      outbox.resume();
      await waitUntil(
        async () => (await status(outbox, stored[0]!.id)) === 'delivered',
        3_000,
        'delivery after resume',
      );
      expect(outbox.pausedReason()).toBeUndefined();
    });

    it('pause() by an operator holds delivery until resume()', async () => {
      const outbox = await open({ retry: fast, pauseProbeMs: 100 });
      const sender = scriptedSender();
      outbox.pause('maintenance');
      await waitUntil(() => outbox.pausedReason() === 'maintenance', 3_000, 'the pause');
      await outbox.enqueue([message(A, 'one')]);
      outbox.start(sender.deliver);
      await sleep(400);
      expect(sender.log).toHaveLength(0);
      outbox.resume();
      await waitUntil(() => sender.log.length === 1, 3_000, 'delivery after resume');
    });

    it('replays a dead letter with its attempts reset, and it is delivered', async () => {
      const outbox = await open({ retry: fast });
      const sender = scriptedSender({ one: [refused] });
      const { stored } = await outbox.enqueue([message(A, 'one')]);
      const id = stored[0]!.id;
      outbox.start(sender.deliver);
      await waitUntil(async () => (await status(outbox, id)) === 'dead');
      expect(await outbox.replay([id, '999999999'])).toBe(1);
      await waitUntil(async () => (await status(outbox, id)) === 'delivered');
      expect(await outbox.get(id)).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(await outbox.get(id).then((r) => r?.deadReason)).toBeUndefined();
      expect(await outbox.replay([id])).toBe(0);
    });

    it('lists newest first, filtered by status, connector and agent, up to the limit', async () => {
      const outbox = await open();
      const { stored } = await outbox.enqueue([
        message(A, 'one'),
        message(B, 'two', { connector: 'other' }),
        message(A, 'three'),
        message(B, 'four'),
      ]);
      const events = (records: DeliveryRecord[]) => records.map((r) => r.event);
      expect(events(await outbox.list())).toEqual(['four', 'three', 'two', 'one']);
      expect(events(await outbox.list({ agentid: A }))).toEqual(['three', 'one']);
      expect(events(await outbox.list({ connector: 'other' }))).toEqual(['two']);
      expect(events(await outbox.list({ connector: 'acme', agentid: B }))).toEqual(['four']);
      expect(events(await outbox.list({ limit: 2 }))).toEqual(['four', 'three']);
      expect(events(await outbox.list({ status: 'queued', limit: 3 }))).toEqual(['four', 'three', 'two']);
      expect(await outbox.list({ status: 'dead' })).toEqual([]);
      expect(stored).toHaveLength(4);
    });

    it('counts messages by status', async () => {
      const outbox = await open({ retry: { ...fast, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
      const sender = scriptedSender({ dies: [refused], waits: [unavailable] });
      await outbox.enqueue([message(A, 'dies'), message(B, 'waits'), message(C, 'goes')]);
      expect(await outbox.stats()).toEqual({ queued: 3, retrying: 0, delivered: 0, dead: 0 });
      outbox.start(sender.deliver);
      await waitUntil(() => sender.log.length === 3, 8_000, 'three attempts');
      await waitUntil(async () => (await outbox.stats()).retrying === 1);
      await waitUntil(async () => (await outbox.stats()).dead === 1);
      expect(await outbox.stats()).toEqual({ queued: 0, retrying: 1, delivered: 1, dead: 1 });
    });

    it('keeps connector state until its TTL runs out', async () => {
      const outbox = await open();
      await outbox.state.set('call:1', { agent: A, legs: 2 }, 150);
      await outbox.state.set('call:2', 'kept');
      expect(await outbox.state.get('call:1')).toEqual({ agent: A, legs: 2 });
      await sleep(250);
      expect(await outbox.state.get('call:1')).toBeUndefined();
      expect(await outbox.state.get('call:2')).toBe('kept');
      await outbox.state.delete('call:2');
      expect(await outbox.state.get('call:2')).toBeUndefined();
    });

    it('claims a state key once with setIfAbsent, and again once it expired', async () => {
      const outbox = await open();
      expect(await outbox.state.setIfAbsent!('claim:evt-1', 'first', 150)).toBe(true);
      expect(await outbox.state.setIfAbsent!('claim:evt-1', 'second', 150)).toBe(false);
      expect(await outbox.state.get('claim:evt-1')).toBe('first');
      const racing = await Promise.all([1, 2, 3, 4].map((n) => outbox.state.setIfAbsent!('claim:evt-2', n)));
      expect(racing.filter(Boolean)).toHaveLength(1);
      await sleep(250);
      expect(await outbox.state.setIfAbsent!('claim:evt-1', 'third')).toBe(true);
      expect(await outbox.state.get('claim:evt-1')).toBe('third');
    });

    it('close() waits for the attempt in flight and records its outcome', async () => {
      const first = await open();
      const sender = scriptedSender({}, 300);
      const { stored } = await first.enqueue([message(A, 'slow')]);
      first.start(sender.deliver);
      await waitUntil(() => sender.log.length === 1, 8_000, 'the attempt to start');
      await first.close();
      expect(sender.log).toHaveLength(1);
      const again = await open();
      expect(await again.get(stored[0]!.id)).toMatchObject({ status: 'delivered', attempts: 1 });
      await expect(first.enqueue([message(A, 'late')])).rejects.toThrow('the outbox is closed');
    });

    it('close() called as a failed attempt sets its long retry delay ends within seconds, not after the delay', async () => {
      // A runner told to stop (SIGTERM) while a message waits to be retried must not wait out the backoff: the
      // orchestrator kills it after its grace period. close() starts from the attempt hook, the moment the retry
      // is being scheduled, when a backend could begin its wait after close() looked.
      let closing: Promise<void> | undefined;
      let closedAt = 0;
      const outbox = await open({
        retry: { ...fast, baseDelayMs: 60_000, maxDelayMs: 60_000 },
        hooks: {
          onAttempt: () => {
            closing ??= outbox.close().then(() => {
              closedAt = Date.now();
            });
          },
        },
      });
      const sender = scriptedSender({ later: [unavailable] });
      await outbox.enqueue([message(A, 'later')]);
      outbox.start(sender.deliver);
      await waitUntil(() => closing !== undefined, 8_000, 'the attempt');
      const calledAt = Date.now();
      await closing;
      expect(closedAt - calledAt).toBeLessThan(5_000);
    });

    it('keeps delivering when a hook throws', async () => {
      const outbox = await open({
        hooks: {
          onAttempt: () => {
            throw new Error('metrics bug');
          },
        },
      });
      const sender = scriptedSender();
      await outbox.enqueue([message(A, 'one'), message(A, 'two')]);
      outbox.start(sender.deliver);
      await waitUntil(async () => (await outbox.stats()).delivered === 2, 5_000, 'both delivered');
      expect(sender.delivered()).toEqual(['one', 'two']);
    });

    it('answers ping() while open', async () => {
      const outbox = await open();
      expect(await outbox.ping()).toBe(true);
    });

    it('prunes delivered messages beyond the retention, keeping dead letters', async () => {
      const outbox = await open({ retry: fast, retainDelivered: { maxRows: 2 } });
      const sender = scriptedSender({ d: [refused] });
      await outbox.enqueue(['a', 'b', 'c', 'd', 'e'].map((e) => message(A, e)));
      outbox.start(sender.deliver);
      await waitUntil(async () => (await outbox.stats()).delivered === 4);
      const pruned = await outbox.prune!();
      expect(pruned.delivered).toBe(2);
      expect(await outbox.stats()).toEqual({ queued: 0, retrying: 0, delivered: 2, dead: 1 });
      expect((await outbox.list()).map((r) => `${r.event}:${r.status}`)).toEqual([
        'e:delivered',
        'd:dead',
        'c:delivered',
      ]);
    });
  });
}
