// The embedded outbox: one SQLite file (WAL). One process owns the file; its delivery loop claims the head
// message of each due agent lane, so each agent gets one attempt at a time, in acceptance order.
//
// Durability: enqueue commits with synchronous=FULL (the WAL is fsynced before the vendor gets its 2xx, so
// even a power cut keeps accepted messages; `sqlite.synchronous: 'normal'` trades that for speed: safe
// against process crashes, not power loss); delivery bookkeeping commits with synchronous=NORMAL (a power
// cut may forget that a message was delivered, which only means it is sent again: at-least-once).
// At-least-once window: a message whose HTTP attempt succeeded but whose "delivered" update had not been
// committed when the process died is delivered again after restart (in flight is never stored as a state).
import fs from 'node:fs';
import path from 'node:path';
import type { PreparedMessage } from '@openconnect/core';
import Database from 'better-sqlite3';
import { createLocalLeases } from './leases.js';
import { attempt, type Decision, freshRecord, resolvePolicy, safeHooks } from './policy.js';
import { migrate } from './sqlite-migrations.js';
import { type MessageRow, prepareStatements, sqliteStateStore, toRecord } from './sqlite-schema.js';
import {
  type AttemptResult,
  type Deliver,
  type DeliveryRecord,
  type DeliveryStatus,
  type ListFilter,
  type Outbox,
  type OutboxOptions,
  type OutboxStats,
  type PruneResult,
  STATUSES,
} from './types.js';

type EnqueueResult = { stored: DeliveryRecord[]; duplicates: string[] };

interface Completion {
  previous: DeliveryStatus;
  updated: DeliveryRecord;
  result: AttemptResult;
  decision: Decision;
  latencyMs: number;
  isProbe: boolean;
  done(): void;
}
const DAY = 24 * 60 * 60_000;

