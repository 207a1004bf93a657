// The catch-up after a reconnect: which conversations count as in progress (and are remembered in the
// state store, how often it is written), where each is read over REST, and what the catch-up does with
// each answer of the emulated org (a snapshot, 404, 403, 429, 503).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMemoryStateStore, type StateStore } from '@openconnect/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CatchUpContext,
  catchUp,
  conversationOver,
  conversationPath,
  createTracker,
} from '../src/cloud-notifications/catch-up.js';
import type { CallConversation } from '../src/cloud-events.js';
import { type GenesysCloudEmulator, startGenesysCloudEmulator } from '../src/emulators/index.js';
import { CONVERSATION, JANE, QUEUE_ID, restOn } from './cloud-notifications-harness.js';

type Frame = { topicName: string; eventBody: CallConversation & Record<string, unknown> };
const steps = (file: string): Frame[] =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/cloud-notifications', file), 'utf8'),
  ).steps.map((step: { frame: Frame }) => step.frame);
// Alerting, connected (the acd leg disconnected), ..., disconnected, terminated: the queue topic's shape.
const lifecycle = steps('queue-call-lifecycle.json');
const [alerting, connected] = [lifecycle[0]!, lifecycle[1]!];
const terminated = lifecycle[6]!;
// The same call on Jane's user topic: the state on the participant.
const userAlerting = steps('user-and-queue-topic-once.json')[0]!;

const KEY = 'cloud-notifications:in-progress';
const TTL = 4 * 3_600_000;
const QUEUE_TOPIC = `v2.routing.queues.${QUEUE_ID}.conversations`;
const OTHER = '6b2f3c4d-5e6f-4a70-8b8c-9d0e1f2a3b4c';
const withId = (frame: Frame, id: string): Frame => ({ ...frame, eventBody: { ...frame.eventBody, id } });
const guid = (i: number) => `${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-000000000000`;

/** The memory store, counting what the tracker writes. */
function recordingStore(now: () => number) {
  const inner = createMemoryStateStore(now);
  const writes: unknown[] = [];
  const store: StateStore = {
    get: (key) => inner.get(key),
    delete: (key) => inner.delete(key),
    async set(key, value, ttlMs) {
      writes.push(value);
      await inner.set(key, value, ttlMs);
    },
  };
  return { store, writes, saved: () => inner.get<Record<string, { topic: string; at: number }>>(KEY) };
}

describe('when a conversation is over', () => {
  it('is over when every participant of a queue-topic snapshot has ended', () => {
    expect(conversationOver(terminated.eventBody)).toBe(true);
  });

  it('is over when every participant of a user-topic snapshot has disconnected', () => {
    const body = {
      ...userAlerting.eventBody,
      participants: userAlerting.eventBody.participants!.map((p) => ({ ...p, state: 'disconnected' })),
    };
    expect(conversationOver(body)).toBe(true);
  });

  it('is not over while one participant is still connected', () => {
    expect(conversationOver(connected.eventBody)).toBe(false);
  });

  it('is not over when no participant is known yet', () => {
    expect(conversationOver({ id: CONVERSATION, participants: [] })).toBe(false);
  });

  it('leaves participants without any state out (a trimmed body with calls only)', () => {
    const body = {
      id: CONVERSATION,
      participants: [{ purpose: 'customer', calls: [{ state: 'terminated' }] }, { purpose: 'acd' }],
    };
    expect(conversationOver(body)).toBe(true);
  });
});

describe('where a conversation is read over REST', () => {
  it("reads a queue topic's conversation from /api/v2/conversations/{id}", () => {
    expect(conversationPath(QUEUE_TOPIC, CONVERSATION)).toBe(`/api/v2/conversations/${CONVERSATION}`);
  });

  it("reads a user topic's conversation from its medium's endpoint", () => {
    expect(conversationPath(`v2.users.${JANE}.conversations.calls`, CONVERSATION)).toBe(
      `/api/v2/conversations/calls/${CONVERSATION}`,
    );
  });

  it.each([
    [`v2.routing.queues.${QUEUE_ID}.conversations.calls`],
    [`x.v2.routing.queues.${QUEUE_ID}.conversations`],
    [`x.v2.users.${JANE}.conversations.calls`],
    [`v2.users.${JANE}.conversations.calls.wrapup`],
    [`v2.users.${JANE}.conversations.videos`],
    [`v2.users.${JANE}.presence`],
  ])('reads nothing for %s, not a watched topic form', (topic) => {
    expect(conversationPath(topic, CONVERSATION)).toBeUndefined();
  });
});

