import { type AddressInfo, connect, createServer } from 'node:net';
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineSource } from '../src/connector.js';
import { ignore } from '../src/mapping.js';
import { ConfigError, InputError } from '../src/errors.js';
import { createRuntime, handleFrame, type PreparedMessage } from '../src/pipeline.js';
import { runSession, type SessionHost } from '../src/session.js';
import { createMemoryStateStore } from '../src/state.js';
import {
  defineSubscription,
  renewalTime,
  SessionError,
  type SessionContext,
  sleep,
} from '../src/subscription.js';
import { lineConnector, startLineVendor, type LineVendor } from '../src/testing/line-vendor.js';
import { PROP } from '../src/vocabulary.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const http = axios.create({ validateStatus: () => true });

/** A host that records everything; `store` can be made to fail. */
function recordingHost(overrides: Partial<SessionHost> = {}) {
  const stored: PreparedMessage[] = [];
  const positions: string[] = [];
  const statuses: string[] = [];
  const badFrames: string[] = [];
  const renewals: { what: string; ok: boolean; error?: string }[] = [];
  const host: SessionHost = {
    http,
    publicUrl: 'https://runner.example.com',
    log: quiet,
    async store(messages) {
      stored.push(...messages);
      return { stored: messages.length, duplicates: 0 };
    },
    async savePosition(position) {
      positions.push(position);
    },
    onStatus: (status, detail) => statuses.push(detail ? `${status}: ${detail}` : status),
    onBadFrame: (reason) => badFrames.push(reason),
    onRenewal: (what, ok, error) => renewals.push({ what, ok, ...(error ? { error } : {}) }),
    retryDelayMs: () => 10,
    ...overrides,
  };
  return { host, stored, positions, statuses, badFrames, renewals };
}

const event = z.object({ agent: z.string(), call: z.string(), state: z.string() });

/** A subscription whose session is the test body itself. */
function scripted(
  body: (ctx: SessionContext<{ token: string }>) => Promise<void>,
  extra: Record<string, unknown> = {},
) {
  const subscription = defineSubscription<z.output<typeof event>, { token: string }>({
    id: 'feed',
    description: 'scripted feed',
    enabled: () => true,
    parse: (frame) => event.parse(frame),
    eventId: (e) => `${e.call}:${e.state}`,
    async map(e, ctx) {
      if (e.state === 'boom') throw new Error('directory down');
      if (e.state === 'idle') return ignore('idle');
      const previous = await ctx.state.get<string>(`call:${e.call}`);
      if (previous === e.state) return ignore('no change');
      await ctx.state.set(`call:${e.call}`, e.state);
      return {
        agentid: e.agent,
        lifecycle: e.state === 'ringing' ? 'offered' : 'answered',
        props: { [PROP.interactionId]: e.call, note: ctx.config.token },
      };
    },
    connect: body,
    ...extra,
  });
  const connector = defineConnector<{ token: string }>({
    id: 'scripted',
    displayName: 'Scripted',
    platforms: ['Scripted'],
    config: z.object({ token: z.string() }),
    secrets: ['token'],
    sources: [
      defineSource({
        id: 'hook',
        description: 'unused',
        auth: { scheme: 'none', summary: 'none', credentials: [] },
        verify: () => ({ ok: true }),
        parse: () => ({}),
        map: () => ignore('unused'),
      }),
    ],
    subscriptions: [subscription],
  });
  const state = createMemoryStateStore();
  const runtime = createRuntime(connector, { options: { token: 'secret-token-0123' } }, { state });
  return { subscription, runtime, state };
}

describe('defining subscriptions', () => {
  it('refuses a subscription whose id is also a source id', () => {
    const sub = defineSubscription({
      id: 'hook',
      description: 'x',
      enabled: () => true,
      connect: async () => {},
    });
    expect(() =>
      defineConnector({
        id: 'twice',
        displayName: 'x',
        platforms: ['x'],
        config: z.object({}),
        sources: [
          {
            id: 'hook',
            description: 'x',
            auth: { scheme: 'none', summary: '', credentials: [] },
            verify: () => ({ ok: true }),
            parse: () => ({}),
            map: () => ignore('x'),
          },
        ],
        subscriptions: [sub],
      }),
    ).toThrow('subscription id "hook" is used twice');
  });

  it('refuses parse without map', () => {
    expect(() =>
      defineSubscription({
        id: 'half',
        description: 'x',
        enabled: () => true,
        connect: async () => {},
        parse: (f) => f,
      }),
    ).toThrow('parse and map come together');
  });

  it('renews a quarter of the lifetime early, at most ten minutes and at least a second before', () => {
    expect(renewalTime(0, 24 * 3_600_000)).toBe(24 * 3_600_000 - 600_000);
    expect(renewalTime(0, 900_000)).toBe(675_000);
    expect(renewalTime(0, 2_000)).toBe(1_000);
    expect(renewalTime(1_000, 1_400)).toBe(1_200);
  });
});

