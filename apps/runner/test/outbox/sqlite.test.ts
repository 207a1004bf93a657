// The SQLite backend: the shared contract on real files in a temp dir, plus what only a file can show.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../src/outbox/index.js';
import { outboxContract } from './contract.js';
import { duplicates, httpDeliver, missing, outOfOrder, spawnProducer, startTarget } from './crash.js';
import { message, scriptedSender, waitUntil } from './helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-sqlite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

outboxContract('sqlite', () => {
  const file = path.join(dir, `t${++n}`, 'outbox.db');
  return { open: (options) => createOutbox(`sqlite:${file}`, options) };
});

describe('sqlite outbox file', () => {
  it('gives an agent its lane again after an intake commit that failed had given it one', async () => {
    const outbox = await createOutbox(`sqlite:${path.join(dir, 'lane-rollback', 'outbox.db')}`);
    try {
      // One commit for both (same turn): the first message inserts agent-x's lane, the second fails (a NOT
      // NULL column), and the whole commit, that lane included, is rolled back.
      const results = await Promise.allSettled([
        outbox.enqueue([message('agent-x', 'one')]),
        outbox.enqueue([message('agent-y', 'bad', { source: null as unknown as string })]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      await outbox.enqueue([message('agent-x', 'two')]);
      const sender = scriptedSender();
      outbox.start(sender.deliver);
      await waitUntil(async () => (await outbox.stats()).delivered === 1);
      expect(sender.delivered()).toEqual(['two']);
    } finally {
      await outbox.close();
    }
  });

  it('delivers each message exactly as stored whether it was kept in memory from the intake or read back (past 32 MB)', async () => {
    const outbox = await createOutbox(`sqlite:${path.join(dir, 'fresh', 'outbox.db')}`);
    try {
      // 160 messages of 120,000 characters each: about 39 MB as the cache counts them, so past its 32 MB the
      // newest are read back from the file.
      const big = (i: number) => `${String(i).padStart(6, '0')}${'x'.repeat(120_000 - 6)}`;
      for (let i = 0; i < 160; i += 20) {
        await outbox.enqueue(
          Array.from({ length: 20 }, (_, j) =>
            message(`agent-${(i + j) % 3}`, `e${i + j}`, {
              props: { lifecycle: 'offered', note: big(i + j) },
            }),
          ),
        );
      }
      const seen: { event: string; agentid: string; note: unknown; attempts: number; status: string }[] = [];
      outbox.start(async (record) => {
        seen.push({
          event: record.event,
          agentid: record.agentid,
          note: record.props.note,
          attempts: record.attempts,
          status: record.status,
        });
        return { ok: true, status: 200 };
      });
      await waitUntil(async () => (await outbox.stats()).delivered === 160);
      expect(seen).toHaveLength(160);
      for (const s of seen) {
        const i = Number(s.event.slice(1));
        expect(s).toEqual({
          event: `e${i}`,
          agentid: `agent-${i % 3}`,
          note: big(i),
          attempts: 0,
          status: 'queued',
        });
      }
      for (const agent of ['agent-0', 'agent-1', 'agent-2']) {
        const order = seen.filter((s) => s.agentid === agent).map((s) => Number(s.event.slice(1)));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    } finally {
      await outbox.close();
    }
  });

  it('delivers, in order, the messages queued before the file was closed and reopened', async () => {
    const url = `sqlite:${path.join(dir, 'reopen', 'outbox.db')}`;
    const first = await createOutbox(url);
    await first.enqueue([message('agent-1', 'one'), message('agent-1', 'two'), message('agent-2', 'three')]);
    await first.close();
    const again = await createOutbox(url);
    const sender = scriptedSender();
    again.start(sender.deliver);
    await waitUntil(async () => (await again.stats()).delivered === 3);
    await again.close();
    expect(sender.log.filter((l) => l.agentid === 'agent-1').map((l) => l.event)).toEqual(['one', 'two']);
    expect(sender.delivered().sort()).toEqual(['one', 'three', 'two']);
  });

  it('spaces intake commits by the window: a lone enqueue commits at once, one soon after a commit waits and shares', async () => {
    const outbox = await createOutbox(`sqlite:${path.join(dir, 'window', 'outbox.db')}`, {
      sqlite: { commitWindowMs: 60 },
    });
    const timed = (agentid: string, event: string) => {
      const started = performance.now();
      return outbox.enqueue([message(agentid, event)]).then((r) => ({
        id: Number(r.stored[0]!.id),
        at: performance.now(),
        took: performance.now() - started,
      }));
    };
    try {
      // The first since the file opened: nothing was committed within the window, so nothing to wait for.
      const lone = await timed('agent-1', 'one');
      expect(lone.took).toBeLessThan(40);
      // Right after that commit: held until the window since it has passed, with the one that comes meanwhile.
      const second = timed('agent-2', 'two');
      await new Promise((r) => setTimeout(r, 20)); // a later event-loop turn, inside the window
      const third = timed('agent-3', 'three');
      const [b, c] = await Promise.all([second, third]);
      expect(b.at - lone.at).toBeGreaterThanOrEqual(50); // held for the rest of the window, not answered at once
      expect(Math.abs(c.at - b.at)).toBeLessThan(5); // one commit answered both
      expect([b.id, c.id]).toEqual([lone.id + 1, lone.id + 2]);
      // A quiet spell of more than the window: the next one commits at once again.
      await new Promise((r) => setTimeout(r, 80));
      expect((await timed('agent-1', 'four')).took).toBeLessThan(40);
      // Without a window, an enqueue right after a commit is committed in the turn after the call.
      const quick = await createOutbox(`sqlite:${path.join(dir, 'no-window', 'outbox.db')}`);
      await quick.enqueue([message('agent-1', 'five')]);
      const t0 = performance.now();
      await quick.enqueue([message('agent-1', 'six')]);
      expect(performance.now() - t0).toBeLessThan(30);
      await quick.close();
    } finally {
      await outbox.close();
    }
  });

  it('refuses a second runner on a file that one already has open, and opens it once that one closed', async () => {
    const file = path.join(dir, 'exclusive', 'outbox.db');
    const first = await createOutbox(`sqlite:${file}`);
    await expect(createOutbox(`sqlite:${file}`)).rejects.toThrow(
      `the outbox file ${file} is in use by another runner process: one process per sqlite file`,
    );
    await first.close();
    const second = await createOutbox(`sqlite:${file}`);
    expect(await second.ping()).toBe(true);
    await second.close();
  });

  it('refuses an OUTBOX url that is neither sqlite: nor redis://', async () => {
    await expect(createOutbox('postgres://db/outbox')).rejects.toThrow(
      'OUTBOX "postgres://db/outbox" is neither sqlite:<path> nor redis://host:port',
    );
  });
});

describe('sqlite outbox after a crash', () => {
  it('loses no accepted message when the runner is killed with SIGKILL mid-delivery: reopening the file delivers the rest', async () => {
    const target = await startTarget(10); // slower than the child enqueues, so a backlog is waiting at the kill
    const file = path.join(dir, 'crash', 'outbox.db');
    const child = spawnProducer([`sqlite:${file}`, target.url, 'm', '600', '6']);
    await waitUntil(() => target.arrivals.length >= 60, 20_000, 'deliveries to start');
    child.process.kill('SIGKILL');
    await child.exited;
    const accepted = [...child.accepted];
    expect(missing(accepted, target.arrivals).length).toBeGreaterThan(0); // killed with work outstanding

    const outbox = await createOutbox(`sqlite:${file}`);
    outbox.start(httpDeliver(target.url));
    await waitUntil(() => missing(accepted, target.arrivals).length === 0, 20_000, 'every accepted message');
    await waitUntil(async () => {
      const s = await outbox.stats();
      return s.queued + s.retrying === 0;
    });
    await outbox.close();
    await target.close();
    expect(missing(accepted, target.arrivals)).toEqual([]);
    expect(duplicates(target.arrivals)).toBeLessThanOrEqual(8); // at most the attempts in flight at the kill
    expect(outOfOrder(accepted, target.arrivals)).toEqual([]);
  }, 40_000);
});
