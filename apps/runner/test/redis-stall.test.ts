// Issue 15, item 1: a 503 means "not stored". The runner's own Redis is SIGSTOPped for longer than
// limits.storeTimeoutMs while thousands of webhooks arrive: each gets a 503, none of them is stored or
// delivered once Redis runs again, and the runner's memory does not grow with the refused requests.
// The runner is a child process (what `pnpm start` runs), so its RSS is its own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SECRET } from './helpers/acme.js';
import { type ChildRunner, postSigned, spawnRunner } from './helpers/processes.js';
import { PERSISTENT, type RedisServer, startRedisServer } from './helpers/redis-server.js';
import { answered, TEST_JWT, until, writeRunnerConfig } from './helpers/runner.js';

const REFUSED = 6_000; // webhooks sent while Redis is stopped
const CONCURRENCY = 64;
const PAYLOAD = 'q'.repeat(32 * 1024); // a 32 KiB prop: what a queued write costs shows in the RSS
const PREFIX = 'stall';
const HEAP_MIB = 128;

/** The process's resident and peak resident memory, in MiB (Linux /proc). */
function memoryOf(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

function post(runner: ChildRunner, id: string, queue = 'Support') {
  const event = answered(id, `agent-${id.length % 5}`, id);
  return postSigned(runner.url, { ...event, call: { ...event.call, queue } });
}

describe('Redis stopped (SIGSTOP) for longer than limits.storeTimeoutMs', () => {
  let redis: RedisServer;
  let emulator: Emulator;
  let runner: ChildRunner;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedisServer(PERSISTENT);
    emulator = await startEmulator({ jwts: [TEST_JWT] });
    dir = mkdtempSync(path.join(tmpdir(), 'runner-stall-'));
    const config = writeRunnerConfig(path.join(dir, 'runner.json'), emulator, {
      limits: { storeTimeoutMs: 1_000, ratePerSecond: 1_000_000, burst: 1_000_000 },
    });
    runner = await spawnRunner({
      CONFIG: config,
      OUTBOX: `${redis.url}?prefix=${PREFIX}`,
      TEST_JWT,
      ACME_SECRET,
      // The heap the runner may use: what it keeps through the outage must fit, however many are refused.
      NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}`,
    });
  }, 60_000);
  afterAll(async () => {
    redis?.resume();
    await runner?.kill('SIGKILL');
    await emulator?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers each webhook 503, stores and delivers none of them after SIGCONT, and keeps memory bounded', async () => {
    for (let i = 0; i < 20; i++) expect((await post(runner, `pre-${i}`)).status).toBe(200);
    await until(() => emulator.messages.length === 20, 10_000, 'the first 20 deliveries');
    const before = memoryOf(runner.child.pid!);

    redis.pause();
    const statuses = new Map<number, number>();
    let next = 0;
    const send = (until: number) =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < until) {
            // No answer at all (0): the runner died, e.g. out of memory.
            const status = await post(runner, `refused-${next++}`, PAYLOAD).then(
              async (res) => {
                await res.arrayBuffer();
                return res.status;
              },
              () => 0,
            );
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
        }),
      );
    // Two halves: what the first leaves behind (the heap's own headroom for garbage included) must not grow
    // with the second; queued writes would add their payload again.
    await send(REFUSED / 2);
    const half = memoryOf(runner.child.pid!);
    await send(REFUSED);
    const during = memoryOf(runner.child.pid!);
    redis.resume();

    // Once Redis runs again, whatever the runner had queued for it has run (or been refused by Redis).
    await until(
      async () => (await fetch(`${runner.url}/readyz`)).status === 200,
      20_000,
      'the runner to be ready again',
    );
    expect((await post(runner, 'post-0')).status).toBe(200);
    await until(() => emulator.messages.length >= 21, 10_000, 'the delivery after the outage');

    const client = redis.client();
    const storedIds = await client.zrange(`${PREFIX}:all`, 0, -1);
    const stored = (await client.mget(...storedIds.map((id) => `${PREFIX}:rec:${id}`))).map(
      (json) => (JSON.parse(json!) as { props: { interactionId: string } }).props.interactionId,
    );
    const refusedStored = stored.filter((id) => id.startsWith('refused-'));
    const delivered = emulator.messages.map((m) => String(m.props.interactionId));
    const growth = during.peak - before.rss;
    const secondHalf = during.peak - half.peak;
    console.log(
      `redis SIGSTOP: ${REFUSED} webhooks during the stop → ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `stored afterwards ${refusedStored.length}, delivered ${delivered.filter((id) => id.startsWith('refused-')).length}; ` +
        `RSS ${before.rss.toFixed(0)} MiB before, peak ${half.peak.toFixed(0)} MiB after half, ` +
        `${during.peak.toFixed(0)} MiB after all (+${growth.toFixed(0)} MiB for ` +
        `${((REFUSED * PAYLOAD.length) / 2 ** 20).toFixed(0)} MiB of refused payload; second half +${secondHalf.toFixed(0)} MiB)`,
    );

    expect(Object.fromEntries(statuses)).toEqual({ 503: REFUSED });
    expect(refusedStored).toEqual([]);
    expect(await client.zcard(`${PREFIX}:handoff`)).toBe(0);
    expect(delivered.filter((id) => id.startsWith('refused-'))).toEqual([]);
    expect(delivered.sort()).toEqual([...Array.from({ length: 20 }, (_, i) => `pre-${i}`), 'post-0'].sort());
    // Each half refuses 47 MiB of payload; queued writes would hold it (twice: record and command).
    expect(secondHalf).toBeLessThan(24);
  }, 180_000);
});
