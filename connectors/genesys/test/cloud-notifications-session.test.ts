// The notification session against the emulated org: what pops and when, and how each vendor fault ends
// or keeps the session (socket_closing, 404 result, stall, token expiry, 429, refused credentials).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConnectorRuntime,
  ConfigError,
  createMemoryStateStore,
  createRuntime,
  runSession,
  SessionError,
  type StateStore,
} from '@openconnect/core';
import { hostSubscription, type TestHost } from '@openconnect/core/testing';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import type { GenesysCloudEmulator } from '../src/emulators/index.js';
import {
  type CloudHarness,
  JANE,
  LI,
  OTHER_QUEUE_ID,
  QUEUE_ID,
  startCloudHarness,
} from './cloud-notifications-harness.js';

const subscription = connector.subscriptions!.find((s) => s.id === 'cloud-notifications')!;
type Frame = { topicName: string; eventBody: { id: string } };
const steps = (file: string): Frame[] =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/cloud-notifications', file), 'utf8'),
  ).steps.map((step: { frame: Frame }) => step.frame);
// Alerting, connected, connected again, held, resumed, disconnected, terminated with a wrap-up code.
const [alerting, connected, , held] = steps('queue-call-lifecycle.json') as [Frame, Frame, Frame, Frame];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const noop = () => {};
const lifecycles = (host: TestHost) => host.messages.map((m) => `${m.agentid}:${m.lifecycle}`);

async function live(
  options: Parameters<typeof startCloudHarness>[0] & { state?: StateStore },
  body: (ctx: { harness: CloudHarness; emulator: GenesysCloudEmulator; host: TestHost }) => Promise<void>,
) {
  const harness = await startCloudHarness(options);
  const runtime = createRuntime(connector, harness.settings, options.state ? { state: options.state } : {});
  const host = hostSubscription(runtime, subscription);
  try {
    await host.until('the first session to connect', () => host.connected);
    await body({ harness, emulator: harness.emulator, host });
  } finally {
    await host.stop();
    await harness.close();
  }
}

/** One session through the core's runSession, as the runner runs it; resolves or rejects as it ends. */
async function oneSession(harness: CloudHarness, timeoutMs = 5_000): Promise<void> {
  const runtime = createRuntime(connector, harness.settings);
  const signal = AbortSignal.timeout(timeoutMs);
  await runSession(
    runtime,
    subscription,
    {
      http: axios.create({ timeout: 5_000, validateStatus: () => true }),
      publicUrl: 'http://127.0.0.1:8080',
      log: { debug: noop, info: noop, warn: noop, error: noop },
      store: async (messages) => ({ stored: messages.length, duplicates: 0 }),
      onStatus: noop,
      onBadFrame: noop,
    },
    signal,
  );
}

/** One session as the runner holds it, recording what the admin sees: each status with its detail, and the logs. */
function watched(
  harness: CloudHarness,
  runtime: ConnectorRuntime = createRuntime(connector, harness.settings),
) {
  const controller = new AbortController();
  const statuses: string[] = [];
  const logs: { level: string; detail: Record<string, unknown>; message: string }[] = [];
  const log = (level: string) => (detail: Record<string, unknown>, message: string) =>
    logs.push({ level, detail, message });
  const ended = runSession(
    runtime,
    subscription,
    {
      http: axios.create({ timeout: 5_000, validateStatus: () => true }),
      publicUrl: 'http://127.0.0.1:8080',
      log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      store: async (messages) => ({ stored: messages.length, duplicates: 0 }),
      onStatus: (status, detail) => statuses.push(`${status}: ${detail}`),
      onBadFrame: noop,
    },
    controller.signal,
  ).then(
    () => undefined,
    (error: unknown) => error as SessionError,
  );
  return { statuses, logs, ended, stop: () => controller.abort() };
}

