// The supervisor, through a real runner (SQLite outbox) holding the line vendor's session on loopback and
// delivering to the OpenConnect emulator: connect, deliver, reconnect and resume, failure shown, bad
// frames counted, graceful stop, start-up checks, and what operators see (admin API, metrics, /readyz).
import {
  ConfigError,
  type ConnectorDefinition,
  defineConnector,
  defineSubscription,
} from '@openconnect/core';
import { type LineVendor, lineConnector, startLineVendor } from '@openconnect/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SubscriptionView } from '../src/index.js';
import { acme } from './helpers/acme.js';
import { ref, startTestRunner, subscriptionViews, type TestRunner, until } from './helpers/runner.js';

const LINE_TOKEN = 'line-token-never-log-0123';

let vendor: LineVendor | undefined;
let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  await vendor?.close();
  test = undefined;
  vendor = undefined;
});

async function start(
  extra: Record<string, unknown> = {},
  connectors: ConnectorDefinition[] = [acme, lineConnector],
) {
  vendor ??= await startLineVendor({ token: LINE_TOKEN, sessionMs: 600 });
  test = await startTestRunner({
    connectors,
    env: { LINE_TOKEN },
    config: {
      subscriptions: { backoffBaseMs: 50, backoffMaxMs: 300, leaseTtlMs: 1_000 },
      connectors: {
        acme: { options: { secret: ref('ACME_SECRET') } },
        line: { options: { lineUrl: vendor.url, lineToken: ref('LINE_TOKEN') } },
      },
      ...extra,
    },
  });
  return test;
}

const view = async (t: TestRunner): Promise<SubscriptionView> => (await subscriptionViews(t))[0]!;
const ringing = (call: string, agent = 'jdoe') => ({ agent, state: 'ringing', call, from: '3175550100' });

