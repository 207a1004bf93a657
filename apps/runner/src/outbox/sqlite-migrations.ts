// The SQLite outbox's schema, as numbered forward steps. The file's version is `PRAGMA user_version`
// (0 in a file made before versioning: it holds version 1's tables, made with IF NOT EXISTS, so step 1
// is harmless on it). At open, the steps the file lacks run in order, in one transaction with the version
// bump: a failed step leaves the file as it was. A file newer than this code is refused, never written.
// To change the schema: append a step (never edit a released one); each must work on any file at the
// step before it, rows included.
import type Database from 'better-sqlite3';

export interface Migration {
  /** The user_version the file has once this step ran. */
  version: number;
  /** What the step is for, in a line. */
  why: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    why: 'the tables of the first release (files made before versioning already have them)',
    sql: `
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: ids are never reused after pruning, so they stay in acceptance order
  connector TEXT NOT NULL,
  source TEXT NOT NULL,
  agentid TEXT NOT NULL,
  event TEXT NOT NULL,
  lifecycle TEXT NOT NULL,
  props TEXT NOT NULL,
  dedupe_key TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  accepted_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  next_attempt_at INTEGER,
  last_status INTEGER,
  last_error TEXT,
  last_answer TEXT,
  delivered_at INTEGER,
  dead_reason TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_status ON messages(status, id);
CREATE INDEX IF NOT EXISTS messages_by_agent ON messages(agentid, id);
CREATE INDEX IF NOT EXISTS messages_pending_by_agent ON messages(agentid, id) WHERE status IN ('queued', 'retrying');
-- One row per agent with pending messages: its oldest pending message and when that one is due.
CREATE TABLE IF NOT EXISTS lanes (
  agentid TEXT PRIMARY KEY,
  head_id INTEGER NOT NULL,
  next_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lanes_due ON lanes(next_at);
CREATE TABLE IF NOT EXISTS dedupe (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedupe_expiry ON dedupe(expires_at);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state_expiry ON state(expires_at);
`,
  },
  {
    version: 2,
    why: "the dashboard's list filtered by connector reads an index instead of every row",
    sql: 'CREATE INDEX IF NOT EXISTS messages_by_connector ON messages(connector, id);',
  },
];

/** The version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export class SchemaTooNew extends Error {}

/** Brings the file to SCHEMA_VERSION; returns the version it had. */
export function migrate(db: Database.Database, file: string): number {
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > SCHEMA_VERSION) {
    throw new SchemaTooNew(
      `the outbox file ${file} has schema version ${found}, newer than this runner's ${SCHEMA_VERSION}: ` +
        'it was written by a newer runner. Run that version again, or restore a backup taken before the upgrade',
    );
  }
  if (found === SCHEMA_VERSION) return found;
  db.transaction(() => {
    for (const step of MIGRATIONS.filter((m) => m.version > found)) {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    }
  }).immediate();
  return found;
}
