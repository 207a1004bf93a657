// runSession, the one loop every host runs a vendor session with: each emitted frame goes through the mapping
// and the host's store in order, is tried again while it cannot be stored, saves its position only behind a
// stored frame, and what expires is renewed before it does (issue 17: the gaps mutation testing showed).
import { getEventListeners } from 'node:events';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createMemoryStateStore,
  createRuntime,
  defineConnector,
  defineSubscription,
  type EmitResult,
  ignore,
  InputError,
  PROP,
  defaultRetryDelay,
  runSession,
  SessionError,
  type SessionContext,
  type SessionHost,
} from '../src/index.js';

interface Frame {
  agent?: string;
  call: string;
  state: 'talking' | 'idle';
}
type Session = (ctx: SessionContext<{ token: string }, undefined, Frame>) => Promise<void>;

function setup(connect: Session, stateWrites?: 'after-store') {
  const subscription = defineSubscription<Frame, { token: string }, undefined, Frame>({
    id: 'calls',
    description: 'calls over a held session',
    enabled: () => true,
    connect,
    parse: (frame) => {
      if (!frame.agent) throw new InputError('the frame names no agent', 'agent');
      return frame;
    },
    eventId: (frame) => `${frame.call}:${frame.state}`,
    map: async (frame, ctx) => {
      if (frame.state === 'idle') return ignore(`${frame.agent} is idle`);
      await ctx.state.set(`seen:${frame.call}`, true);
      return {
        agentid: frame.agent!,
        lifecycle: 'answered',
        props: { [PROP.interactionId]: frame.call, [PROP.leg]: 'primary' },
      };
    },
    ...(stateWrites ? { stateWrites } : {}),
  });
  const connector = defineConnector({
    id: 'acme',
    displayName: 'Acme',
    platforms: ['Acme'],
    config: z.object({ token: z.string() }),
    secrets: ['token'],
    sources: [],
    subscriptions: [subscription],
  });
  const state = createMemoryStateStore();
  const runtime = createRuntime(connector, { options: { token: 'secret-token-42' } }, { state });
  const seen = {
    stored: [] as string[],
    bad: [] as string[],
    statuses: [] as (string | undefined)[],
    warnings: [] as string[],
    errors: [] as string[],
    frames: [] as EmitResult[],
    positions: [] as string[],
    renewals: [] as unknown[][],
    delays: [] as number[],
  };
  const host = (over: Partial<SessionHost> = {}): SessionHost => ({
    store: async (messages) => {
      seen.stored.push(...messages.map((m) => `${m.agentid}:${m.props.interactionId}`));
      return { stored: messages.length, duplicates: 0 };
    },
    http: axios.create(),
    log: {
      info: () => {},
      warn: (_o: unknown, msg: string) => void seen.warnings.push(msg),
      error: (o: { err?: string }, msg: string) => void seen.errors.push(`${msg}: ${o.err}`),
      debug: () => {},
    } as never,
    publicUrl: 'https://oc.example.com',
    onStatus: (status, detail) =>
      void seen.statuses.push(detail === undefined ? status : `${status}: ${detail}`),
    onFrame: (result) => void seen.frames.push(result),
    onBadFrame: (reason) => void seen.bad.push(reason),
    onRenewal: (...args) => void seen.renewals.push(args),
    retryDelayMs: (attempt) => {
      seen.delays.push(attempt);
      return 1;
    },
    ...over,
  });
  const run = (h: SessionHost, signal = new AbortController().signal) =>
    runSession(runtime, subscription, h, signal);
  return { run, host, seen, state };
}