describe('handleFrame', () => {
  it('maps a frame through the subscription like a webhook request', async () => {
    const { subscription, runtime } = scripted(async () => {});
    const outcome = await handleFrame(runtime, subscription, { agent: 'a1', call: 'c1', state: 'ringing' });
    expect(outcome.kind).toBe('accepted');
    if (outcome.kind !== 'accepted') return;
    expect(outcome.messages).toEqual([
      {
        connector: 'scripted',
        source: 'feed',
        agentid: 'a1',
        event: 'offered',
        lifecycle: 'offered',
        // A vendor frame echoing a connector secret never carries it out in a prop.
        props: { lifecycle: 'offered', interactionId: 'c1', note: '[redacted]' },
        dedupeKey: 'scripted/feed/c1:ringing',
      },
    ]);
  });

  it('turns an unreadable frame into invalid (a bad frame), whatever parse throws', async () => {
    const { subscription, runtime } = scripted(async () => {});
    const outcome = await handleFrame(runtime, subscription, { agent: 1 });
    expect(outcome.kind).toBe('invalid');
    expect(outcome.answer.status).toBe(400);
  });

  it('reports a mapping that failed (a look-up down) as failed, to be tried again', async () => {
    const { subscription, runtime } = scripted(async () => {});
    const outcome = await handleFrame(runtime, subscription, { agent: 'a1', call: 'c1', state: 'boom' });
    expect(outcome.kind).toBe('failed');
    expect('reason' in outcome && outcome.reason).toContain('directory down');
  });

  it('refuses frames for a subscription that carries no events', async () => {
    const upkeep = defineSubscription({
      id: 'upkeep',
      description: 'x',
      enabled: () => true,
      connect: async () => {},
    });
    const { runtime } = scripted(async () => {});
    const outcome = await handleFrame(runtime, upkeep, {});
    expect(outcome.kind).toBe('invalid');
    expect('reason' in outcome && outcome.reason).toContain('delivers no events');
  });
});

