// A slow OpenConnect: it takes each message at once and answers after the runner's timeout, so every
// attempt that timed out may have been delivered. The runner must not resend back to back: after a
// timeout the agent's lane waits the retry policy's backoff, as after a 5xx, and timeouts are counted.
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSISTENT, type RedisServer, startRedisServer } from './helpers/redis-server.js';
import { answered, CRMID, ref, startTestRunner, TEST_JWT, type TestRunner, until } from './helpers/runner.js';

const TIMEOUT_MS = 300;
const BASE_DELAY_MS = 400;
// Timers never fire early, but the emulator stamps an arrival once the request is read, which can take a
// few ms longer for one attempt than the next (a new connection, a busy machine). A resend straight after
// the timeout would come TIMEOUT_MS apart, far below any bound here.
const ARRIVAL_SLACK_MS = 100;

async function metric(t: TestRunner, line: string): Promise<number> {
  const text = await (await fetch(`${t.runner.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.split(' ').pop()) : 0;
}

async function startSlowRunner(emulator: Emulator, env: Record<string, string> = {}) {
  return startTestRunner({
    emulator,
    env,
    config: {
      openconnect: { url: emulator.endpoint, jwt: ref('TEST_JWT'), crmid: CRMID, timeoutMs: TIMEOUT_MS },
      delivery: { retry: { baseDelayMs: BASE_DELAY_MS, maxDelayMs: 60_000, jitter: 0 }, pauseProbeMs: 200 },
    },
  });
}

/** What every outbox must do with a message whose answers all come after the timeout. */
async function attemptsAtTheBackoffsPace(t: TestRunner) {
  t.emulator.setDelay(10_000); // it stores each message at once and answers long after the timeout
  expect((await t.postAcme(answered('slow-1', 'agent-slow', 'slow-1'))).status).toBe(200);
  const [id] = (await t.runner.outbox.list({ agentid: 'agent-slow' })).map((r) => r.id);
  await until(
    async () => (await t.runner.outbox.get(id!))?.attempts === 4,
    15_000,
    'four timed-out attempts',
  );

  // Four attempts, each one reached OpenConnect: the gap before attempt n+1 is the timeout plus the
  // backoff after n failures (base·2^(n-1), no jitter here), never an attempt straight after a timeout.
  const arrivals = t.emulator.messages.map((m) => Date.parse(m.receivedAt));
  expect(arrivals).toHaveLength(4);
  const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
  gaps.forEach((gap, i) => {
    expect(gap, `gap before attempt ${i + 2}`).toBeGreaterThanOrEqual(
      TIMEOUT_MS + BASE_DELAY_MS * 2 ** i - ARRIVAL_SLACK_MS,
    );
  });
  const record = await t.runner.outbox.get(id!);
  expect(record).toMatchObject({ status: 'retrying', attempts: 4 });
  expect(record?.lastError).toContain(`did not answer within ${TIMEOUT_MS} ms`);
  expect(await metric(t, 'openconnect_delivery_timeouts_total{connector="acme"}')).toBe(4);
  expect(await metric(t, 'openconnect_delivery_retries_total{connector="acme"}')).toBe(4);

  // OpenConnect answers in time again: the fifth attempt delivers. It got the message five times: the
  // at-least-once window of a slow OpenConnect is one copy per timed-out attempt.
  t.emulator.setDelay(0);
  await until(async () => (await t.runner.outbox.get(id!))?.status === 'delivered', 15_000, 'the delivery');
  expect(t.emulator.messages.map((m) => m.props.interactionId)).toEqual(Array(5).fill('slow-1'));
  expect(await metric(t, 'openconnect_delivery_timeouts_total{connector="acme"}')).toBe(4);
  expect(await metric(t, 'openconnect_deliveries_total{connector="acme"}')).toBe(1);
}

describe('a slow OpenConnect (sqlite outbox)', () => {
  let emulator: Emulator;
  let t: TestRunner;
  beforeAll(async () => {
    emulator = await startEmulator({ jwts: [TEST_JWT] });
    t = await startSlowRunner(emulator);
  });
  afterAll(async () => {
    await t.close();
    await emulator.close();
  });

  it('attempts a message answered after the timeout at the backoff pace, counting each timeout', () =>
    attemptsAtTheBackoffsPace(t));
});

// Its own persistent redis-server: a Redis that could lose accepted events is no place to prove delivery.
describe('a slow OpenConnect (redis outbox)', () => {
  let redis: RedisServer;
  let emulator: Emulator;
  let t: TestRunner;
  beforeAll(async () => {
    redis = await startRedisServer(PERSISTENT);
    emulator = await startEmulator({ jwts: [TEST_JWT] });
    t = await startSlowRunner(emulator, { OUTBOX: `${redis.url}?prefix=slow` });
  });
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
    await redis?.stop();
  });

  it('attempts a message answered after the timeout at the backoff pace, counting each timeout', () =>
    attemptsAtTheBackoffsPace(t));
});