// The key of the conversations in progress (the runtime puts the connector's namespace first).
const inProgress = (key: string) => key.endsWith('cloud-notifications:in-progress');
/** A state store that cannot read (get) or save (set) the conversations in progress the catch-up keeps. */
function stateFailing(method: 'get' | 'set', error: unknown): StateStore {
  const store = createMemoryStateStore();
  return {
    ...store,
    get: <T>(key: string) =>
      method === 'get' && inProgress(key) ? Promise.reject(error) : store.get<T>(key),
    set: (key, value, ttlMs) =>
      method === 'set' && inProgress(key) ? Promise.reject(error) : store.set(key, value, ttlMs),
  };
}

type CheckContext = Parameters<NonNullable<typeof subscription.check>>[0];

function checkContext(harness: Pick<CloudHarness, 'settings'>): CheckContext {
  const runtime = createRuntime(connector, harness.settings);
  return {
    config: runtime.config as CheckContext['config'],
    services: runtime.services as CheckContext['services'],
    directory: runtime.directory,
    state: runtime.state,
    http: axios.create({ timeout: 5_000, validateStatus: () => true }),
    log: { debug: noop, info: noop, warn: noop, error: noop },
    now: Date.now,
    signal: new AbortController().signal,
    sleep,
    webhookUrl: (source: string) => `http://127.0.0.1:8080/webhooks/genesys/${source}`,
  };
}

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  for (const deadline = Date.now() + timeoutMs; !check(); await sleep(20))
    if (Date.now() > deadline) throw new Error('timed out');
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the session to fail');
    },
    (error: unknown) => error as SessionError,
  );

