// The SQLite outbox's statements on a real file: the look-up for due lanes, whose LIMIT is written into its SQL
// (a bound LIMIT made SQLite prepare the statement again on every call).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/outbox/sqlite-migrations.js';
import { prepareStatements } from '../../src/outbox/sqlite-schema.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function openFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-schema-'));
  dirs.push(dir);
  const file = path.join(dir, 'outbox.db');
  const db = new Database(file);
  migrate(db, file);
  return db;
}

describe('sqlite outbox statements', () => {
  it('returns at most dueLimit due lanes, the earliest first, and none that is not due yet', () => {
    const db = openFile();
    const addLane = db.prepare('INSERT INTO lanes (agentid, head_id, next_at) VALUES (?, ?, ?)');
    for (let i = 0; i < 10; i++) addLane.run(`agent-${i}`, i + 1, 1_000 + (9 - i) * 10);
    addLane.run('later', 99, 5_000);
    const sql = prepareStatements(db, 3);
    expect(sql.laneDue.all(2_000).map((l) => l.agentid)).toEqual(['agent-9', 'agent-8', 'agent-7']);
    // Bound again with other values, the same statement answers for them (no value of the first call stuck).
    expect(sql.laneDue.all(1_015).map((l) => l.agentid)).toEqual(['agent-9', 'agent-8']);
    expect(sql.laneDue.all(999)).toEqual([]);
    expect(prepareStatements(db, 20).laneDue.all(6_000)).toHaveLength(11);
    db.close();
  });

  it('refuses a limit that is not a positive integer, before it reaches the SQL', () => {
    const db = openFile();
    for (const bad of [0, -1, 2.5, Number.NaN])
      expect(() => prepareStatements(db, bad)).toThrow(/dueLimit must be a positive integer/);
    db.close();
  });
});