describe('runSession', () => {
  it('stores emitted frames in order and saves a position only behind a stored frame', async () => {
    const order: string[] = [];
    const { subscription, runtime } = scripted(async (ctx) => {
      ctx.status('connected');
      // Emitted without waiting: the host still takes them one at a time, in order.
      const results = await Promise.all([
        ctx.emit({ agent: 'a1', call: 'c1', state: 'ringing' }, { position: 'p1' }),
        ctx.emit({ agent: 'a1', call: 'c1', state: 'talking' }, { position: 'p2' }),
      ]);
      expect(results.map((r) => r.kind)).toEqual(['accepted', 'accepted']);
    });
    const { host, stored, positions, statuses } = recordingHost({
      async store(messages) {
        order.push(`store ${messages[0]!.lifecycle}`);
        await sleep(20);
        return { stored: messages.length, duplicates: 0 };
      },
      async savePosition(position) {
        order.push(`position ${position}`);
      },
    });
    await runSession(runtime, subscription, host, new AbortController().signal);
    expect(order).toEqual(['store offered', 'position p1', 'store answered', 'position p2']);
    expect(stored).toEqual([]);
    expect(positions).toEqual([]);
    expect(statuses).toEqual(['connected']);
  });

  it('tries a frame again until the store takes it, and commits after-store state only then', async () => {
    let failures = 2;
    const { runtime, state } = scripted(async () => {});
    const { subscription } = scripted(
      async (ctx) => {
        const result = await ctx.emit({ agent: 'a1', call: 'c9', state: 'ringing' });
        expect(result).toEqual({ kind: 'accepted', stored: 1, duplicates: 0 });
      },
      { stateWrites: 'after-store' },
    );
    const seen: (string | undefined)[] = [];
    const { host, stored } = recordingHost({
      async store(messages) {
        seen.push(await state.get<string>('scripted:call:c9'));
        if (failures-- > 0) throw new Error('outbox did not answer');
        stored.push(...messages);
        return { stored: messages.length, duplicates: 0 };
      },
    });
    await runSession(runtime, subscription, host, new AbortController().signal);
    expect(stored.map((m) => m.lifecycle)).toEqual(['offered']);
    // The state is written once the messages are stored, not by the refused tries.
    expect(seen).toEqual([undefined, undefined, undefined]);
    expect(await state.get('scripted:call:c9')).toBe('ringing');
  });

  it('answers failed at once with retry: false (for protocols that can negatively acknowledge)', async () => {
    const { subscription, runtime } = scripted(async (ctx) => {
      const result = await ctx.emit(
        { agent: 'a1', call: 'c1', state: 'boom' },
        { retry: false, position: 'p9' },
      );
      expect(result.kind).toBe('failed');
      expect(result.reason).toContain('directory down');
    });
    const { host, positions } = recordingHost();
    await runSession(runtime, subscription, host, new AbortController().signal);
    expect(positions).toEqual([]);
  });

  it('counts a bad frame with its reason, saves its position (it is skipped) and goes on', async () => {
    const { subscription, runtime } = scripted(async (ctx) => {
      expect((await ctx.emit({ nonsense: true }, { position: 'p1' })).kind).toBe('invalid');
      ctx.badFrame('a frame that is not JSON');
      expect((await ctx.emit({ agent: 'a1', call: 'c2', state: 'ringing' }, { position: 'p2' })).kind).toBe(
        'accepted',
      );
    });
    const { host, badFrames, positions, stored } = recordingHost();
    await runSession(runtime, subscription, host, new AbortController().signal);
    expect(badFrames).toHaveLength(2);
    expect(badFrames[0]).toContain('could not read');
    expect(positions).toEqual(['p1', 'p2']);
    expect(stored).toHaveLength(1);
  });

  it('renews before expiry on the vendor timer, again and again', async () => {
    let renewals = 0;
    const { subscription, runtime } = scripted(async (ctx) => {
      ctx.renewBefore('channel', ctx.now() + 200, async () => {
        renewals += 1;
        return ctx.now() + 200;
      });
      await ctx.sleep(700);
    });
    const { host, renewals: seen } = recordingHost();
    await runSession(runtime, subscription, host, new AbortController().signal);
    // Every 150 ms (a quarter of 200 ms early... at least half of it): 4 renewals in 700 ms.
    expect(renewals).toBeGreaterThanOrEqual(4);
    expect(seen.every((r) => r.ok && r.what === 'channel')).toBe(true);
  });

  it('ends the session with the reason when a renewal fails, secrets redacted', async () => {
    const { subscription, runtime } = scripted(async (ctx) => {
      ctx.renewBefore('token', ctx.now() + 40, async () => {
        throw new SessionError('login refused for secret-token-0123', { failed: true });
      });
      await ctx.sleep(5_000);
      expect(ctx.signal.aborted).toBe(true);
    });
    const { host, renewals } = recordingHost();
    const started = Date.now();
    const error = await runSession(runtime, subscription, host, new AbortController().signal).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as SessionError).failed).toBe(true);
    expect((error as Error).message).toBe('renewing the token failed: login refused for [redacted]');
    expect(renewals).toEqual([{ what: 'token', ok: false, error: 'login refused for [redacted]' }]);
  });

  it('stops when the host aborts, and a frame still waiting for the store is given up', async () => {
    const controller = new AbortController();
    const { subscription, runtime } = scripted(async (ctx) => {
      const pending = ctx.emit({ agent: 'a1', call: 'c1', state: 'ringing' });
      await ctx.sleep(60_000);
      await expect(pending).rejects.toThrow('session was stopped');
    });
    const { host } = recordingHost({
      store: async () => {
        throw new Error('down');
      },
    });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await runSession(runtime, subscription, host, controller.signal);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('gives the webhook URL of a source and the saved position', async () => {
    let seen: { url?: string; position?: string } = {};
    const { subscription, runtime } = scripted(async (ctx) => {
      seen = { url: ctx.webhookUrl('hook'), ...(ctx.position ? { position: ctx.position } : {}) };
    });
    const { host } = recordingHost({ position: '41' });
    await runSession(runtime, subscription, host, new AbortController().signal);
    expect(seen).toEqual({ url: 'https://runner.example.com/webhooks/scripted/hook', position: '41' });
  });

  it('passes a thrown InputError or ConfigError through as the session end', async () => {
    const { subscription, runtime } = scripted(async () => {
      throw new ConfigError('queue Sales does not exist', 'fix it');
    });
    await expect(
      runSession(runtime, subscription, recordingHost().host, new AbortController().signal),
    ).rejects.toThrow('queue Sales');
    expect(new InputError('x')).toBeInstanceOf(Error);
  });
});

