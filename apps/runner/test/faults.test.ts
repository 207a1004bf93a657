import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answered, startTestRunner, type TestRunner, until } from './helpers/runner.js';

/** How many times each interaction id reached the emulator. */
function counts(t: TestRunner): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of t.emulator.messages)
    out.set(String(m.props.interactionId), (out.get(String(m.props.interactionId)) ?? 0) + 1);
  return out;
}

async function metric(t: TestRunner, line: string): Promise<number> {
  const text = await (await fetch(`${t.runner.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.split(' ').pop()) : 0;
}

async function accept(t: TestRunner, prefix: string, n: number, agent = (i: number) => `agent-${i % 3}`) {
  for (let i = 0; i < n; i++) {
    const res = await t.postAcme(answered(`${prefix}-${i}`, agent(i), `${prefix}-${i}`));
    expect(res.status).toBe(200);
  }
}

describe('delivery faults (sqlite outbox)', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ outbox: 'real' });
  });
  afterEach(async () => {
    t.emulator.reset();
    await t.emulator.accept();
  });
  afterAll(() => t.close());

  it('keeps accepting while OpenConnect is unreachable and delivers everything once it is back', async () => {
    await t.emulator.refuseConnections();
    await accept(t, 'down', 12);
    await new Promise((r) => setTimeout(r, 400));
    expect(t.emulator.messages).toEqual([]);
    expect((await t.runner.outbox.stats()).retrying).toBeGreaterThan(0);
    await t.emulator.accept();
    await until(() => counts(t).size === 12, 10_000, 'all 12 after the outage');
    expect([...counts(t).values()].every((c) => c === 1)).toBe(true);
    expect(await metric(t, 'openconnect_delivery_retries_total{connector="acme"}')).toBeGreaterThan(0);
  });

  it('counts deliveries, their latency and the outbox depth in /metrics', async () => {
    const before = await metric(t, 'openconnect_deliveries_total{connector="acme"}');
    await accept(t, 'metrics', 4);
    await until(() => counts(t).size === 4, 5000, 'four deliveries');
    await until(async () => (await t.runner.outbox.stats()).queued === 0, 5000, 'an empty queue');
    expect(await metric(t, 'openconnect_deliveries_total{connector="acme"}')).toBe(before + 4);
    expect(await metric(t, 'openconnect_delivery_latency_seconds_count{connector="acme"}')).toBe(before + 4);
    expect(await metric(t, 'openconnect_messages_accepted_total{connector="acme"}')).toBe(before + 4);
    expect(await metric(t, 'openconnect_outbox_depth{status="queued"}')).toBe(0);
    expect(await metric(t, 'openconnect_delivery_paused')).toBe(0);
  });

  it('rides out a storm of 5xx answers, delivering each message once and each agent in order', async () => {
    t.emulator.failNext(25, 503);
    await accept(t, 'storm', 10);
    await until(() => counts(t).size === 10, 10_000, 'all 10 after the storm');
    expect([...counts(t).values()].every((c) => c === 1)).toBe(true);
    for (const agent of ['agent-0', 'agent-1', 'agent-2']) {
      const ids = t.emulator.messages
        .filter((m) => m.agentid === agent)
        .map((m) => Number(String(m.props.interactionId).split('-')[1]));
      expect(ids, agent).toEqual([...ids].sort((a, b) => a - b));
    }
  });

  it('retries after timeouts; a message OpenConnect took but answered too late may arrive twice (at-least-once)', async () => {
    t.emulator.setDelay(1_500); // beyond the 1,000 ms client timeout
    await accept(t, 'slow', 3, () => 'agent-slow');
    await until(() => counts(t).size >= 1, 5000, 'the first late acceptance');
    t.emulator.setDelay(0);
    await until(() => counts(t).size === 3, 10_000, 'all 3 after the timeouts');
    await until(async () => (await t.runner.outbox.stats()).retrying === 0, 5000, 'the retries to settle');
    const dupes = [...counts(t).values()].filter((c) => c > 1).length;
    // Only messages whose attempt timed out after the emulator stored them can repeat.
    expect(dupes).toBeLessThanOrEqual(3);
    expect(await metric(t, 'openconnect_delivery_retries_total{connector="acme"}')).toBeGreaterThan(0);
  });

  it('pauses on a 401 instead of burning retries, alerts, and resumes by itself once the key works', async () => {
    t.emulator.failNext(1, 401);
    await accept(t, 'auth', 2, () => 'agent-auth');
    await until(async () => (await metric(t, 'openconnect_delivery_paused')) === 1, 5000, 'the pause alert');
    // Still ready (intake goes on), with the pause as a warning.
    const ready = await fetch(`${t.runner.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { warnings: string[] }).warnings[0]).toMatch(/^delivery is paused: /);
    await until(() => counts(t).size === 2, 10_000, 'delivery after the probe');
    expect(await metric(t, 'openconnect_delivery_paused')).toBe(0);
    expect(
      (await t.runner.outbox.list({ agentid: 'agent-auth' })).every((r) => r.status === 'delivered'),
    ).toBe(true);
  });
});

describe('401 pause with a slow probe', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({
      outbox: 'real',
      config: { delivery: { pauseProbeMs: 60_000, retry: { baseDelayMs: 20, jitter: 0 } } },
    });
  });
  afterAll(() => t.close());

  it('resumes on POST /admin/resume and delivers what waited', async () => {
    t.emulator.failNext(1, 401);
    await t.postAcme(answered('r-1', 'agent-r', 'r-1'));
    await until(() => t.runner.outbox.pausedReason() !== undefined, 5000, 'the pause');
    await t.postAcme(answered('r-2', 'agent-r', 'r-2'));
    await new Promise((r) => setTimeout(r, 300));
    expect(t.emulator.messages).toEqual([]);
    const res = await t.admin('/resume', { method: 'POST' });
    expect(await res.json()).toMatchObject({ resumed: true });
    await until(() => t.emulator.messages.length === 2, 5000, 'both after resume');
    expect(t.emulator.messages.map((m) => m.props.interactionId)).toEqual(['r-1', 'r-2']);
  });
});