describe('Genesys Cloud notification session', () => {
  it('pops the answered moment once, when the agent participant becomes connected', async () => {
    await live({}, async ({ emulator, host }) => {
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      emulator.controls.push(connected.topicName, connected.eventBody);
      await host.until('offered and answered', () => host.messages.length >= 2);
      await sleep(200);
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:offered', 'jane.doe@example.com:answered']);
      expect(host.messages[1]!.props).toMatchObject({
        participantState: 'connected',
        interactionId: alerting.eventBody.id,
      });
    });
  });

  it('pops nothing for a duplicate snapshot', async () => {
    await live({}, async ({ emulator, host }) => {
      emulator.controls.duplicates(true);
      expect(emulator.controls.push(alerting.topicName, alerting.eventBody)).toBe(1);
      await host.until('offered', () => host.messages.length >= 1);
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      await sleep(300);
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:offered']);
    });
  });

  it('ends the session cleanly on socket_closing, reconnects on a new channel, and pops nothing twice', async () => {
    await live({}, async ({ emulator, host }) => {
      emulator.controls.push(connected.topicName, connected.eventBody);
      await host.until('answered', () => host.messages.length >= 1);
      emulator.controls.socketClosing(1_000);
      await host.until('a second session', () => host.sessions >= 2 && host.connected);
      expect(host.errors).toEqual([]); // a clean end, not a failure
      expect(host.logs).toContainEqual({
        level: 'info',
        detail: { reason: 'Genesys Cloud announced the socket closes for maintenance' },
        message: 'notification session ended; reconnecting',
      });
      expect(emulator.counters.channelsCreated).toBe(2);
      emulator.controls.push(connected.topicName, connected.eventBody);
      emulator.controls.push(held.topicName, held.eventBody);
      await host.until('held', () => host.messages.length >= 2);
      await sleep(200);
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:answered', 'jane.doe@example.com:held']);
    });
  });

  it('makes a new channel after a {"result":"404"} on the socket', async () => {
    await live({}, async ({ emulator, host }) => {
      emulator.controls.channelGone();
      await host.until('a second session', () => host.sessions >= 2 && host.connected);
      expect(host.errors[0]).toContain('result 404');
      expect(emulator.counters.channelsCreated).toBe(2);
      expect(emulator.channels()).toHaveLength(1);
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      await host.until('offered on the new channel', () => host.messages.length >= 1);
    });
  });

  it('drops a socket that went quiet (no heartbeat, no pong) and reconnects', async () => {
    await live({}, async ({ emulator, host }) => {
      emulator.controls.stall(true);
      await host.until('the stalled session to end', () => host.errors.length >= 1, 5_000);
      emulator.controls.stall(false);
      expect(host.errors[0]).toContain('no heartbeat on the notification socket');
      await host.until('a second session', () => host.sessions >= 2 && host.connected);
      expect(emulator.counters.socketsOpened).toBe(2);
    });
  });

  it('reconnects when a channel expires early', async () => {
    await live({ emulator: { channelLifetimeMs: 60_000 } }, async ({ emulator, host }) => {
      emulator.controls.expireChannels();
      await host.until('a second session', () => host.sessions >= 2 && host.connected);
      expect(host.errors[0]).toContain('closed the notification socket');
      expect(emulator.counters.channelsCreated).toBe(2);
    });
  });

  it('renews the token before it expires and keeps renewing the channel with the new one', async () => {
    await live(
      { emulator: { tokenLifetimeMs: 2_000, channelLifetimeMs: 3_000 } },
      async ({ emulator, host }) => {
        await sleep(4_500);
        expect(emulator.counters.tokensIssued).toBeGreaterThanOrEqual(3);
        expect(emulator.counters.tokensRefused).toBe(0); // renewed before, not after, it expired
        expect(emulator.counters.renewals).toBeGreaterThanOrEqual(1);
        expect(emulator.counters.expirations).toBe(0);
        expect([host.sessions, host.errors]).toEqual([1, []]);
      },
    );
  }, 15_000);

  it('gets a new token once when Genesys refuses the current one, and the session goes on', async () => {
    await live({ emulator: { channelLifetimeMs: 2_000 } }, async ({ emulator, host }) => {
      emulator.controls.revokeTokens();
      await host.until('a channel renewal', () => emulator.counters.renewals >= 1, 5_000);
      expect([emulator.counters.tokensRefused, emulator.counters.tokensIssued]).toEqual([1, 2]);
      expect([host.sessions, host.errors]).toEqual([1, []]);
    });
  });

  it('honours a 429: the session ends asking for the pause of Retry-After, without retrying on its own', async () => {
    const harness = await startCloudHarness();
    try {
      harness.emulator.controls.failRest(429, {
        path: '/api/v2/notifications/channels',
        retryAfterSeconds: 7,
      });
      const error = await failure(oneSession(harness));
      expect(error).toBeInstanceOf(SessionError);
      expect([error.retryAfterMs, error.failed]).toEqual([7_000, false]);
      expect(
        harness.emulator.counters.requests.filter((r) => r === 'POST /api/v2/notifications/channels'),
      ).toHaveLength(1);
    } finally {
      await harness.close();
    }
  });

  it('fails naming the client credentials when the secret is wrong, without the secret', async () => {
    const harness = await startCloudHarness({ settings: { cloudClientSecret: 'not-the-right-secret-4711' } });
    try {
      const error = await failure(oneSession(harness));
      expect(error.failed).toBe(true);
      expect(error.message).toContain('check cloudClientId, cloudClientSecret and cloudLoginUrl');
      expect(error.message).not.toContain('not-the-right-secret-4711');
      expect(harness.emulator.counters.channelsCreated).toBe(0);
    } finally {
      await harness.close();
    }
  });

  it('fails naming the permission when a subscription is forbidden (403)', async () => {
    const harness = await startCloudHarness();
    try {
      harness.emulator.controls.failRest(403, { path: '/subscriptions' });
      const error = await failure(oneSession(harness));
      expect(error.failed).toBe(true);
      expect(error.message).toContain('Routing > Queue > View');
    } finally {
      await harness.close();
    }
  });

  it('ends as degraded, not failed, when the API answers 503', async () => {
    const harness = await startCloudHarness();
    try {
      harness.emulator.controls.failRest(503, { path: '/api/v2/notifications/channels' });
      const error = await failure(oneSession(harness));
      expect([error.failed, error.message]).toEqual([
        false,
        'the Genesys Cloud API answered HTTP 503 (creating a notification channel)',
      ]);
    } finally {
      await harness.close();
    }
  });

  it('resolves queue names to ids at start-up, exactly and ignoring case', async () => {
    await live(
      { settings: { cloudNotifyQueues: ['billing'], cloudNotifyUsers: [] } },
      async ({ harness, emulator }) => {
        await subscription.check!(checkContext(harness));
        expect(emulator.channels().map((c) => c.topics)).toEqual([
          [`v2.routing.queues.${QUEUE_ID}.conversations`],
        ]);
        expect(emulator.channels()[0]!.topics).not.toContain(
          `v2.routing.queues.${OTHER_QUEUE_ID}.conversations`,
        );
      },
    );
  });

  it('stops start-up with a ConfigError naming a queue Genesys does not have', async () => {
    const harness = await startCloudHarness({ settings: { cloudNotifyQueues: ['Billing', 'Biling'] } });
    try {
      const error = await subscription.check!(checkContext(harness)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('no queue named "Biling"');
      expect((error as ConfigError).hint).toBe(
        'fix cloudNotifyQueues (a queue name as in Admin > Queues, or its id)',
      );
    } finally {
      await harness.close();
    }
  });

  it('leaves an unreachable Genesys to the sessions: no ConfigError at start-up', async () => {
    const harness = await startCloudHarness({ settings: { cloudNotifyQueues: ['Billing'] } });
    await harness.close();
    const error = await subscription.check!(checkContext(harness)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SessionError);
    expect(error).not.toBeInstanceOf(ConfigError);
  });

  it('spreads more than 1,000 topics over channels, one socket each', async () => {
    const many = Array.from(
      { length: 1_000 },
      (_, i) => `0000${String(i).padStart(4, '0')}-aaaa-4bbb-8ccc-000000000000`,
    );
    await live({ settings: { cloudNotifyUsers: [...many, JANE] } }, async ({ emulator, host }) => {
      expect(emulator.channels().map((c) => c.topics.length)).toEqual([1_000, 2]);
      expect(emulator.counters.socketsOpened).toBe(2);
      // Jane's topic is on the second channel.
      const user = steps('user-and-queue-topic-once.json')[0]!;
      expect(emulator.controls.push(user.topicName, user.eventBody)).toBe(1);
      await host.until('offered from the second channel', () => host.messages.length >= 1);
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:offered']);
    });
  });

  it('pops a call answered while disconnected once, after the reconnect, through the catch-up', async () => {
    await live({}, async ({ emulator, host }) => {
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      await host.until('offered', () => host.messages.length >= 1);
      emulator.controls.drop();
      emulator.controls.update(connected.topicName, connected.eventBody); // nobody hears of it
      await host.until('answered after the reconnect', () => host.messages.length >= 2);
      expect(emulator.counters.requests).toContain(`GET /api/v2/conversations/${connected.eventBody.id}`);
      emulator.controls.push(connected.topicName, connected.eventBody);
      await sleep(300);
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:offered', 'jane.doe@example.com:answered']);
      // Said once, by the second session: the first had nothing to catch up.
      expect(host.logs.filter((entry) => entry.message.startsWith('caught up'))).toEqual([
        {
          level: 'info',
          detail: { conversations: 1 },
          message: 'caught up the conversations in progress after a reconnect',
        },
      ]);
    });
  });

  it("catches up a user topic's conversation from the calls endpoint", async () => {
    const user = steps('user-and-queue-topic-once.json');
    const [userAlerting, userConnected] = [user[0]!, user[3]!];
    await live({ settings: { cloudNotifyQueues: [] } }, async ({ emulator, host }) => {
      emulator.controls.push(userAlerting.topicName, userAlerting.eventBody);
      await host.until('offered', () => host.messages.length >= 1);
      emulator.controls.drop();
      emulator.controls.update(userConnected.topicName, userConnected.eventBody);
      await host.until('answered after the reconnect', () => host.messages.length >= 2);
      expect(emulator.counters.requests).toContain(
        `GET /api/v2/conversations/calls/${userConnected.eventBody.id}`,
      );
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:offered', 'jane.doe@example.com:answered']);
    });
  });

  it('misses that answer without the catch-up (cloudNotifyCatchUp: false)', async () => {
    await live({ settings: { cloudNotifyCatchUp: false } }, async ({ emulator, host }) => {
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      await host.until('offered', () => host.messages.length >= 1);
      emulator.controls.drop();
      emulator.controls.update(connected.topicName, connected.eventBody);
      await host.until('a second session', () => host.sessions >= 2 && host.connected);
      await sleep(300);
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:offered']);
    });
  });

  it("looks up a login the directory lacks through the Users API (Li's)", async () => {
    const transfer = steps('queue-transfer-two-agents.json');
    await live({}, async ({ emulator, host }) => {
      for (const frame of transfer) emulator.controls.push(frame.topicName, frame.eventBody);
      await host.until('four messages', () => host.messages.length >= 4);
      expect(lifecycles(host)).toEqual([
        'jane.doe@example.com:answered',
        'jane.doe@example.com:ended',
        'li.wei:offered',
        'li.wei:answered',
      ]);
      expect(emulator.counters.requests).toContain(`GET /api/v2/users/${LI}`);
    });
  });

  it('shows it is logging in, then how many topics it holds on how many channels', async () => {
    const harness = await startCloudHarness();
    try {
      const session = watched(harness);
      await until(() => session.statuses.length >= 2);
      session.stop();
      expect(await session.ended).toBeUndefined();
      expect(session.statuses).toEqual([
        'connecting: logging in to Genesys Cloud',
        'connected: 3 topic(s) on 1 notification channel(s)',
      ]);
    } finally {
      await harness.close();
    }
  });

  it('ends quietly when stopped, without saying it reconnects', async () => {
    const harness = await startCloudHarness();
    try {
      const session = watched(harness);
      await until(() => session.statuses.length >= 2);
      session.stop();
      await session.ended;
      expect(session.logs.map((entry) => entry.message)).not.toContain(
        'notification session ended; reconnecting',
      );
    } finally {
      await harness.close();
    }
  });

  it('renews the OAuth token before it expires even when no call needs one', async () => {
    await live({ emulator: { tokenLifetimeMs: 2_000 } }, async ({ emulator, host }) => {
      await host.until('two renewals of the token', () => emulator.counters.tokensIssued >= 3, 4_000);
      expect([emulator.counters.tokensRefused, host.errors]).toEqual([0, []]);
    });
  });

  it('ends naming the OAuth token when its renewal fails', async () => {
    await live({ emulator: { tokenLifetimeMs: 2_000 } }, async ({ emulator, host }) => {
      emulator.controls.failRest(503, { path: '/oauth/token' });
      await host.until('the session to end', () => host.errors.length >= 1, 4_000);
      expect(host.errors[0]).toBe(
        'renewing the OAuth token failed: the Genesys Cloud login host answered HTTP 503',
      );
    });
  });

  it('ends naming the notification channel when its renewal fails', async () => {
    await live({ emulator: { channelLifetimeMs: 2_000 } }, async ({ emulator, host }) => {
      const [channel] = emulator.channels();
      emulator.controls.failRest(503, { path: '/subscriptions' });
      await host.until('the session to end', () => host.errors.length >= 1, 4_000);
      expect(host.errors[0]).toBe(
        `renewing the notification channel ${channel!.id} failed: the Genesys Cloud API answered HTTP 503 (subscribing 3 topic(s) on channel ${channel!.id})`,
      );
    });
  });

  it('fails at start, naming every queue Genesys does not have', async () => {
    const harness = await startCloudHarness({
      settings: { cloudNotifyQueues: ['Biling', 'Billing', 'Sales'] },
    });
    try {
      const error = await failure(oneSession(harness));
      expect([error.message, error.failed]).toEqual([
        'cloudNotifyQueues: Genesys Cloud has no queue named "Biling", "Sales" (names must match exactly; ids work too)',
        true,
      ]);
      expect(harness.emulator.counters.channelsCreated).toBe(0);
    } finally {
      await harness.close();
    }
  });

  it('does not show connected when a channel is evicted while the next one is set up', async () => {
    const many = Array.from(
      { length: 1_000 },
      (_, i) => `0000${String(i).padStart(4, '0')}-aaaa-4bbb-8ccc-000000000000`,
    );
    const harness = await startCloudHarness({
      emulator: { maxChannels: 1 },
      settings: { cloudNotifyUsers: [...many, JANE] },
    });
    try {
      const session = watched(harness);
      const error = await session.ended;
      expect(error?.message).toContain('closed the notification socket');
      expect(session.statuses).toEqual(['connecting: logging in to Genesys Cloud']);
    } finally {
      await harness.close();
    }
  });

  it('warns when Genesys refuses a socket request, and goes on', async () => {
    await live({}, async ({ emulator, host }) => {
      emulator.controls.sendRaw(
        JSON.stringify({ result: '400', status: 'error', message: 'unknown message' }),
      );
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      await host.until('offered', () => host.messages.length >= 1);
      expect(host.logs).toContainEqual({
        level: 'warn',
        detail: { reason: 'Genesys Cloud answered a socket request with result 400: unknown message' },
        message: 'Genesys Cloud refused a socket request',
      });
      expect([host.sessions, host.errors, host.badFrames]).toEqual([1, [], []]);
    });
  });

  it('catches up a call that waited in queue when the connection dropped and was answered meanwhile', async () => {
    const waiting = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../fixtures/cloud-notifications/queue-no-agent-yet-ignored.json'),
        'utf8',
      ),
    ).frame as Frame;
    await live({}, async ({ emulator, host }) => {
      emulator.controls.push(waiting.topicName, waiting.eventBody);
      await host.until('the waiting call to be ignored', () => host.results.length >= 1);
      expect(host.results[0]!.kind).toBe('ignored');
      emulator.controls.drop();
      emulator.controls.update(connected.topicName, connected.eventBody); // nobody hears of it
      await host.until('answered after the reconnect', () => host.messages.length >= 1);
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:answered']);
    });
  });

  it('warns and goes on when a conversation in progress cannot be fetched after a reconnect', async () => {
    await live({}, async ({ emulator, host }) => {
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      await host.until('offered', () => host.messages.length >= 1);
      emulator.controls.failRest(503, { path: '/api/v2/conversations/' });
      emulator.controls.drop();
      await host.until('a second session', () => host.sessions >= 2 && host.connected);
      await host.until('the warning', () => host.logs.some((entry) => entry.level === 'warn'));
      expect(host.logs.filter((entry) => entry.level === 'warn')).toEqual([
        {
          level: 'warn',
          detail: {
            conversationId: alerting.eventBody.id,
            reason: `the Genesys Cloud API answered HTTP 503 (fetching conversation ${alerting.eventBody.id} after a reconnect)`,
          },
          message: 'could not catch up a conversation in progress',
        },
      ]);
    });
  });

  it('hands events on when the state store cannot read the conversations in progress, and warns', async () => {
    const state = stateFailing('get', new Error('the state store is unavailable'));
    await live({ state, settings: { cloudNotifyCatchUp: false } }, async ({ emulator, host }) => {
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      await host.until('offered', () => host.messages.length >= 1);
      expect(lifecycles(host)).toEqual(['jane.doe@example.com:offered']);
      expect(host.logs).toContainEqual({
        level: 'warn',
        detail: { reason: 'the state store is unavailable' },
        message: 'could not remember a conversation in progress',
      });
    });
  });

  it('warns when the conversations in progress cannot be saved at the end of a session', async () => {
    const state = stateFailing('set', 'the state store is read-only');
    await live({ state }, async ({ emulator, host }) => {
      emulator.controls.push(alerting.topicName, alerting.eventBody);
      await host.until('offered', () => host.messages.length >= 1);
      emulator.controls.drop();
      await host.until('the warning', () =>
        host.logs.some((entry) => entry.message === 'could not save the conversations in progress'),
      );
      expect(host.logs).toContainEqual({
        level: 'warn',
        detail: { reason: 'the state store is read-only' },
        message: 'could not save the conversations in progress',
      });
    });
  });

  it('refuses to check a session without both client credentials, naming them', async () => {
    const context = checkContext({ settings: { options: { cloudClientId: 'oc-client' } } });
    const error = await failure(subscription.check!(context));
    expect([error.message, error.failed]).toEqual([
      'cloudClientId and cloudClientSecret are required for the notification session',
      true,
    ]);
  });
});