describe('the line vendor session (reference for hosts)', () => {
  let vendor: LineVendor | undefined;
  afterEach(async () => vendor?.close());

  it('resumes from the saved position after a drop: nothing lost, nothing twice', async () => {
    vendor = await startLineVendor({ token: 'line-token-0123', sessionMs: 5_000 });
    const runtime = createRuntime(lineConnector, {
      options: { lineUrl: vendor.url, lineToken: 'line-token-0123' },
    });
    const subscription = lineConnector.subscriptions![0]!;
    const { host, stored } = recordingHost();
    let position: string | undefined;
    host.savePosition = async (p) => {
      position = p;
    };
    const controller = new AbortController();
    const first = runSession(runtime, subscription, host, controller.signal);
    await waitFor(() => vendor!.clients() === 1);
    vendor.push({ agent: 'jdoe', state: 'ringing', call: 'c1' });
    await waitFor(() => stored.length === 1);
    vendor.drop();
    await first;
    vendor.push({ agent: 'jdoe', state: 'talking', call: 'c1' }); // while nobody is connected
    const second = runSession(
      runtime,
      subscription,
      { ...host, ...(position ? { position } : {}) },
      controller.signal,
    );
    await waitFor(() => stored.length === 2);
    controller.abort();
    await second;
    expect(stored.map((m) => m.lifecycle)).toEqual(['offered', 'answered']);
  });

  it('outlives a client that resets its connection, and serves the next one', async () => {
    vendor = await startLineVendor({ token: 'line-token-0123' });
    const [host, port] = vendor.url.slice('tcp://'.length).split(':');
    const client = connect(Number(port), host!);
    await new Promise<void>((resolve) => client.once('connect', resolve));
    client.write(`${JSON.stringify({ op: 'hello', token: 'line-token-0123' })}\n`);
    await waitFor(() => vendor!.clients() === 1);
    client.resetAndDestroy(); // a TCP reset: the emulator's side reads ECONNRESET
    await waitFor(() => vendor!.clients() === 0);
    const runtime = createRuntime(lineConnector, {
      options: { lineUrl: vendor.url, lineToken: 'line-token-0123' },
    });
    const { host: sessionHost, stored } = recordingHost();
    const controller = new AbortController();
    const session = runSession(runtime, lineConnector.subscriptions![0]!, sessionHost, controller.signal);
    await waitFor(() => vendor!.clients() === 1);
    vendor.push({ agent: 'jdoe', state: 'ringing', call: 'c2' });
    await waitFor(() => stored.length === 1);
    controller.abort();
    await session;
  });

  it('ends the session as on a close when the vendor resets the connection, and keeps what came before', async () => {
    // A vendor that drops the connection with the client's ack still unread sends a TCP reset.
    const server = createServer((socket) => {
      socket.on('error', () => {});
      let greeted = false;
      socket.on('data', (chunk) => {
        if (!greeted) {
          greeted = true;
          socket.write(`${JSON.stringify({ op: 'welcome', expiresInMs: 60_000 })}\n`);
          socket.write(
            `${JSON.stringify({ op: 'event', seq: '1', data: { agent: 'jdoe', state: 'ringing', call: 'c3' } })}\n`,
          );
        } else if (chunk.toString().includes('"ack"')) socket.resetAndDestroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const runtime = createRuntime(lineConnector, {
        options: { lineUrl: `tcp://127.0.0.1:${port}`, lineToken: 'line-token-0123' },
      });
      const { host, stored } = recordingHost();
      await runSession(runtime, lineConnector.subscriptions![0]!, host, new AbortController().signal);
      expect(stored.map((m) => m.lifecycle)).toEqual(['offered']);
    } finally {
      server.close();
    }
  });

  it('reports a refused login as a failed session with the vendor reason', async () => {
    vendor = await startLineVendor({ token: 'line-token-0123' });
    vendor.deny('licence expired');
    const runtime = createRuntime(lineConnector, {
      options: { lineUrl: vendor.url, lineToken: 'line-token-0123' },
    });
    const error = await runSession(
      runtime,
      lineConnector.subscriptions![0]!,
      recordingHost().host,
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as SessionError).failed).toBe(true);
    expect((error as Error).message).toContain('licence expired');
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

describe('a connector with sessions only', () => {
  it('may have no webhook source, and a webhook for it says where its events come from', async () => {
    const runtime = createRuntime(lineConnector, { options: {} });
    const { handleRequest } = await import('../src/pipeline.js');
    const outcome = await handleRequest(runtime, {
      method: 'POST',
      url: 'http://localhost/webhooks/line',
      headers: {},
      query: {},
      rawBody: Buffer.from('{}'),
    });
    expect(outcome.kind).toBe('invalid');
    expect(outcome.answer.status).toBe(404);
    expect('reason' in outcome && outcome.reason).toBe(
      'connector line takes no webhooks: its events come from the vendor sessions the runner holds (line)',
    );
  });

  it('still needs a source or a subscription', () => {
    expect(() =>
      defineConnector({ id: 'empty', displayName: 'x', platforms: ['x'], config: z.object({}), sources: [] }),
    ).toThrow('sources must have at least one source (or subscriptions one subscription)');
  });
});
