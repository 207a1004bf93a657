// A stop while the Redis outbox's Redis is gone, or while a send outlasts the stop's deadline: close() ends soon,
// saying why, instead of waiting for a Redis that does not come back (ioredis queues commands while it reconnects,
// and BullMQ's worker waits for them). Each test runs a redis-server of its own: the shared one is never stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createOutbox, type Outbox } from '../src/outbox/index.js';
import { ACME_SECRET } from './helpers/acme.js';
import { postSigned, spawnRunner } from './helpers/processes.js';
import { FORGETFUL, type RedisServer, startRedisServer } from './helpers/redis-server.js';
import { answered, TEST_JWT, until, writeRunnerConfig } from './helpers/runner.js';
import { message, scriptedSender, sleep, waitUntil } from './outbox/helpers.js';

const servers: RedisServer[] = [];
const outboxes: Outbox[] = [];
async function redisServer() {
  const server = await startRedisServer(FORGETFUL);
  servers.push(server);
  return server;
}
async function open(redis: RedisServer, options: { closeTimeoutMs?: number } = {}) {
  const outbox = await createOutbox(`${redis.url}?prefix=gone`, {
    redis: { acceptDataLoss: true, partitions: 4, lockDurationMs: 1_000, stalledIntervalMs: 500, ...options },
  });
  outboxes.push(outbox);
  return outbox;
}

afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  for (const outbox of outboxes) await outbox.close().catch(() => {});
  for (const server of servers) await server.stop();
});

describe('the Redis outbox, closed', () => {
  it('once its Redis is gone: rejects within seconds, naming the host, and nothing is printed meanwhile', async () => {
    const redis = await redisServer();
    // BullMQ prints a connection error it has no listener for to stderr, outside the runner's log.
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const outbox = await open(redis);
    const sender = scriptedSender();
    outbox.start(sender.deliver);
    await outbox.enqueue([message('agent-1', 'before')]);
    await waitUntil(() => sender.log.length === 1, 8_000, 'the delivery');
    await redis.stop();
    await sleep(1_500); // every connection fails to reconnect a few times
    const calledAt = Date.now();
    await expect(outbox.close()).rejects.toThrow(
      `the Redis outbox at 127.0.0.1:${redis.port} lost Redis while closing: closed without waiting further`,
    );
    expect(Date.now() - calledAt).toBeLessThan(8_000); // closeTimeoutMs is 15 s here
    expect(printed.mock.calls.map((call) => String(call[0]))).toEqual([]);
  });

  it('while a send outlasts closeTimeoutMs: rejects at the deadline, and the message is sent again after a restart', async () => {
    const redis = await redisServer();
    const outbox = await open(redis, { closeTimeoutMs: 500 });
    const slow = scriptedSender({}, 3_000);
    outbox.start(slow.deliver);
    const { stored } = await outbox.enqueue([message('agent-1', 'slow')]);
    await waitUntil(() => slow.log.length === 1, 8_000, 'the attempt to start');
    const calledAt = Date.now();
    await expect(outbox.close()).rejects.toThrow(
      'did not close within 500 ms: closed without waiting further',
    );
    expect(Date.now() - calledAt).toBeLessThan(3_000);
    // The next runner takes the message over once the dropped worker's lock expires (lockDurationMs).
    const again = await open(redis);
    const next = scriptedSender();
    again.start(next.deliver);
    await waitUntil(
      async () => (await again.get(stored[0]!.id))?.status === 'delivered',
      15_000,
      'the delivery',
    );
    expect(next.delivered()).toEqual(['slow']);
  });
});

describe('the runner on a Redis outbox, stopped once Redis is gone', () => {
  let emulator: Emulator | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await emulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 within seconds of SIGTERM, saying why on stderr, with no stack trace printed', async () => {
    const redis = await redisServer();
    emulator = await startEmulator({ jwts: [TEST_JWT] });
    dir = mkdtempSync(path.join(tmpdir(), 'runner-gone-'));
    const config = writeRunnerConfig(path.join(dir, 'runner.json'), emulator, {
      delivery: { redis: { acceptDataLoss: true, closeTimeoutMs: 60_000 } },
    });
    const runner = await spawnRunner({
      CONFIG: config,
      OUTBOX: `${redis.url}?prefix=gone`,
      TEST_JWT,
      ACME_SECRET,
    });
    try {
      const res = await postSigned(runner.url, answered('gone-1', 'agent-g', 'gone-1'));
      expect(res.status).toBe(200);
      await emulator.waitFor(1);
      await redis.stop();
      await sleep(1_500);
      const exited = new Promise<number | null>((resolve) =>
        runner.child.once('exit', (code) => resolve(code)),
      );
      const signalledAt = Date.now();
      runner.child.kill('SIGTERM');
      await until(() => runner.child.exitCode !== null, 14_000, 'the runner to exit');
      expect(await exited).toBe(1);
      expect(Date.now() - signalledAt).toBeLessThan(10_000); // not the deadline: Redis is away
      const output = runner.output.join('');
      expect(output).toContain(
        `shutdown failed: the Redis outbox at 127.0.0.1:${redis.port} lost Redis while closing: closed without waiting further`,
      );
      expect(output).not.toMatch(/^\s+at /m);
      expect(output).not.toContain(TEST_JWT);
    } finally {
      await runner.kill('SIGKILL');
    }
  });
});
