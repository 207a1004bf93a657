// The SQLite outbox's tables. The backlog lives only here, on disk: the delivery loop reads one head
// message per agent through `lanes`, so memory does not grow with the queue.
import type { Lifecycle, Props } from '@openconnect/core';
import type { DeliveryRecord, DeliveryStatus } from './types.js';

export const SCHEMA = `
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
`;

export interface MessageRow {
  id: number;
  connector: string;
  source: string;
  agentid: string;
  event: string;
  lifecycle: string;
  props: string;
  dedupe_key: string | null;
  status: DeliveryStatus;
  attempts: number;
  accepted_at: number;
  updated_at: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  last_answer: string | null;
  delivered_at: number | null;
  dead_reason: string | null;
}

export function toRecord(row: MessageRow): DeliveryRecord {
  const record: DeliveryRecord = {
    id: String(row.id),
    connector: row.connector,
    source: row.source,
    agentid: row.agentid,
    event: row.event,
    lifecycle: row.lifecycle as Lifecycle,
    props: JSON.parse(row.props) as Props,
    status: row.status,
    attempts: row.attempts,
    acceptedAt: row.accepted_at,
    updatedAt: row.updated_at,
  };
  if (row.dedupe_key !== null) record.dedupeKey = row.dedupe_key;
  if (row.next_attempt_at !== null) record.nextAttemptAt = row.next_attempt_at;
  if (row.last_status !== null) record.lastStatus = row.last_status;
  if (row.last_error !== null) record.lastError = row.last_error;
  if (row.last_answer !== null) record.lastAnswer = row.last_answer;
  if (row.delivered_at !== null) record.deliveredAt = row.delivered_at;
  if (row.dead_reason !== null) record.deadReason = row.dead_reason;
  return record;
}
