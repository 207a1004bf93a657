// The SQLite outbox's schema version: a file written before versioning (the frozen DDL in fixtures/) is
// migrated at open with its rows intact and delivered; migrating is idempotent; a newer file is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../src/outbox/index.js';
import { SCHEMA_VERSION } from '../../src/outbox/sqlite-migrations.js';
import { message, scriptedSender, waitUntil } from './helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-migrate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const V0_DDL = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'outbox-v0.sql'), 'utf8');
const HOUR = 60 * 60_000;

/** A file as the runner left it before versioning: one message in each status, a dedupe key, a state key. */
function writeV0File(name: string) {
  const file = path.join(dir, name, 'outbox.db');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(V0_DDL);
  const t = Date.now() - HOUR;
  const insert = db.prepare(
    `INSERT INTO messages (connector, source, agentid, event, lifecycle, props, dedupe_key, status, attempts,
       accepted_at, updated_at, next_attempt_at, last_status, last_error, last_answer, delivered_at, dead_reason)
     VALUES ('acme', 'calls', ?, ?, 'offered', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const props = (agentid: string, event: string) =>
    JSON.stringify({ lifecycle: 'offered', callId: `${agentid}-${event}` });
  insert.run(
    'agent-1',
    'was-delivered',
    props('agent-1', 'was-delivered'),
    'evt-0',
    'delivered',
    1,
    t,
    t,
    null,
    200,
    null,
    '{"success":true}',
    t,
    null,
  );
  insert.run(
    'agent-1',
    'was-queued',
    props('agent-1', 'was-queued'),
    'evt-1',
    'queued',
    0,
    t,
    t,
    t,
    null,
    null,
    null,
    null,
    null,
  );
  insert.run(
    'agent-2',
    'was-retrying',
    props('agent-2', 'was-retrying'),
    null,
    'retrying',
    2,
    t,
    t,
    t + 1000,
    503,
    'OpenConnect answered 503',
    null,
    null,
    null,
  );
  insert.run(
    'agent-3',
    'was-dead',
    props('agent-3', 'was-dead'),
    null,
    'dead',
    12,
    t,
    t,
    null,
    400,
    'OpenConnect answered 400',
    null,
    null,
    'OpenConnect refused it (400)',
  );
  db.prepare('INSERT INTO lanes (agentid, head_id, next_at) VALUES (?, ?, ?)').run('agent-1', 2, t);
  db.prepare('INSERT INTO lanes (agentid, head_id, next_at) VALUES (?, ?, ?)').run('agent-2', 3, t + 1000);
  db.prepare('INSERT INTO dedupe (key, expires_at) VALUES (?, ?)').run('evt-1', Date.now() + HOUR);
  db.prepare('INSERT INTO state (key, value, expires_at) VALUES (?, ?, ?)').run(
    'acme:cursor',
    '"42"',
    Date.now() + HOUR,
  );
  expect(db.pragma('user_version', { simple: true })).toBe(0);
  db.close();
  return file;
}

/** What a file holds apart from rows: its version and every table and index as SQLite stored them. */
function shape(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }),
      objects: db
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .all(),
      rows: db.prepare('SELECT id, event, status, attempts FROM messages ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe('sqlite outbox schema version', () => {
  it('migrates a file written before versioning: rows intact in every status, then delivered', async () => {
    const file = writeV0File('v0');
    const outbox = await createOutbox(`sqlite:${file}`);
    expect(await outbox.stats()).toEqual({ queued: 1, retrying: 1, delivered: 1, dead: 1 });
    expect(await outbox.get('3')).toMatchObject({
      agentid: 'agent-2',
      event: 'was-retrying',
      status: 'retrying',
      attempts: 2,
      lastStatus: 503,
      lastError: 'OpenConnect answered 503',
      props: { lifecycle: 'offered', callId: 'agent-2-was-retrying' },
    });
    expect(await outbox.get('4')).toMatchObject({
      status: 'dead',
      deadReason: 'OpenConnect refused it (400)',
    });
    // The old file's dedupe keys and connector state still count.
    expect((await outbox.enqueue([message('agent-1', 'again', { dedupeKey: 'evt-1' })])).duplicates).toEqual([
      'evt-1',
    ]);
    expect(await outbox.state.get('acme:cursor')).toBe('42');

    const sender = scriptedSender();
    outbox.start(sender.deliver);
    await waitUntil(
      async () => (await outbox.stats()).delivered === 3,
      8_000,
      'the queued and retrying rows',
    );
    expect(await outbox.replay(['4'])).toBe(1);
    await waitUntil(async () => (await outbox.stats()).delivered === 4, 8_000, 'the replayed dead letter');
    await outbox.close();
    expect(sender.delivered().sort()).toEqual(['was-dead', 'was-queued', 'was-retrying']);
    expect(sender.log.find((l) => l.event === 'was-retrying')?.attempts).toBe(2);
    expect(shape(file).version).toBe(SCHEMA_VERSION);
  });

  it('leaves a migrated file as a new one is made, and reopening it changes nothing', async () => {
    const file = writeV0File('idempotent');
    await (await createOutbox(`sqlite:${file}`)).close();
    const migrated = shape(file);
    await (await createOutbox(`sqlite:${file}`)).close();
    expect(shape(file)).toEqual(migrated);

    const fresh = path.join(dir, 'fresh', 'outbox.db');
    await (await createOutbox(`sqlite:${fresh}`)).close();
    expect(shape(fresh).objects).toEqual(migrated.objects);
    expect(migrated.version).toBe(SCHEMA_VERSION);
    expect(migrated.objects).toContainEqual(
      expect.objectContaining({ type: 'index', name: 'messages_by_connector' }),
    );
    expect(migrated.rows).toHaveLength(4);
  });

  it('refuses a file written by a newer runner, and leaves it untouched', async () => {
    const file = writeV0File('newer');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = shape(file);
    await expect(createOutbox(`sqlite:${file}`)).rejects.toThrow(
      `the outbox file ${file} has schema version ${SCHEMA_VERSION + 1}, newer than this runner's ${SCHEMA_VERSION}: it was written by a newer runner. Run that version again, or restore a backup taken before the upgrade`,
    );
    expect(shape(file)).toEqual(before);
  });
});