describe('the supervisor holds a subscription', () => {
  it('connects at start-up and delivers each pushed event to OpenConnect', async () => {
    const t = await start();
    await until(() => vendor!.clients() === 1, 5_000, 'the session');
    vendor!.push(ringing('c-1'));
    vendor!.push({ agent: 'jdoe', state: 'talking', call: 'c-1' });
    await until(() => t.emulator.messages.length === 2, 5_000, 'two deliveries');
    expect(t.emulator.messages.map((m) => [m.agentid, m.event, m.props.interactionId])).toEqual([
      ['jdoe', 'offered', 'c-1'],
      ['jdoe', 'answered', 'c-1'],
    ]);
    const v = await view(t);
    expect(v).toMatchObject({
      connector: 'line',
      subscription: 'line',
      status: 'connected',
      holding: true,
      holder: t.runner.supervisor.holderId,
      events: { accepted: 2, ignored: 0, invalid: 0 },
      messages: 2,
      reconnects: 0,
    });
    // Acknowledged to the vendor only after the outbox stored it.
    await until(() => vendor!.counters.acked.length === 2, 2_000, 'the acks');
    expect(vendor!.counters.acked).toEqual(['0', '1']);
    const metrics = await (await fetch(`${t.runner.url}/metrics`)).text();
    expect(metrics).toContain('openconnect_subscription_connected{connector="line",subscription="line"} 1');
    expect(metrics).toContain(
      'openconnect_subscription_events_total{connector="line",subscription="line",outcome="accepted"} 2',
    );
    expect(metrics).toMatch(
      /openconnect_subscription_seconds_since_last_event\{connector="line",subscription="line"\} \d/,
    );
    expect(metrics).toContain('openconnect_messages_accepted_total{connector="line"} 2');
    const ready = (await (await fetch(`${t.runner.url}/readyz`)).json()) as { warnings?: string[] };
    expect(ready.warnings).toBeUndefined();
  });

  it('renews the session on the vendor timer, so it never expires', async () => {
    const t = await start();
    await until(() => vendor!.clients() === 1, 5_000, 'the session');
    await new Promise((r) => setTimeout(r, 1_600));
    expect(vendor!.counters.expirations).toBe(0);
    expect(vendor!.counters.renewals).toBeGreaterThanOrEqual(2);
    expect((await view(t)).renewals.ok).toBe(vendor!.counters.renewals);
  });

  it('reconnects after a drop and resumes from the stored position: nothing lost, nothing twice', async () => {
    const t = await start();
    await until(() => vendor!.clients() === 1, 5_000, 'the session');
    vendor!.push(ringing('c-1'));
    await until(() => t.emulator.messages.length === 1, 5_000, 'the first delivery');
    vendor!.drop();
    // Sent while the runner is away: the vendor keeps them, the next session asks from the saved position.
    vendor!.push(ringing('c-2'));
    vendor!.push(ringing('c-3'));
    await until(() => t.emulator.messages.length === 3, 5_000, 'the events sent during the gap');
    await new Promise((r) => setTimeout(r, 200));
    expect(t.emulator.messages.map((m) => m.props.interactionId)).toEqual(['c-1', 'c-2', 'c-3']);
    const v = await view(t);
    expect(v.reconnects).toBeGreaterThanOrEqual(1);
    expect(v.status).toBe('connected');
    expect(vendor!.counters.logins).toBeGreaterThanOrEqual(2);
  });

  it('shows a refused login as failed with the vendor reason, retries, and recovers; the runner stays up', async () => {
    vendor = await startLineVendor({ token: LINE_TOKEN, sessionMs: 600 });
    vendor.deny('licence expired for this tenant');
    const t = await start({ subscriptions: { backoffBaseMs: 400, backoffMaxMs: 400, leaseTtlMs: 1_000 } });
    // Full jitter may draw a short wait, so a later read may find the session connecting again: the view and
    // the readiness that showed the failure are the ones checked.
    let ready = { status: '', warnings: [] as string[] };
    let v: SubscriptionView | undefined;
    await until(
      async () => {
        ready = (await (await fetch(`${t.runner.url}/readyz`)).json()) as typeof ready;
        v = await view(t);
        return v.status === 'failed' && ready.warnings?.join(' ').includes('failed');
      },
      5_000,
      'failed',
    );
    expect(ready.status).toBe('ready');
    expect(ready.warnings.join(' ')).toContain(
      'subscription line/line is failed: the line vendor refused the login: licence expired',
    );
    expect(v!.detail).toContain('licence expired for this tenant');
    expect(v!.lastError).toContain('licence expired');
    expect(v!.holding).toBe(true);
    expect((await fetch(`${t.runner.url}/healthz`)).status).toBe(200);
    // Webhooks are unaffected.
    expect(
      (await t.postAcme({ id: 'e1', type: 'call.answered', agent: 'a1', call: { id: 'c' } })).status,
    ).toBe(200);
    const attempts = vendor.counters.connections;
    await until(() => vendor!.counters.connections >= attempts + 2, 5_000, 'retries with backoff');
    vendor.deny(undefined);
    await until(async () => (await view(t)).status === 'connected', 5_000, 'recovery');
    // The token never leaves: not in logs, not in the admin API.
    expect(t.logs.join('\n')).not.toContain(LINE_TOKEN);
    expect(await (await t.admin('/subscriptions')).text()).not.toContain(LINE_TOKEN);
  });

  it('waits out the backoff when the vendor cannot be reached, with the next attempt shown', async () => {
    vendor = await startLineVendor({ token: LINE_TOKEN });
    await vendor.close();
    const t = await start({ subscriptions: { backoffBaseMs: 400, backoffMaxMs: 400, leaseTtlMs: 1_000 } });
    // The view that showed the failure is the one checked: with a 400 ms backoff, a later read may already
    // find the session connecting again.
    let v: SubscriptionView | undefined;
    await until(
      async () => {
        v = await view(t);
        return v.status === 'failed';
      },
      5_000,
      'failed',
    );
    expect(v!.detail).toMatch(/reconnecting in 0(\.\d)? s/);
    expect(v!.nextAttemptAt).toBeDefined();
    vendor = undefined;
  });

  it('counts a malformed frame, keeps the session, and delivers what follows', async () => {
    const t = await start();
    await until(() => vendor!.clients() === 1, 5_000, 'the session');
    vendor!.sendMalformed();
    vendor!.push({ agent: 'jdoe', state: 'no-such-state', call: 'c-9' });
    vendor!.push(ringing('c-10'));
    await until(() => t.emulator.messages.length === 1, 5_000, 'the good event');
    const v = await view(t);
    expect(v.badFrames).toBe(2);
    expect(v.lastBadFrame).toContain('line event');
    expect(v.reconnects).toBe(0);
    const metrics = await (await fetch(`${t.runner.url}/metrics`)).text();
    expect(metrics).toContain(
      'openconnect_subscription_bad_frames_total{connector="line",subscription="line"} 2',
    );
  });

  it('ends the session on shutdown, within the budget', async () => {
    const t = await start();
    await until(() => vendor!.clients() === 1, 5_000, 'the session');
    const started = Date.now();
    await t.runner.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    await until(() => vendor!.clients() === 0, 2_000, 'the vendor to see the session end');
    expect(t.runner.supervisor.list()[0]!.status).toBe('stopped');
  });

  it('holds nothing with SUBSCRIPTIONS=off (a replica that only takes webhooks)', async () => {
    vendor = await startLineVendor({ token: LINE_TOKEN });
    test = await startTestRunner({
      connectors: [acme, lineConnector],
      env: { LINE_TOKEN, SUBSCRIPTIONS: 'off' },
      config: { connectors: { line: { options: { lineUrl: vendor.url, lineToken: ref('LINE_TOKEN') } } } },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(vendor.counters.connections).toBe(0);
    expect(test.runner.supervisor.list()).toEqual([]);
  });
});

describe('start-up checks', () => {
  const checked = (check: () => Promise<void>) =>
    defineConnector({
      id: 'checked',
      displayName: 'Checked',
      platforms: ['Checked'],
      config: z.object({ queue: z.string() }),
      sources: [],
      subscriptions: [
        defineSubscription({
          id: 'feed',
          description: 'checked feed',
          enabled: () => true,
          check,
          connect: (ctx) => ctx.sleep(60_000),
        }),
      ],
    });

  it('a name the vendor does not know stops start-up, named like any config error', async () => {
    const connector = checked(async () => {
      throw new ConfigError('queue "Sales EMEA" does not exist in this org', 'check the queue name');
    });
    await expect(
      startTestRunner({
        connectors: [connector],
        config: { connectors: { checked: { options: { queue: 'Sales EMEA' } } } },
      }),
    ).rejects.toThrow('connectors.checked (feed): queue "Sales EMEA" does not exist in this org');
  });

  it('a vendor unreachable during the check does not stop start-up', async () => {
    const connector = checked(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    test = await startTestRunner({
      connectors: [connector],
      config: { connectors: { checked: { options: { queue: 'Sales' } } } },
    });
    await until(async () => (await view(test!)).status === 'connecting', 2_000, 'the session');
  });
});

describe('subscriptions with instances (one session per agent)', () => {
  it('holds, shows and leases each instance on its own', async () => {
    const seen: string[] = [];
    const perAgent = defineConnector({
      id: 'per-agent',
      displayName: 'Per agent',
      platforms: ['Per agent'],
      config: z.object({ agents: z.array(z.string()) }),
      sources: [],
      subscriptions: [
        defineSubscription<unknown, { agents: string[] }>({
          id: 'agent-session',
          description: 'one session per agent',
          enabled: (config) => config.agents.length > 0,
          instances: (config) => config.agents,
          async connect(ctx) {
            seen.push(ctx.instance!);
            ctx.status('connected', `as ${ctx.instance}`);
            await ctx.sleep(60_000);
          },
        }),
      ],
    });
    test = await startTestRunner({
      connectors: [perAgent],
      config: { connectors: { 'per-agent': { options: { agents: ['jdoe', 'asmith', 'jdoe'] } } } },
    });
    const t = test;
    await until(() => seen.length === 2, 5_000, 'two sessions');
    expect(seen.sort()).toEqual(['asmith', 'jdoe']);
    expect((await subscriptionViews(t)).map((s) => [s.subscription, s.instance, s.status, s.detail])).toEqual(
      [
        ['agent-session:jdoe', 'jdoe', 'connected', 'as jdoe'],
        ['agent-session:asmith', 'asmith', 'connected', 'as asmith'],
      ],
    );
  });
});
