// Online backup of the SQLite outbox: POST /admin/backup while webhooks are being accepted, and the
// `backup` command (a real process) that calls it and checks the copy.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../src/outbox/sqlite-migrations.js';
import { ADMIN_TOKEN, answered, startTestRunner, type TestRunner, until } from './helpers/runner.js';

const here = import.meta.dirname;

/** The interaction ids a backup file holds. */
function interactionsIn(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const rows = db.prepare('SELECT props FROM messages').all() as { props: string }[];
    return new Set(rows.map((r) => (JSON.parse(r.props) as { interactionId: string }).interactionId));
  } finally {
    db.close();
  }
}

function runCommand(args: string[], env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, '../src/backup-command.ts'), ...args],
    {
      cwd: path.join(here, '..'),
      env: { PATH: process.env.PATH ?? '', ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('online backup of the sqlite outbox', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner();
    // Delivery paused: the rows stay queued, and the file is large enough for the backup to take many steps.
    expect((await t.admin('/pause', { method: 'POST' })).status).toBe(200);
    const filler = 'q'.repeat(300);
    for (let batch = 0; batch < 20; batch++) {
      await t.runner.outbox.enqueue(
        Array.from({ length: 500 }, (_, i) => ({
          connector: 'acme',
          source: 'events',
          agentid: `agent-${i % 50}`,
          event: 'call',
          lifecycle: 'offered' as const,
          props: { lifecycle: 'offered', interactionId: `pre-${batch}-${i}`, queue: filler },
        })),
      );
    }
  }, 60_000);
  afterAll(() => t.close());

  it('holds every webhook accepted before it began, taken while webhooks keep arriving, and passes integrity_check', async () => {
    const accepted: string[] = [];
    let stop = false;
    let n = 0;
    const sender = async () => {
      while (!stop) {
        const call = `live-${++n}`;
        const res = await t.postAcme(answered(`evt-${call}`, 'agent.smith', call));
        if (res.status === 200 || res.status === 202) accepted.push(call);
        else throw new Error(`webhook answered ${res.status}`);
      }
    };
    const senders = [sender(), sender(), sender(), sender()];
    while (accepted.length < 100) await new Promise((r) => setTimeout(r, 10));

    const before = [...accepted];
    const res = await t.admin('/backup', { method: 'POST' });
    const during = accepted.length - before.length;
    stop = true;
    await Promise.all(senders);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.sqlite3');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="outbox-.*\.db"$/);
    const file = path.join(t.dir, 'copy.db');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const held = interactionsIn(file);
    expect(before.filter((call) => !held.has(call))).toEqual([]);
    expect(held.has('pre-0-0') && held.has('pre-19-499')).toBe(true);
    expect(held.size).toBeGreaterThanOrEqual(10_000 + before.length);
    expect(during).toBeGreaterThan(0); // webhooks were accepted while the backup was being taken
    // The staged copy is deleted once sent (its stream closes just after the last byte).
    await until(
      () => !fs.readdirSync(t.dir).some((f) => f.startsWith('.backup-')),
      5_000,
      'the staged copy to go',
    );
  }, 60_000);

  it('the backup command writes a checked copy and says what it holds', async () => {
    const dest = path.join(t.dir, 'nightly.db');
    const result = await runCommand(['--', 'nightly.db'], {
      ADMIN_TOKEN,
      RUNNER_URL: t.runner.url,
      INIT_CWD: t.dir,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^backup written to ${dest}: \\d+ bytes, schema version ${SCHEMA_VERSION}, integrity ok \\(queued \\d+\\)\\n$`,
      ),
    );
    expect(interactionsIn(dest).has('pre-7-7')).toBe(true);
    // One self-contained file: nothing left beside it.
    expect(fs.readdirSync(t.dir).filter((f) => f.startsWith('nightly.db'))).toEqual(['nightly.db']);

    const again = await runCommand([dest], { ADMIN_TOKEN, RUNNER_URL: t.runner.url });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`backup: ${dest} exists: name a new file, or pass --force to replace it\n`);
  }, 60_000);

  it('the backup command names a refused token, and gives usage without a file', async () => {
    const dest = path.join(t.dir, 'refused.db');
    const refused = await runCommand([dest], {
      ADMIN_TOKEN: 'not-the-admin-token-at-all',
      RUNNER_URL: t.runner.url,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `backup: the runner at ${t.runner.url} answered 401: admin API: send Authorization: Bearer <ADMIN_TOKEN>\n`,
    );
    expect(fs.existsSync(dest)).toBe(false);

    const usage = await runCommand([], { ADMIN_TOKEN });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^backup: name the file to write the backup to\nusage: backup <file>/);
  }, 60_000);

  it('refuses POST /admin/backup without the admin token', async () => {
    const res = await fetch(`${t.runner.url}/admin/backup`, { method: 'POST' });
    expect(res.status).toBe(401);
  });
});

describe('restoring a backup', () => {
  it('stop, replace the file, start: the messages queued in the backup are delivered', async () => {
    const first = await startTestRunner();
    expect((await first.admin('/pause', { method: 'POST' })).status).toBe(200);
    for (const call of ['R-1', 'R-2', 'R-3'])
      expect((await first.postAcme(answered(`evt-${call}`, 'agent.smith', call))).status).toBe(200);
    const res = await first.admin('/backup', { method: 'POST' });
    const copy = Buffer.from(await res.arrayBuffer());
    await first.close();

    // The restore steps of the README, on a fresh data folder: the file in place, no WAL beside it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-'));
    const stale = path.join(dir, `.backup-${randomUUID()}.db`); // as a runner killed mid-backup leaves it
    try {
      fs.writeFileSync(path.join(dir, 'outbox.db'), copy);
      fs.writeFileSync(stale, copy);
      const restored = await startTestRunner({ dir });
      try {
        await restored.emulator.waitFor(3);
        expect(restored.emulator.messages.map((m) => m.props.interactionId).sort()).toEqual([
          'R-1',
          'R-2',
          'R-3',
        ]);
        expect(fs.existsSync(stale)).toBe(false); // a copy staged by a runner that died is removed at start
      } finally {
        await restored.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('backup of a redis outbox', () => {
  it('answers 409 pointing at Redis tools', async () => {
    const t = await startTestRunner({
      env: {
        OUTBOX: `redis://127.0.0.1:6379/0?prefix=ocb-${randomUUID().slice(0, 8)}`,
        OUTBOX_ACCEPT_DATA_LOSS: 'yes',
      },
    });
    try {
      const res = await t.admin('/backup', { method: 'POST' });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({
        error:
          "the redis outbox lives in Redis: back it up with Redis' own tools (BGSAVE and a copy of dump.rdb, or of the append-only file)",
      });
    } finally {
      await t.close();
    }
  }, 30_000);
});
