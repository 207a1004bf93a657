// Delivery records in Redis, readable by every runner process: one JSON string per record and sorted-set
// indexes (score = id) by status, agent, connector and overall, so list() reads O(limit) entries.
import type { PreparedMessage } from '@openconnect/core';
import type { Redis } from 'ioredis';
import { freshRecord } from './policy.js';
import { type DeliveryRecord, type DeliveryStatus, type ListFilter, STATUSES } from './types.js';

/** ARGV before the first message: prefix, now, dedupe window, count, deadline, token, cancel TTL. */
const FIRST_MESSAGE_ARG = 8;
/** Per message: dedupe key, its own window ('' for the outbox's: ARGV[3]), agent, connector, record. */
const ARGS_PER_MESSAGE = 5;

/**
 * Atomic dedupe check + store, so a duplicate never slips between the check and the write. It stores
 * nothing when it runs after its deadline (Redis's own clock) or after its enqueue was cancelled: a write
 * that sat in a socket while Redis hung (SIGSTOP) must not store what the vendor was answered 503 for.
 * A dedupe key holds the token of the enqueue that stored it, or `kept` once another enqueue was answered
 * as its duplicate (that record can then no longer be cancelled: someone's 2xx rests on it).
 */
const ENQUEUE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local p, deadline, token = ARGV[1], tonumber(ARGV[5]), ARGV[6]
if deadline > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > deadline then return {-1} end
end
if redis.call('EXISTS', p .. ':cancelled:' .. token) == 1 then return {-1} end
local out, ids = {}, {}
for i = 0, tonumber(ARGV[4]) - 1 do
  local at = ${FIRST_MESSAGE_ARG} + i * ${ARGS_PER_MESSAGE}
  local dk, px, agent, conn, json = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4]
  if px == '' then px = ARGV[3] end
  local fresh = true
  if dk ~= '' then
    local held = redis.call('GET', p .. ':dd:' .. dk)
    if held then
      fresh = false
      if held ~= token and held ~= 'kept' then redis.call('SET', p .. ':dd:' .. dk, 'kept', 'KEEPTTL') end
    end
  end
  if fresh then
    local id = redis.call('INCR', p .. ':seq')
    redis.call('SET', p .. ':rec:' .. id, json)
    redis.call('ZADD', p .. ':st:queued', id, id)
    redis.call('ZADD', p .. ':all', id, id)
    redis.call('ZADD', p .. ':agent:' .. agent, id, id)
    redis.call('ZADD', p .. ':conn:' .. conn, id, id)
    redis.call('ZADD', p .. ':handoff', ARGV[2], id)
    if dk ~= '' then redis.call('SET', p .. ':dd:' .. dk, token, 'PX', px) end
    out[#out + 1] = id
    ids[#ids + 1] = id
  else
    out[#out + 1] = 0
  end
end
if #ids > 0 then redis.call('SET', p .. ':ho:' .. token, table.concat(ids, ','), 'PX', ARGV[7]) end
return out
`;

/**
 * Undoes what the enqueues with these tokens stored, for callers that gave up on them (a 503 was sent):
 * records not yet attempted go, with their dedupe keys, unless another enqueue's 2xx rests on them (`kept`).
 * An enqueue that has not run yet never will (the cancelled marker).
 */
const CANCEL_SCRIPT = `
local p, ttl, undone = ARGV[1], ARGV[2], 0
for i = 3, #ARGV do
  local token = ARGV[i]
  redis.call('SET', p .. ':cancelled:' .. token, '1', 'PX', ttl)
  local ids = redis.call('GET', p .. ':ho:' .. token)
  if ids then
    redis.call('DEL', p .. ':ho:' .. token)
    for id in string.gmatch(ids, '[^,]+') do
      local json = redis.call('GET', p .. ':rec:' .. id)
      if json then
        local r = cjson.decode(json)
        local keep = r.status ~= 'queued' or r.attempts ~= 0
        if not keep and type(r.dedupeKey) == 'string' then
          local held = redis.call('GET', p .. ':dd:' .. r.dedupeKey)
          if held == token then redis.call('DEL', p .. ':dd:' .. r.dedupeKey) elseif held then keep = true end
        end
        if not keep then
          redis.call('DEL', p .. ':rec:' .. id)
          redis.call('ZREM', p .. ':st:queued', id)
          redis.call('ZREM', p .. ':all', id)
          redis.call('ZREM', p .. ':agent:' .. r.agentid, id)
          redis.call('ZREM', p .. ':conn:' .. r.connector, id)
          redis.call('ZREM', p .. ':handoff', id)
          undone = undone + 1
        end
      end
    end
  end
end
return undone
`;

/** Writes a record and moves it between status indexes, atomically (KEYS: record, old index, new index). */
const SAVE_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1])
if KEYS[2] ~= KEYS[3] then
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[2])
end
`;

/**
 * The handoff bookkeeping of every enqueue of one event-loop turn, in one call (ARGV: prefix, TTL, number of
 * tokens, the tokens, then the record ids): their undo information expires sooner, their records leave the
 * handoff set. A script, not a MULTI: on BullMQ's connection every multi() copies BullMQ's scripts into the
 * new pipeline.
 */
const HANDED_OFF_SCRIPT = `
local p, ttl, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
for i = 4, 3 + n do redis.call('PEXPIRE', p .. ':ho:' .. ARGV[i], ttl) end
for i = 4 + n, #ARGV, 500 do redis.call('ZREM', p .. ':handoff', unpack(ARGV, i, math.min(i + 499, #ARGV))) end
`;

/**
 * A record as its JSON holds it: every field but the id (the key names it). Written out: an object rest with
 * an excluded key (`{ id, ...rest }`) is one of V8's slow copies, microseconds per record.
 */
function storedFields(r: DeliveryRecord): Omit<DeliveryRecord, 'id'> {
  const out: Omit<DeliveryRecord, 'id'> = {
    connector: r.connector,
    source: r.source,
    agentid: r.agentid,
    event: r.event,
    lifecycle: r.lifecycle,
    props: r.props,
    status: r.status,
    attempts: r.attempts,
    acceptedAt: r.acceptedAt,
    updatedAt: r.updatedAt,
  };
  if (r.dedupeKey !== undefined) out.dedupeKey = r.dedupeKey;
  if (r.nextAttemptAt !== undefined) out.nextAttemptAt = r.nextAttemptAt;
  if (r.lastStatus !== undefined) out.lastStatus = r.lastStatus;
  if (r.lastError !== undefined) out.lastError = r.lastError;
  if (r.lastAnswer !== undefined) out.lastAnswer = r.lastAnswer;
  if (r.deliveredAt !== undefined) out.deliveredAt = r.deliveredAt;
  if (r.deadReason !== undefined) out.deadReason = r.deadReason;
  return out;
}

/** How long a cancel can still undo an enqueue (and a cancelled one is remembered). */
export const CANCEL_TTL_MS = 10 * 60_000;
/** The same once its jobs exist: a caller's cancel then comes within milliseconds or not at all. */
const HANDED_OFF_CANCEL_MS = 60_000;

export interface InsertOptions {
  /** Identifies this enqueue, for cancel(). */
  token: string;
  /** Redis server time (epoch ms) after which the script stores nothing; 0: no deadline. */
  deadline: number;
}

/** `writes` runs the intake's writes (insert, cancel); everything else goes through `redis`. */
export function createRecords(redis: Redis, prefix: string, writes: Redis = redis) {
  // Sent once, then called by its SHA (ioredis's EVALSHA, falling back to EVAL when Redis lost its script
  // cache): the enqueue script no longer travels with every webhook.
  writes.defineCommand('openconnectEnqueue', { numberOfKeys: 0, lua: ENQUEUE_SCRIPT });
  writes.defineCommand('openconnectCancel', { numberOfKeys: 0, lua: CANCEL_SCRIPT });
  const scripts = writes as unknown as {
    openconnectEnqueue(...args: (string | number)[]): Promise<number[]>;
    openconnectCancel(...args: (string | number)[]): Promise<number>;
  };
  // A script rather than MULTI: on a connection that BullMQ has defined its scripts on, every multi() copies
  // them all into the new pipeline, which was a tenth of the Redis runner's CPU per delivery.
  redis.defineCommand('openconnectSave', { numberOfKeys: 3, lua: SAVE_SCRIPT });
  redis.defineCommand('openconnectHandedOff', { numberOfKeys: 0, lua: HANDED_OFF_SCRIPT });
  const saveScript = redis as unknown as {
    openconnectSave(rec: string, from: string, to: string, json: string, id: string): Promise<unknown>;
    openconnectHandedOff(...args: (string | number)[]): Promise<unknown>;
  };
  // The handedOff() calls of this turn, and the promise of the one script call that does them all.
  let handoffs: { tokens: string[]; ids: string[]; done: Promise<void> } | undefined;
  const key = {
    rec: (id: string) => `${prefix}:rec:${id}`,
    status: (s: DeliveryStatus) => `${prefix}:st:${s}`,
    all: `${prefix}:all`,
    agent: (a: string) => `${prefix}:agent:${a}`,
    conn: (c: string) => `${prefix}:conn:${c}`,
    handoff: `${prefix}:handoff`,
  };
  const parse = (id: string, json: string | null): DeliveryRecord | undefined => {
    if (json === null) return undefined;
    const record = JSON.parse(json) as DeliveryRecord; // a fresh object: the id is set on it, not copied
    record.id = id;
    return record;
  };
  const serialise = (r: DeliveryRecord) => JSON.stringify(storedFields(r));

  return {
    key,
    /**
     * Stores the fresh messages (skipping duplicates) and returns their records, in order; `late` when the
     * script ran after its deadline or after a cancel, and stored nothing.
     */
    async insert(messages: PreparedMessage[], now: number, dedupeWindowMs: number, options: InsertOptions) {
      const args: (string | number)[] = [
        prefix,
        now,
        Math.max(1, Math.round(dedupeWindowMs)),
        messages.length,
        options.deadline,
        options.token,
        CANCEL_TTL_MS,
      ];
      // A key's own window (a request's digest) decides how long the key is kept; it is no part of the record.
      // The record's id is the script's to give: set once it has (the JSON stored leaves it out).
      const drafts = messages.map((m) => {
        const record = freshRecord(m, '', now);
        const px = m.dedupeWindowMs ? Math.max(1, Math.round(m.dedupeWindowMs)) : '';
        args.push(m.dedupeKey ?? '', px, m.agentid, m.connector, serialise(record));
        return record;
      });
      const ids = await scripts.openconnectEnqueue(...args);
      if (ids[0] === -1) return { stored: [], duplicates: [], late: true };
      const stored: DeliveryRecord[] = [];
      const duplicates: string[] = [];
      ids.forEach((id, i) => {
        if (id === 0) duplicates.push(messages[i]!.dedupeKey!);
        // The caller's props as they are (validated, flat): no deep copy per record.
        else {
          drafts[i]!.id = String(id);
          stored.push(drafts[i]!);
        }
      });
      return { stored, duplicates, late: false };
    },
    /** Undoes the enqueues with these tokens (see CANCEL_SCRIPT); returns how many records went. */
    async cancel(tokens: string[]) {
      return scripts.openconnectCancel(prefix, CANCEL_TTL_MS, ...tokens);
    },
    /**
     * Once the jobs exist: out of the handoff set. The undo information stays a little longer, for a caller
     * that gives up while this answer is on its way (its cancel follows at once).
     */
    handedOff(ids: string[], token: string): Promise<void> {
      if (!handoffs) {
        const tokens: string[] = [];
        const all: string[] = [];
        const done = new Promise<void>((resolve, reject) =>
          setImmediate(() => {
            handoffs = undefined;
            saveScript
              .openconnectHandedOff(prefix, HANDED_OFF_CANCEL_MS, tokens.length, ...tokens, ...all)
              .then(() => resolve(), reject);
          }),
        );
        handoffs = { tokens, ids: all, done };
      }
      handoffs.tokens.push(token);
      handoffs.ids.push(...ids);
      return handoffs.done;
    },
    async get(id: string) {
      return parse(id, await redis.get(key.rec(id)));
    },
    async getMany(ids: string[]) {
      if (ids.length === 0) return [];
      const values = await redis.mget(...ids.map(key.rec));
      return ids.map((id, i) => parse(id, values[i] ?? null));
    },
    /** Writes the record and moves it between status indexes in one transaction. */
    async save(record: DeliveryRecord, previous: DeliveryStatus) {
      await saveScript.openconnectSave(
        key.rec(record.id),
        key.status(previous),
        key.status(record.status),
        serialise(record),
        record.id,
      );
    },
    async remove(records: DeliveryRecord[]) {
      if (records.length === 0) return;
      const tx = redis.multi();
      for (const r of records) {
        tx.del(key.rec(r.id))
          .zrem(key.status(r.status), r.id)
          .zrem(key.all, r.id)
          .zrem(key.agent(r.agentid), r.id)
          .zrem(key.conn(r.connector), r.id);
      }
      await tx.exec();
    },
    /** Newest first; walks the most selective index and filters the rest, batch by batch. */
    async list(filter: ListFilter) {
      const limit = Math.min(1000, Math.max(1, filter.limit ?? 100));
      const index = filter.agentid
        ? key.agent(filter.agentid)
        : filter.connector
          ? key.conn(filter.connector)
          : filter.status
            ? key.status(filter.status)
            : key.all;
      const out: DeliveryRecord[] = [];
      const batch = Math.max(limit, 100);
      for (let offset = 0; out.length < limit; offset += batch) {
        const ids = await redis.zrange(index, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', offset, batch);
        for (const r of await this.getMany(ids)) {
          if (!r) continue;
          if (filter.status && r.status !== filter.status) continue;
          if (filter.connector && r.connector !== filter.connector) continue;
          if (filter.agentid && r.agentid !== filter.agentid) continue;
          out.push(r);
          if (out.length === limit) break;
        }
        if (ids.length < batch) break;
      }
      return out;
    },
    async counts() {
      const tx = redis.multi();
      for (const s of STATUSES) tx.zcard(key.status(s));
      const replies = (await tx.exec()) ?? [];
      return Object.fromEntries(STATUSES.map((s, i) => [s, Number(replies[i]?.[1] ?? 0)])) as Record<
        DeliveryStatus,
        number
      >;
    },
    /** Delivered records beyond the retention (oldest first), in batches. */
    async pruneDelivered(cutoffAt: number, keepRows: number) {
      let removed = 0;
      const excess = (await redis.zcard(key.status('delivered'))) - keepRows;
      for (let left = excess; left > 0; ) {
        const ids = await redis.zrange(key.status('delivered'), 0, Math.min(left, 1000) - 1);
        const records = (await this.getMany(ids)).filter((r): r is DeliveryRecord => r !== undefined);
        await redis.zrem(key.status('delivered'), ...ids);
        await this.remove(records);
        removed += ids.length;
        left -= ids.length;
      }
      for (;;) {
        const ids = await redis.zrange(key.status('delivered'), 0, 499);
        const old = (await this.getMany(ids)).filter(
          (r): r is DeliveryRecord => !!r && (r.deliveredAt ?? 0) < cutoffAt,
        );
        await this.remove(old);
        removed += old.length;
        if (old.length < 500) break;
      }
      return removed;
    },
  };
}

export type Records = ReturnType<typeof createRecords>;