describe('runSession', () => {
  it('hands the context what the session needs: its instance, position and webhook URL', async () => {
    let ctx: SessionContext | undefined;
    const { run, host } = setup(async (c) => {
      ctx = c as never;
    });
    await run(host({ instance: 'station-4001', position: 'offset-17' }));
    expect(ctx!.instance).toBe('station-4001');
    expect(ctx!.position).toBe('offset-17');
    expect(ctx!.webhookUrl('calls')).toBe('https://oc.example.com/webhooks/acme/calls');
    const bare = setup(async (c) => {
      ctx = c as never;
    });
    await bare.run(bare.host());
    expect('instance' in ctx! || 'position' in ctx!).toBe(false);
  });

  it("stores a frame, tries one the store refused again after the host's delay, and saves the position behind it", async () => {
    let failures = 2;
    let results: EmitResult[] = [];
    const { run, host, seen } = setup(async (ctx) => {
      results = [await ctx.emit({ agent: 'jdoe', call: 'c-1', state: 'talking' }, { position: 'p-1' })];
    });
    await run(
      host({
        store: async (messages) => {
          if (failures-- > 0) throw new Error('the outbox is down (token secret-token-42)');
          seen.stored.push(...messages.map((m) => `${m.agentid}:${m.props.interactionId}`));
          return { stored: 1, duplicates: 0 };
        },
        savePosition: async (position) => void seen.positions.push(position),
      }),
    );
    expect(results).toEqual([{ kind: 'accepted', stored: 1, duplicates: 0 }]);
    expect(seen.stored).toEqual(['jdoe:c-1']);
    expect(seen.delays).toEqual([0, 1]);
    expect(seen.warnings).toEqual([
      'frame not stored yet; trying again',
      'frame not stored yet; trying again',
    ]);
    expect(seen.positions).toEqual(['p-1']);
    expect(seen.frames).toEqual([{ kind: 'accepted', stored: 1, duplicates: 0 }]);
  });

  it('gives a refused frame back at once when asked not to retry, its reason cleared of secrets', async () => {
    let result: EmitResult | undefined;
    const { run, host, seen } = setup(async (ctx) => {
      result = await ctx.emit(
        { agent: 'jdoe', call: 'c-2', state: 'talking' },
        { retry: false, position: 'p-2' },
      );
    });
    await run(
      host({
        store: async () => Promise.reject(new Error('no room for secret-token-42')),
        savePosition: async (p) => void seen.positions.push(p),
      }),
    );
    expect(result).toEqual({
      kind: 'failed',
      stored: 0,
      duplicates: 0,
      reason: 'the messages could not be stored: no room for [redacted]',
    });
    expect(seen.positions).toEqual([]);
    expect(seen.frames).toEqual([]);
  });

  it('reports an invalid frame as bad and an ignored one with its reason, and goes on', async () => {
    const results: EmitResult[] = [];
    const { run, host, seen } = setup(async (ctx) => {
      results.push(await ctx.emit({ call: 'c-3', state: 'talking' }));
      results.push(await ctx.emit({ agent: 'jdoe', call: 'c-3', state: 'idle' }));
    });
    await run(host());
    expect(results).toEqual([
      {
        kind: 'invalid',
        stored: 0,
        duplicates: 0,
        reason: expect.stringContaining('the frame names no agent'),
      },
      { kind: 'ignored', stored: 0, duplicates: 0, reason: 'jdoe is idle' },
    ]);
    expect(seen.bad).toEqual([expect.stringContaining('the frame names no agent')]);
    expect(seen.stored).toEqual([]);
  });

  it("keeps an after-store mapping's state until the frame is stored, then writes it", async () => {
    let failures = 1;
    let before: unknown = 'unread';
    const { run, host, state } = setup(async (ctx) => {
      await ctx.emit({ agent: 'jdoe', call: 'c-6', state: 'talking' });
    }, 'after-store');
    await run(
      host({
        store: async () => {
          before = await state.get('acme:seen:c-6');
          if (failures-- > 0) throw new Error('not yet');
          return { stored: 1, duplicates: 0 };
        },
      }),
    );
    expect(before).toBeUndefined();
    expect(await state.get('acme:seen:c-6')).toBe(true);
  });

  it("writes an after-store mapping's state once the frame is stored, and logs a position it could not save", async () => {
    const { run, host, seen, state } = setup(async (ctx) => {
      await ctx.emit({ agent: 'jdoe', call: 'c-4', state: 'talking' }, { position: 'p-4' });
    }, 'after-store');
    await run(host({ savePosition: async () => Promise.reject(new Error('disk full')) }));
    expect(await state.get('acme:seen:c-4')).toBe(true);
    expect(seen.warnings).toEqual(['could not save the stream position']);
  });

  it('passes statuses on without secrets, and none once stopped', async () => {
    const stop = new AbortController();
    const { run, host, seen } = setup(async (ctx) => {
      ctx.status('connecting', 'to wss://vendor.example?key=secret-token-42');
      ctx.status('connected');
      stop.abort();
      ctx.status('degraded', 'late');
    });
    await run(host(), stop.signal);
    expect(seen.statuses).toEqual(['connecting: to wss://vendor.example?key=[redacted]', 'connected']);
  });

  it('renews before expiry, again at the next expiry, and ends the session when a renewal fails', async () => {
    let renewals = 0;
    const { run, host, seen } = setup(async (ctx) => {
      ctx.renewBefore('channel', Date.now() + 40, async () => {
        renewals++;
        if (renewals === 1) return Date.now() + 40;
        throw new SessionError('the vendor said no to secret-token-42', {
          failed: true,
          retryAfterMs: 5_000,
        });
      });
      await ctx.sleep(5_000);
    });
    const ended = await run(host()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ended).toBeInstanceOf(SessionError);
    expect(ended).toMatchObject({
      message: 'renewing the channel failed: the vendor said no to [redacted]',
      failed: true,
      retryAfterMs: 5_000,
    });
    expect(seen.renewals).toEqual([
      ['channel', true],
      ['channel', false, 'the vendor said no to [redacted]'],
    ]);
  });

  it('waits 250 ms before the first retry by default', async () => {
    let failures = 1;
    const started = Date.now();
    const { run, host } = setup(
      async (ctx) => void (await ctx.emit({ agent: 'jdoe', call: 'c-5', state: 'talking' })),
    );
    const h = host({
      store: async () => {
        if (failures-- > 0) throw new Error('not yet');
        return { stored: 1, duplicates: 0 };
      },
    });
    delete h.retryDelayMs;
    await run(h);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe('runSession, the edges', () => {
  it('waits 250 ms, doubling with each attempt, at most 10 s, before storing a frame again', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(defaultRetryDelay)).toEqual([
      250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('starts a session already stopped when the signal was aborted before it began: a frame is refused', async () => {
    const stop = new AbortController();
    stop.abort();
    let aborted: boolean | undefined;
    let refusal: unknown;
    const { run, host, seen } = setup(async (ctx) => {
      aborted = ctx.signal.aborted;
      refusal = await ctx
        .emit({ agent: 'jdoe', call: 'c-7', state: 'talking' })
        .catch((error: unknown) => error);
    });
    await run(host(), stop.signal);
    expect(aborted).toBe(true);
    expect(refusal).toBeInstanceOf(SessionError);
    expect((refusal as SessionError).message).toBe('the calls session was stopped');
    expect(seen.stored).toEqual([]);
  });

  it('logs each retry with its attempt number and the reason, cleared of secrets', async () => {
    let failures = 2;
    const warned: unknown[] = [];
    const { run, host } = setup(
      async (ctx) => void (await ctx.emit({ agent: 'jdoe', call: 'c-8', state: 'talking' })),
    );
    const h = host({
      store: async () => {
        if (failures-- > 0) throw new Error('down (secret-token-42)');
        return { stored: 1, duplicates: 0 };
      },
    });
    h.log = { ...h.log, warn: (o: unknown) => void warned.push(o) } as never;
    await run(h);
    const reason = 'the messages could not be stored: down ([redacted])';
    expect(warned).toEqual([
      { subscription: 'calls', attempt: 1, reason },
      { subscription: 'calls', attempt: 2, reason },
    ]);
  });

  it('saves no position for a frame emitted without one', async () => {
    const saved: unknown[] = [];
    const { run, host } = setup(
      async (ctx) => void (await ctx.emit({ agent: 'jdoe', call: 'c-9', state: 'talking' })),
    );
    await run(host({ savePosition: async (position) => void saved.push(position) }));
    expect(saved).toEqual([]);
  });

  it('renews once when the renewal names no next expiry', async () => {
    let renewals = 0;
    const { run, host, seen } = setup(async (ctx) => {
      ctx.renewBefore('lease', Date.now() + 20, async () => {
        renewals++;
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
    });
    await run(host());
    expect(renewals).toBe(1);
    expect(seen.renewals).toEqual([['lease', true]]);
  });

  it('does not renew once stopped, even while the session is still winding down', async () => {
    const stop = new AbortController();
    let renewals = 0;
    const { run, host } = setup(async (ctx) => {
      ctx.renewBefore('lease', Date.now() + 20, async () => {
        renewals++;
        return Date.now() + 20;
      });
      stop.abort();
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    await run(host(), stop.signal);
    expect(renewals).toBe(0);
  });

  it('ends the session on a failed renewal for a host that does not follow renewals, with no vendor hints from a plain error', async () => {
    const { run, host } = setup(async (ctx) => {
      ctx.renewBefore('token', Date.now() + 20, async () => {
        throw new Error('expired');
      });
      await ctx.sleep(5_000);
    });
    const h = host();
    delete h.onRenewal;
    const ended = await run(h).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ended).toBeInstanceOf(SessionError);
    expect((ended as SessionError).message).toBe('renewing the token failed: expired');
    expect((ended as SessionError).retryAfterMs).toBeUndefined();
  });
});

describe('listeners on the host signal', () => {
  it('are removed when a session ends and when a sleep ends, so a long-lived signal does not collect them', async () => {
    const { sleep } = await import('../src/subscription.js');
    const stop = new AbortController();
    const { run, host } = setup(async (ctx) => void (await ctx.sleep(1)));
    await run(host(), stop.signal);
    await run(host(), stop.signal);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    await sleep(1, stop.signal);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