export function openSqliteOutbox(file: string, options: OutboxOptions = {}): Outbox {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  try {
    // Exclusive: a second runner on the same file would deliver everything twice, so it is refused instead.
    // The OS drops the lock when the process dies, so a restart after a crash opens the file as usual.
    db.pragma('busy_timeout = 1000');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, file); // forward steps the file lacks, or a refusal of a file newer than this code
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(
        `the outbox file ${file} is in use by another runner process: one process per sqlite file (use a redis:// outbox to run several)`,
      );
    }
    throw error;
  }

  const policy = resolvePolicy(options.retry);
  const dedupeWindowMs = options.dedupeWindowMs ?? DAY;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const pauseProbeMs = options.pauseProbeMs ?? 60_000;
  const keepMs = options.retainDelivered?.maxAgeMs ?? 7 * DAY;
  const keepRows = options.retainDelivered?.maxRows ?? 100_000;
  const hooks = safeHooks(options.hooks);
  const sync = options.sqlite?.synchronous ?? 'full';
  const commitWindowMs = options.sqlite?.commitWindowMs ?? 0;
  const syncFull = db.prepare('PRAGMA synchronous = FULL');
  const syncNormal = db.prepare('PRAGMA synchronous = NORMAL');

  // One more than may be in flight: the pump skips the lanes in flight, and a probe needs one that is not.
  const sql = prepareStatements(db, concurrency + 1);
  // One process owns the file, so counts kept beside the writes stay exact; counted once at open.
  const counts: OutboxStats = { queued: 0, retrying: 0, delivered: 0, dead: 0 };
  for (const status of STATUSES) counts[status] = sql.count.get(status)!.n;
  const listStatements = new Map<string, Database.Statement<unknown[], MessageRow>>();

  // Whether a lane may have become due later than now since the last look (a retry, a head that waits): only
  // then is the next wake-up looked up again (scheduleWake), not after every delivery.
  let wakeDirty = true;
  /** The agent's lane points at its oldest pending message, or disappears when it has none. */
  const refreshLane = (agentid: string) => {
    const head = sql.laneRefresh.get(agentid);
    if (!head) {
      sql.laneDelete.run(agentid);
      withLane.delete(agentid);
    } else if (head.next_at > Date.now()) wakeDirty = true;
  };
  // Agents whose lane row is known to exist, so that the intake skips the lane insert for them (an agent with
  // messages waiting gets many). Only the intake adds to it, and a failed intake commit empties it: whatever it
  // names has a row (a lane deleted is taken out at once).
  const withLane = new Set<string>();

  const storeMessages = (messages: PreparedMessage[], now: number) => {
    const stored: DeliveryRecord[] = [];
    const duplicates: string[] = [];
    const sizes: number[] = []; // each stored record's props, in JSON characters (for the fresh cache's bound)
    for (const m of messages) {
      // A key may name its own window (a request's digest: minutes, not the event ids' day).
      if (
        m.dedupeKey !== undefined &&
        sql.dedupeClaim.run(m.dedupeKey, now + (m.dedupeWindowMs ?? dedupeWindowMs), now).changes === 0
      ) {
        duplicates.push(m.dedupeKey);
        continue;
      }
      const props = JSON.stringify(m.props);
      const info = sql.insert.run(
        m.connector,
        m.source,
        m.agentid,
        m.event,
        m.lifecycle,
        props,
        m.dedupeKey ?? null,
        now,
        now,
        now,
      );
      const id = Number(info.lastInsertRowid);
      if (!withLane.has(m.agentid)) {
        sql.laneAdd.run(m.agentid, id, now);
        withLane.add(m.agentid);
      }
      // The caller's props as they are (validated, flat strings/numbers): no copy parsed back per message.
      stored.push(freshRecord(m, String(id), now));
      sizes.push(props.length);
    }
    return { stored, duplicates, sizes };
  };

  // Messages just stored, as records: the delivery loop usually launches them a moment later, and takes them
  // from here instead of reading back and parsing the row it has just written. Only a first attempt uses it
  // (the record is exactly what was stored); bounded in count and size, so a large backlog stays on disk, not in
  // memory, while a burst of a few seconds (tens of thousands of webhooks) is delivered without reading back.
  const fresh = new Map<number, { record: DeliveryRecord; bytes: number }>();
  let freshBytes = 0;
  const FRESH_MAX = 65_536;
  const FRESH_MAX_BYTES = 32 * 2 ** 20;
  // A record's own fields, its props object and the map's entry, besides the props' text: measured, about
  // 930 bytes of RSS per record with small props (a million-message backlog: +61 MB for 65,536 records).
  const RECORD_BYTES = 1_024;
  const keepFresh = (record: DeliveryRecord, propsLength: number) => {
    const bytes = RECORD_BYTES + 2 * propsLength; // a JS string's characters take up to two bytes
    if (fresh.size >= FRESH_MAX || freshBytes + bytes > FRESH_MAX_BYTES) return;
    fresh.set(Number(record.id), { record, bytes });
    freshBytes += bytes;
  };
  const takeFresh = (id: number) => {
    const kept = fresh.get(id);
    if (!kept) return undefined;
    fresh.delete(id);
    freshBytes -= kept.bytes;
    return kept.record;
  };

  // Group commit: every enqueue() of one event-loop turn (or of the commit window) shares one transaction and
  // one fsync, so many concurrent webhooks cost one disk flush instead of one each. better-sqlite3 blocks the
  // thread while it syncs, so under load a turn holds few requests: the window gathers more.
  // The window spaces intake commits, it does not delay a lone one: a webhook that comes a window or more after
  // the last intake commit (a quiet spell) is committed at the end of its turn; one that comes sooner waits for
  // the window since that commit to pass, sharing its commit with all that come meanwhile. So under load there
  // is at most one intake commit a window, as with a fixed wait, and at a few webhooks a second none waits for
  // a window that gathers nothing (measured at 200/s, SQLite FULL: 2xx p50 3.1–3.5 → 2.0–3.1 ms;
  // docs/benchmarks.md, eleventh pass).
  let waiting: { messages: PreparedMessage[]; resolve(r: EnqueueResult): void; reject(e: unknown): void }[] =
    [];
  let lastIntakeCommitAt = Number.NEGATIVE_INFINITY; // performance.now() when the last intake commit ended
  // Delivery outcomes of one turn, recorded together (each delivery's update and its agent's lane).
  let completed: Completion[] = [];

  const recordOutcomes = (items: Completion[]) => {
    for (const { updated: r } of items) {
      sql.update.run(
        r.status,
        r.attempts,
        r.updatedAt,
        r.nextAttemptAt ?? null,
        r.lastStatus ?? null,
        r.lastError ?? null,
        r.lastAnswer ?? null,
        r.deliveredAt ?? null,
        r.deadReason ?? null,
        Number(r.id),
      );
      if (r.status === 'delivered' || r.status === 'dead') refreshLane(r.agentid);
      else if (r.status === 'retrying') {
        sql.laneRetry.run(r.nextAttemptAt, r.agentid);
        wakeDirty = true;
      }
    }
  };
  // One transaction (one WAL commit) for what both sides have waiting: under load a commit is a good part of
  // the work, and intake and deliveries together would otherwise commit about twice as often.
  const writeAll = db.transaction((batch: PreparedMessage[][], now: number, items: Completion[]) => {
    const results = batch.map((m) => storeMessages(m, now));
    recordOutcomes(items);
    return results;
  });

  /**
   * Commits what waits: the intake's window (or turn) ending commits its webhooks and takes along the delivery
   * outcomes waiting for the end of their turn; those, when their turn ends first, commit alone (taking the
   * webhooks early would split the window's batch: measured, it cost more CPU per message, not less).
   */
  function commitPending(withIntake: boolean) {
    const batch = withIntake ? waiting : [];
    if (batch.length > 0) waiting = [];
    const items = completed;
    completed = [];
    if (batch.length === 0 && items.length === 0) return;
    // FULL only around the intake commit (unless the operator chose NORMAL): fsync before the 2xx.
    const full = sync === 'full' && batch.length > 0;
    if (full) syncFull.run();
    let results: ReturnType<typeof storeMessages>[];
    try {
      results = writeAll(
        batch.map((w) => w.messages),
        Date.now(),
        items,
      );
    } catch (error) {
      withLane.clear(); // the lanes this commit inserted were rolled back with it
      for (const w of batch) w.reject(error);
      // Outcomes not recorded: these messages stay pending and are sent again (at-least-once), after a pause.
      for (const item of items) inflight.delete(item.updated.agentid);
      for (const item of items) item.done();
      if (items.length > 0) setTimeout(pump, 1_000).unref();
      return;
    } finally {
      if (full) syncNormal.run();
      if (batch.length > 0) lastIntakeCommitAt = performance.now();
    }
    for (const r of results) {
      counts.queued += r.stored.length;
      for (const [i, record] of r.stored.entries()) keepFresh(record, r.sizes[i]!);
    }
    for (const [i, w] of batch.entries())
      w.resolve({ stored: results[i]!.stored, duplicates: results[i]!.duplicates });
    for (const { previous, updated, result, decision, latencyMs, isProbe, done } of items) {
      counts[previous]--;
      counts[updated.status]++;
      inflight.delete(updated.agentid);
      hooks.onAttempt(updated, result, latencyMs);
      if (decision.kind === 'dead') hooks.onDead(updated);
      if (decision.kind === 'pause') setPaused({ reason: decision.reason, probe: true });
      else if (isProbe && paused?.probe) setPaused(undefined); // the probe got through: the key works again
      done();
    }
    pump();
  }
  const commitIntake = () => commitPending(true);
  const commitOutcomes = () => commitPending(false);

  // --- delivery loop -------------------------------------------------------------------------------
  let deliver: Deliver | undefined;
  let closing = false;
  let closed = false;
  const inflight = new Map<string, Promise<void>>();
  let wakeTimer: NodeJS.Timeout | undefined;
  let wakeAt = Number.POSITIVE_INFINITY;
  let paused: { reason: string; probe: boolean } | undefined;
  let probeTimer: NodeJS.Timeout | undefined;

  const setPaused = (next: { reason: string; probe: boolean } | undefined) => {
    const changed = (paused === undefined) !== (next === undefined);
    paused = next;
    clearTimeout(probeTimer);
    probeTimer = undefined;
    if (next?.probe && !closing) probeTimer = setTimeout(probe, pauseProbeMs).unref();
    if (changed) hooks.onPauseChange(next !== undefined, next?.reason);
  };

  const readPending = (id: number) => {
    const row = sql.byId.get(id);
    return row && (row.status === 'queued' || row.status === 'retrying') ? toRecord(row) : undefined;
  };

  const launch = (agentid: string, headId: number, isProbe = false) => {
    const record = takeFresh(headId) ?? readPending(headId);
    if (!record) {
      refreshLane(agentid); // a lane out of step with its messages: repair it, no attempt
      return false;
    }
    const run = (async () => {
      const { result, latencyMs, decision, updated } = await attempt(deliver!, record, policy);
      await new Promise<void>((done) =>
        complete({ previous: record.status, updated, result, decision, latencyMs, isProbe, done }),
      );
    })();
    inflight.set(agentid, run);
    return true;
  };

  const complete = (item: Completion) => {
    completed.push(item);
    if (completed.length === 1) setImmediate(commitOutcomes);
  };

  const scheduleWake = (now: number) => {
    if (!wakeDirty) return;
    wakeDirty = false;
    const next = sql.laneNext.get(now)?.at;
    if (next === null || next === undefined || next >= wakeAt) return;
    clearTimeout(wakeTimer);
    wakeAt = next;
    wakeTimer = setTimeout(
      () => {
        wakeAt = Number.POSITIVE_INFINITY;
        wakeDirty = true; // lanes due after this one still wait
        pump();
      },
      Math.max(0, next - Date.now()),
    ).unref();
  };

  function pump() {
    if (!deliver || closing || paused) return;
    const free = concurrency - inflight.size;
    if (free <= 0) return;
    const now = Date.now();
    let started = 0;
    for (const lane of sql.laneDue.all(now)) {
      if (started >= free) break;
      if (inflight.has(lane.agentid)) continue;
      if (launch(lane.agentid, lane.head_id)) started++;
    }
    if (inflight.size < concurrency) scheduleWake(now);
  }

  /** While paused by a 401: one message tries again; its answer decides whether delivery resumes. */
  function probe() {
    probeTimer = undefined;
    if (!deliver || closing || !paused) return;
    const lane = sql.laneDue.all(Date.now()).find((l) => !inflight.has(l.agentid));
    if (!lane) {
      setPaused({ ...paused }); // nothing due to probe with: look again later
      return;
    }
    if (!launch(lane.agentid, lane.head_id, true)) setPaused({ ...paused });
  }

  // --- pruning ----------------------------------------------------------------------------------------
  const pruneNow = (): PruneResult => {
    const now = Date.now();
    let delivered = 0;
    for (let n = 1; n > 0; delivered += n) n = sql.pruneDeliveredOld.run(now - keepMs).changes;
    const cutoff = sql.deliveredCutoff.get(keepRows)?.id;
    if (cutoff !== undefined)
      for (let n = 1; n > 0; delivered += n) n = sql.pruneDeliveredBelow.run(cutoff).changes;
    counts.delivered -= delivered;
    return {
      delivered,
      dedupeKeys: sql.pruneDedupe.run(now).changes,
      stateKeys: sql.pruneState.run(now).changes,
    };
  };
  const pruneTimer = setInterval(() => {
    if (!closing) pruneNow();
  }, options.pruneIntervalMs ?? 60_000).unref();

  const state = sqliteStateStore(sql);

  let closingDone: Promise<void> | undefined;
  async function shutDown() {
    closing = true;
    commitIntake(); // what was accepted before close() is stored before the file closes
    clearTimeout(wakeTimer);
    clearTimeout(probeTimer);
    clearInterval(pruneTimer);
    while (inflight.size > 0) await Promise.allSettled([...inflight.values()]);
    closed = true;
    db.close();
  }

  const assertOpen = () => {
    if (closed || closing) throw new Error('the outbox is closed');
  };

  // SQLite's online backup, stepped between the event loop's turns on this connection (the only one the
  // exclusive lock allows): writes made meanwhile by this connection reach the copy as well.
  async function backupTo(destination: string) {
    assertOpen();
    const partial = `${destination}.partial`;
    try {
      await db.backup(partial);
      // The copy inherits WAL mode: switched to a rollback journal, it is one self-contained file that a
      // read-only open (sqlite3, the backup command's check) leaves without -wal/-shm files beside it.
      const copy = new Database(partial);
      try {
        copy.pragma('journal_mode = DELETE');
      } finally {
        copy.close();
      }
      fs.renameSync(partial, destination);
    } catch (error) {
      fs.rmSync(partial, { force: true });
      throw error;
    }
  }

  return {
    kind: 'sqlite',
    ...(file === ':memory:' ? {} : { file: path.resolve(file) }),
    backup: backupTo,
    leases: createLocalLeases(),
    sync,
    state,
    enqueue(messages) {
      try {
        assertOpen();
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<EnqueueResult>((resolve, reject) => {
        waiting.push({ messages, resolve, reject });
        if (waiting.length > 1) return;
        const wait = commitWindowMs - (performance.now() - lastIntakeCommitAt);
        if (wait > 0) setTimeout(commitIntake, wait);
        else setImmediate(commitIntake);
      });
    },
    start(fn) {
      assertOpen();
      deliver = fn;
      pruneNow();
      pump();
    },
    close() {
      closingDone ??= shutDown();
      return closingDone;
    },
    async list(filter: ListFilter = {}) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      for (const field of ['status', 'connector', 'agentid'] as const) {
        const value = filter[field];
        if (value !== undefined) {
          where.push(`${field} = ?`);
          args.push(value);
        }
      }
      const text = `SELECT * FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      let statement = listStatements.get(text);
      if (!statement) {
        statement = db.prepare<unknown[], MessageRow>(text);
        listStatements.set(text, statement);
      }
      const limit = Math.min(1000, Math.max(1, filter.limit ?? 100));
      return statement.all(...args, limit).map(toRecord);
    },
    async get(id) {
      const n = Number(id);
      if (!Number.isSafeInteger(n)) return undefined;
      const row = sql.byId.get(n);
      return row ? toRecord(row) : undefined;
    },
    async replay(ids) {
      const now = Date.now();
      const count = db.transaction(() => {
        let n = 0;
        for (const id of ids) {
          const num = Number(id);
          if (!Number.isSafeInteger(num)) continue;
          const row = sql.replay.get(now, now, num) as { agentid: string } | undefined;
          if (!row) continue;
          refreshLane(row.agentid);
          n++;
        }
        return n;
      })();
      counts.dead -= count;
      counts.queued += count;
      if (count > 0) queueMicrotask(pump);
      return count;
    },
    async stats(): Promise<OutboxStats> {
      return { ...counts };
    },
    pause(reason) {
      setPaused({ reason, probe: false });
    },
    resume() {
      if (!paused) return;
      setPaused(undefined);
      pump();
    },
    pausedReason: () => paused?.reason,
    async ping() {
      if (closed) return false;
      try {
        return db.prepare('SELECT 1 AS ok').get() !== undefined;
      } catch {
        return false;
      }
    },
    async prune() {
      return pruneNow();
    },
  };
}
