import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SECRET } from './helpers/acme.js';
import { type ChildRunner, load, postSigned, spawnRunner } from './helpers/processes.js';
import { createOutbox } from '../src/outbox/index.js';
import { answered, TEST_JWT, until, writeRunnerConfig } from './helpers/runner.js';

// Each attempt in flight when a process dies may have reached OpenConnect without being marked delivered:
// that is the at-least-once window, at most one message per lane (delivery.concurrency, 16) in flight.
const IN_FLIGHT_BOUND = 16;

function deliveredCounts(emulator: Emulator) {
  const out = new Map<string, number>();
  for (const m of emulator.messages)
    out.set(String(m.props.interactionId), (out.get(String(m.props.interactionId)) ?? 0) + 1);
  return out;
}

describe('crash safety', () => {
  let emulator: Emulator;
  let dir: string;
  const children: ChildRunner[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ jwts: [TEST_JWT] });
    dir = mkdtempSync(path.join(tmpdir(), 'runner-crash-'));
  });
  afterAll(async () => {
    for (const child of children) await child.kill();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const writeConfig = (name: string, extra: Record<string, unknown> = {}) =>
    writeRunnerConfig(path.join(dir, name), emulator, extra);
  const env = (config: string, outbox: string) => ({ CONFIG: config, OUTBOX: outbox, TEST_JWT, ACME_SECRET });

  // OUTBOX_SYNC=normal skips the fsync before the 2xx: a killed process loses nothing all the same (the
  // WAL is in the OS's hands), only a power cut could.
  it.each([
    ['synchronous=FULL, the default', 'full', 'fsynced before every 2xx'],
    ['OUTBOX_SYNC=normal', 'normal', 'OUTBOX_SYNC=normal: no fsync before the 2xx'],
  ])(
    'delivers every accepted event after a SIGKILL mid-load and a restart (sqlite, %s)',
    async (_name, sync, bannerNote) => {
      emulator.reset();
      const config = writeConfig(`sqlite-${sync}.json`);
      const outbox = `sqlite:${path.join(dir, `outbox-${sync}.db`)}`;
      const envOf = () => ({
        ...env(config, outbox),
        ...(sync === 'normal' ? { OUTBOX_SYNC: 'NORMAL' } : {}),
      });
      // Deliveries lag intake (7 agents × 5 a second at most) even when a busy machine slows intake, so the
      // kill leaves a backlog; each lane has an attempt in flight, taken by OpenConnect and not yet answered.
      emulator.setDelay(200);
      let runner = await spawnRunner(envOf());
      children.push(runner);
      // The banner is on stderr, the ready line on stdout: either pipe may be read first.
      await until(() => runner.output.join('').includes(bannerNote), 5_000, 'the banner note');
      const traffic = load(() => runner.url, { workers: 6, max: 2000, prefix: `sq${sync}` });
      await until(() => traffic.accepted.length >= 150, 20_000, '150 accepted');
      await runner.kill('SIGKILL');
      await traffic.stop();
      const before = emulator.messages.length;
      // The kill left a backlog: the restarted process has work to do.
      expect(before).toBeLessThan(traffic.accepted.length);
      emulator.setDelay(0);
      runner = await spawnRunner(envOf());
      children.push(runner);
      const accepted = [...traffic.accepted];
      await until(
        () => accepted.every((id) => deliveredCounts(emulator).has(id)),
        30_000,
        'every accepted event',
      );
      const counts = deliveredCounts(emulator);
      const twice = [...counts.values()].filter((c) => c > 1).length;
      expect(accepted.filter((id) => !counts.has(id))).toEqual([]);
      expect(twice).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
      await runner.kill('SIGTERM');
    },
  );

  it('on SIGTERM stops accepting, finishes the send in flight, records it, and exits 0', async () => {
    emulator.reset();
    const file = path.join(dir, 'graceful.db');
    const runner = await spawnRunner(env(writeConfig('graceful.json'), `sqlite:${file}`));
    children.push(runner);
    emulator.setDelay(800); // the emulator stores the message at once and answers 800 ms later
    const res = await postSigned(runner.url, answered('g-1', 'agent-g', 'g-1'));
    expect(res.status).toBe(200);
    await emulator.waitFor(1);
    const exited = new Promise<number | null>((resolve) =>
      runner.child.once('exit', (code) => resolve(code)),
    );
    runner.child.kill('SIGTERM');
    await until(
      () =>
        fetch(`${runner.url}/healthz`).then(
          () => false,
          () => true,
        ),
      3000,
      'the listener to close',
    );
    expect(await exited).toBe(0);
    emulator.setDelay(0);
    const outbox = await createOutbox(`sqlite:${file}`);
    expect(await outbox.stats()).toMatchObject({ queued: 0, retrying: 0, delivered: 1, dead: 0 });
    await outbox.close();
    expect(emulator.messages).toHaveLength(1);
  });

  it.each([
    ['rejection', 'unhandled rejection'],
    ['exception', 'uncaught exception'],
  ])(
    'on an unhandled %s exits 1 after one fatal log line, with no secret in it or on stderr',
    async (fault, what) => {
      const config = writeConfig(`fault-${fault}.json`);
      const runner = await spawnRunner(
        { ...env(config, `sqlite:${path.join(dir, `fault-${fault}.db`)}`), FAULT: fault },
        { preload: 'fault-on-signal.ts' },
      );
      children.push(runner);
      const exited = new Promise<number | null>((resolve) =>
        runner.child.once('exit', (code) => resolve(code)),
      );
      runner.child.kill('SIGUSR2');
      expect(await exited).toBe(1);
      const output = runner.output.join('');
      const fatal = output
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"level":"fatal"'))
        .map((line) => JSON.parse(line) as { msg: string; err: { message: string } });
      expect(fatal).toHaveLength(1);
      expect(fatal[0]!.msg).toBe(`${what}: the runner stops (a bug: please report this line)`);
      expect(fatal[0]!.err.message).toMatch(/^GET https:\/\/connect\.openmethodscloud\.com\/.+ failed$/);
      expect(output).toContain('[redacted]'); // the error's fields were written, the jwt in them was not
      expect(output).not.toContain(TEST_JWT);
      expect(output).not.toContain('Node.js v'); // not Node's own report
    },
  );

  // Two runners sharing Redis, one SIGKILLed mid-load: test/soak.test.ts (redis-replica-loss), on a
  // redis-server of its own with an append-only file.
});