describe('the conversations in progress', () => {
  let clock = 1_795_000_000_000;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_795_000_000_000;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('remembers a conversation in progress under its topic, first seen now', async () => {
    const tracker = createTracker(recordingStore(now).store, TTL, now);
    await tracker.note(alerting);
    expect(await tracker.inProgress()).toEqual([[CONVERSATION, { topic: QUEUE_TOPIC, at: clock }]]);
  });

  it('keeps the time it was first seen while the conversation goes on', async () => {
    const tracker = createTracker(recordingStore(now).store, TTL, now);
    await tracker.note(alerting);
    const firstSeen = clock;
    clock += 5_000;
    await tracker.note(connected);
    expect(await tracker.inProgress()).toEqual([[CONVERSATION, { topic: QUEUE_TOPIC, at: firstSeen }]]);
  });

  it('forgets a conversation once every participant has ended', async () => {
    const tracker = createTracker(recordingStore(now).store, TTL, now);
    await tracker.note(alerting);
    await tracker.note(terminated);
    expect(await tracker.inProgress()).toEqual([]);
  });

  it('does not remember a conversation first heard of when it was already over', async () => {
    const tracker = createTracker(recordingStore(now).store, TTL, now);
    await tracker.note(terminated);
    expect(await tracker.inProgress()).toEqual([]);
  });

  it('passes over a frame it cannot read (no conversation id)', async () => {
    const tracker = createTracker(recordingStore(now).store, TTL, now);
    await tracker.note({ topicName: QUEUE_TOPIC, eventBody: { participants: [] } });
    expect(await tracker.inProgress()).toEqual([]);
  });

  it('does not track a topic that is not a conversation topic', async () => {
    const tracker = createTracker(recordingStore(now).store, TTL, now);
    const presence = {
      topicName: `v2.users.${JANE}.presence`,
      eventBody: { id: JANE, presenceDefinition: { id: 'e08eaf1b-ee47-4fa9-a231-1200e284798f' } },
    };
    await tracker.note(presence);
    expect(await tracker.inProgress()).toEqual([]);
  });

  it('does not track an EventBridge event, which names its topic only in its detail', async () => {
    const tracker = createTracker(recordingStore(now).store, TTL, now);
    await tracker.note({
      version: '0',
      id: '6a7b8c9d-0011-4e2f-8a3b-4c5d6e7f8011',
      'detail-type': 'v2.routing.queues.{id}.conversations',
      source: 'aws.partner/genesys.com/cloud/5c0f3b1e-2d4a-4f6b-8c9d-0e1f2a3b4c5d/openconnect',
      time: '2026-11-25T10:15:00Z',
      detail: { topicName: QUEUE_TOPIC, version: '2', eventBody: alerting.eventBody },
    });
    expect(await tracker.inProgress()).toEqual([]);
  });

  it('drops what the state holds from longer ago than the state TTL', async () => {
    const { store } = recordingStore(now);
    await store.set(KEY, {
      [CONVERSATION]: { topic: QUEUE_TOPIC, at: clock - TTL },
      [OTHER]: { topic: QUEUE_TOPIC, at: clock - TTL + 1 },
    });
    const tracker = createTracker(store, TTL, now);
    expect(await tracker.inProgress()).toEqual([[OTHER, { topic: QUEUE_TOPIC, at: clock - TTL + 1 }]]);
  });

  it('saves the conversations in progress a second after they changed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { store, writes, saved } = recordingStore(now);
    const tracker = createTracker(store, TTL, now);
    await tracker.note(alerting);
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await saved()).toEqual({ [CONVERSATION]: { topic: QUEUE_TOPIC, at: clock } });
  });

  it('writes nothing at the end when nothing changed', async () => {
    const { store, writes } = recordingStore(now);
    const tracker = createTracker(store, TTL, now);
    await tracker.inProgress();
    await tracker.flush();
    expect(writes).toEqual([]);
  });

  it('writes a change once, not again at the next flush', async () => {
    const { store, writes } = recordingStore(now);
    const tracker = createTracker(store, TTL, now);
    await tracker.note(alerting);
    await tracker.flush();
    await tracker.flush();
    expect(writes).toHaveLength(1);
  });

  it('keeps the 2,000 conversations seen most recently', async () => {
    const { store, saved } = recordingStore(now);
    const older: Record<string, { topic: string; at: number }> = {};
    for (let i = 0; i < 2_001; i++) older[guid(i)] = { topic: QUEUE_TOPIC, at: clock - 2_001 + i };
    await store.set(KEY, older);
    const tracker = createTracker(store, TTL, now);
    await tracker.note(alerting);
    await tracker.flush();
    const kept = Object.keys((await saved())!);
    expect(kept).toHaveLength(2_000);
    expect(kept).toContain(CONVERSATION);
    expect(kept).not.toContain(guid(0));
    expect(kept).not.toContain(guid(1));
    expect(kept).toContain(guid(2));
  });

  it('tries a save that failed again at the next flush', async () => {
    const { store, saved } = recordingStore(now);
    let fail = true;
    const flaky: StateStore = {
      ...store,
      async set(key, value, ttlMs) {
        if (fail) throw new Error('ECONNRESET');
        await store.set(key, value, ttlMs);
      },
    };
    const tracker = createTracker(flaky, TTL, now);
    await tracker.note(alerting);
    await expect(tracker.flush()).rejects.toThrow('ECONNRESET');
    fail = false;
    await tracker.flush();
    expect(await saved()).toEqual({ [CONVERSATION]: { topic: QUEUE_TOPIC, at: clock } });
  });

  it('saves that a conversation was forgotten', async () => {
    const { store, saved } = recordingStore(now);
    const tracker = createTracker(store, TTL, now);
    await tracker.note(alerting);
    await tracker.flush();
    await tracker.forget(CONVERSATION);
    await tracker.flush();
    expect(await saved()).toEqual({});
  });

  it('writes nothing for forgetting a conversation it did not hold', async () => {
    const { store, writes } = recordingStore(now);
    const tracker = createTracker(store, TTL, now);
    await tracker.forget(CONVERSATION);
    await tracker.flush();
    expect(writes).toEqual([]);
  });
});

