// Two runner processes on one Redis: exactly one holds the vendor session (a lease in Redis); SIGKILL it and
// the other takes over within the lease TTL plus one reconnect, resuming from the stored position.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, type LineVendor, startEmulator, startLineVendor } from '@openconnect/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscriptionView } from '../src/index.js';
import { ACME_SECRET } from './helpers/acme.js';
import { type ChildRunner, spawnRunner } from './helpers/processes.js';
import { ADMIN_TOKEN, ref, TEST_JWT, until, writeRunnerConfig } from './helpers/runner.js';

const LINE_TOKEN = 'line-token-failover-0123';
const LEASE_TTL_MS = 1_500;

describe('one holder per subscription across replicas (Redis)', () => {
  let emulator: Emulator;
  let vendor: LineVendor;
  let dir: string;
  const prefix = `oc-failover-${randomUUID().slice(0, 8)}`;
  const children: ChildRunner[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ jwts: [TEST_JWT] });
    vendor = await startLineVendor({ token: LINE_TOKEN, sessionMs: 5_000 });
    dir = mkdtempSync(path.join(tmpdir(), 'runner-failover-'));
  });
  afterAll(async () => {
    for (const child of children) await child.kill();
    await emulator.close();
    await vendor.close();
    const redis = new Redis('redis://127.0.0.1:6379/0');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  const subscriptionsOf = async (child: ChildRunner) => {
    const res = await fetch(`${child.url}/admin/subscriptions`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return ((await res.json()) as { subscriptions: SubscriptionView[] }).subscriptions[0]!;
  };

  it('takes over within the lease TTL after the holder is SIGKILLed, and loses nothing', async () => {
    const config = writeRunnerConfig(path.join(dir, 'runner.json'), emulator, {
      subscriptions: { leaseTtlMs: LEASE_TTL_MS, backoffBaseMs: 100, backoffMaxMs: 500 },
      delivery: {
        retry: { baseDelayMs: 20, maxDelayMs: 200, jitter: 0 },
        redis: { lockDurationMs: 2_000, stalledIntervalMs: 1_000 },
      },
      connectors: {
        acme: { options: { secret: ref('ACME_SECRET') } },
        line: { options: { lineUrl: vendor.url, lineToken: ref('LINE_TOKEN') } },
      },
    });
    const env = {
      CONFIG: config,
      OUTBOX: `redis://127.0.0.1:6379/0?prefix=${prefix}`,
      OUTBOX_ACCEPT_DATA_LOSS: 'yes', // the shared test Redis keeps nothing on disk
      TEST_JWT,
      ACME_SECRET,
      LINE_TOKEN,
      ADMIN_TOKEN,
    };
    const first = await spawnRunner(env);
    children.push(first);
    await until(() => vendor.clients() === 1, 10_000, 'the first replica to hold the session');
    const second = await spawnRunner(env);
    children.push(second);
    await until(
      async () => (await subscriptionsOf(second)).status === 'standby',
      10_000,
      'the second replica on standby',
    );

    const firstView = await subscriptionsOf(first);
    const secondView = await subscriptionsOf(second);
    expect(firstView).toMatchObject({ status: 'connected', holding: true });
    expect(secondView).toMatchObject({ status: 'standby', holding: false, holder: firstView.holder });
    expect(secondView.detail).toBe(`held by ${firstView.holder}`);
    expect(vendor.clients()).toBe(1); // never two sessions

    vendor.push({ agent: 'jdoe', state: 'ringing', call: 'before-kill' });
    await until(() => emulator.messages.length === 1, 10_000, 'the first delivery');
    // Killed only once the delivery is recorded: a kill inside an attempt is the outbox's own at-least-once
    // window (tested in crash.test.ts), which would hold this agent's partition until the job lock expires.
    await until(
      async () => {
        const res = await fetch(`${first.url}/admin/deliveries?status=delivered`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        return ((await res.json()) as { count: number }).count === 1;
      },
      10_000,
      'the delivery to be recorded',
    );

    await first.kill('SIGKILL');
    const killedAt = Date.now();
    // Pushed while nobody holds the session: the vendor keeps them for the next holder's position.
    vendor.push({ agent: 'jdoe', state: 'talking', call: 'before-kill' });
    vendor.push({ agent: 'jdoe', state: 'ringing', call: 'after-kill' });
    await until(async () => (await subscriptionsOf(second)).status === 'connected', 10_000, 'the takeover');
    const tookMs = Date.now() - killedAt;
    // The lease TTL, one standby poll (a third of it) and one reconnect (backoff at most 500 ms).
    expect(tookMs).toBeLessThan(LEASE_TTL_MS + LEASE_TTL_MS / 3 + 500 + 1_000);
    await until(() => emulator.messages.length === 3, 10_000, 'the events sent during the takeover');
    await new Promise((r) => setTimeout(r, 300));
    expect(emulator.messages.map((m) => `${m.props.interactionId}:${m.event}`)).toEqual([
      'before-kill:offered',
      'before-kill:answered',
      'after-kill:offered',
    ]);
    expect((await subscriptionsOf(second)).holder).not.toBe(firstView.holder);
  }, 60_000);

  it('gives the lease up on a graceful stop, so the standby takes over at once', async () => {
    const [, second] = children;
    const config = path.join(dir, 'runner.json');
    const third = await spawnRunner({
      CONFIG: config,
      OUTBOX: `redis://127.0.0.1:6379/0?prefix=${prefix}`,
      OUTBOX_ACCEPT_DATA_LOSS: 'yes', // the shared test Redis keeps nothing on disk
      TEST_JWT,
      ACME_SECRET,
      LINE_TOKEN,
      ADMIN_TOKEN,
    });
    children.push(third);
    await until(
      async () => (await subscriptionsOf(third)).status === 'standby',
      10_000,
      'the third replica on standby',
    );
    const stoppedAt = Date.now();
    await second!.kill('SIGTERM');
    await until(async () => (await subscriptionsOf(third)).status === 'connected', 10_000, 'the takeover');
    // Released, not expired: well under the lease TTL plus the poll.
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_TTL_MS);
  }, 60_000);
});