describe('the catch-up after a reconnect', () => {
  let emulator: GenesysCloudEmulator;
  let ctx: CatchUpContext;
  let emitted: Record<string, unknown>[];
  let warned: { detail: Record<string, unknown>; message: string }[];
  let heard: Set<string>;
  // As in the session: the REST client lives on the runner's signal, the catch-up stops when the session ends.
  let session: AbortController;

  beforeEach(async () => {
    emulator = await startGenesysCloudEmulator({ queues: { [QUEUE_ID]: 'Billing' } });
    session = new AbortController();
    const rest = restOn(emulator);
    emitted = [];
    warned = [];
    heard = new Set();
    ctx = {
      rest,
      tracker: createTracker(createMemoryStateStore(), TTL, Date.now),
      heard: (id) => heard.has(id),
      async emit(message) {
        emitted.push(message);
      },
      warn: (detail, message) => warned.push({ detail, message }),
      signal: session.signal,
    };
  });
  afterEach(async () => {
    await emulator.close();
  });

  const conversationReads = () => emulator.counters.requests.filter((r) => r.startsWith('GET /api/v2/conv'));

  it('hands on the current snapshot of a conversation in progress as a frame of its topic', async () => {
    await ctx.tracker.note(alerting);
    emulator.controls.update(connected.topicName, connected.eventBody);
    expect(await catchUp(ctx)).toBe(1);
    expect(emitted).toEqual([{ topicName: QUEUE_TOPIC, eventBody: connected.eventBody }]);
  });

  it('asks Genesys nothing about a conversation the new socket already brought', async () => {
    await ctx.tracker.note(alerting);
    emulator.controls.update(connected.topicName, connected.eventBody);
    heard.add(CONVERSATION);
    expect(await catchUp(ctx)).toBe(0);
    expect([emitted, conversationReads()]).toEqual([[], []]);
  });

  it('forgets, without asking Genesys, a remembered conversation of a topic it cannot read', async () => {
    const state = createMemoryStateStore();
    await state.set(KEY, { [CONVERSATION]: { topic: `${QUEUE_TOPIC}.calls`, at: Date.now() } });
    ctx.tracker = createTracker(state, TTL, Date.now);
    expect(await catchUp(ctx)).toBe(0);
    expect([emulator.counters.requests, await ctx.tracker.inProgress()]).toEqual([[], []]);
  });

  it('warns and catches up nothing when the state store cannot be read, rather than ending the session', async () => {
    const broken: StateStore = {
      ...createMemoryStateStore(),
      get: () => Promise.reject(new Error('the state store is unavailable')),
    };
    ctx.tracker = createTracker(broken, TTL, Date.now);
    expect(await catchUp(ctx)).toBe(0);
    expect([emitted, emulator.counters.requests, warned]).toEqual([
      [],
      [],
      [
        {
          detail: { reason: 'the state store is unavailable' },
          message: 'could not read the conversations in progress: no catch-up after this reconnect',
        },
      ],
    ]);
  });

  it('forgets a conversation Genesys no longer has (404)', async () => {
    await ctx.tracker.note(alerting);
    expect(await catchUp(ctx)).toBe(0);
    expect(conversationReads()).toEqual([`GET /api/v2/conversations/${CONVERSATION}`]);
    expect([emitted, await ctx.tracker.inProgress()]).toEqual([[], []]);
  });

  it('warns and goes on with the next conversation when one cannot be read (503)', async () => {
    await ctx.tracker.note(alerting);
    await ctx.tracker.note(withId(alerting, OTHER));
    emulator.controls.update(connected.topicName, connected.eventBody);
    emulator.controls.update(QUEUE_TOPIC, withId(connected, OTHER).eventBody);
    emulator.controls.failRest(503, { path: CONVERSATION });
    expect(await catchUp(ctx)).toBe(1);
    expect(warned).toEqual([
      {
        detail: {
          conversationId: CONVERSATION,
          reason: `the Genesys Cloud API answered HTTP 503 (fetching conversation ${CONVERSATION} after a reconnect)`,
        },
        message: 'could not catch up a conversation in progress',
      },
    ]);
    expect(emitted.map((m) => (m.eventBody as { id: string }).id)).toEqual([OTHER]);
  });

  it('names the permission a 403 asks for', async () => {
    await ctx.tracker.note(alerting);
    emulator.controls.failRest(403, { path: CONVERSATION });
    await catchUp(ctx);
    expect(warned.map((w) => w.detail.reason)).toEqual([
      `the Genesys Cloud API answered 403 (fetching conversation ${CONVERSATION} after a reconnect): give the OAuth client a role with the Conversation > Communication > View permission`,
    ]);
  });

  it('stops at a rate limit (429), leaving the rest to the next reconnect', async () => {
    await ctx.tracker.note(alerting);
    await ctx.tracker.note(withId(alerting, OTHER));
    emulator.controls.update(QUEUE_TOPIC, withId(connected, OTHER).eventBody);
    emulator.controls.failRest(429, { path: CONVERSATION });
    expect(await catchUp(ctx)).toBe(0);
    expect(conversationReads()).toEqual([`GET /api/v2/conversations/${CONVERSATION}`]);
    expect(warned).toHaveLength(1);
  });

  it('reads nothing once the session has ended', async () => {
    await ctx.tracker.note(alerting);
    emulator.controls.update(connected.topicName, connected.eventBody);
    session.abort();
    expect(await catchUp(ctx)).toBe(0);
    expect([emitted, conversationReads()]).toEqual([[], []]);
  });
});
