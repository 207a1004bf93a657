// Delivery records in Redis, readable by every runner process: one JSON string per record and sorted-set
// indexes (score = id) by status, agent, connector and overall, so list() reads O(limit) entries.
import type { PreparedMessage } from '@openconnect/core';
import type { Redis } from 'ioredis';
import { type DeliveryRecord, type DeliveryStatus, type ListFilter, STATUSES } from './types.js';

/** Atomic dedupe check + store, so a duplicate never slips between the check and the write. */
const ENQUEUE_SCRIPT = `
local p = ARGV[1]
local out = {}
for i = 0, tonumber(ARGV[4]) - 1 do
  local dk, agent, conn, json = ARGV[5 + i * 4], ARGV[6 + i * 4], ARGV[7 + i * 4], ARGV[8 + i * 4]
  local fresh = true
  if dk ~= '' then fresh = redis.call('SET', p .. ':dd:' .. dk, '1', 'NX', 'PX', ARGV[3]) end
  if fresh then
    local id = redis.call('INCR', p .. ':seq')
    redis.call('SET', p .. ':rec:' .. id, json)
    redis.call('ZADD', p .. ':st:queued', id, id)
    redis.call('ZADD', p .. ':all', id, id)
    redis.call('ZADD', p .. ':agent:' .. agent, id, id)
    redis.call('ZADD', p .. ':conn:' .. conn, id, id)
    redis.call('ZADD', p .. ':handoff', ARGV[2], id)
    out[#out + 1] = id
  else
    out[#out + 1] = 0
  end
end
return out
`;

export function createRecords(redis: Redis, prefix: string) {
  const key = {
    rec: (id: string) => `${prefix}:rec:${id}`,
    status: (s: DeliveryStatus) => `${prefix}:st:${s}`,
    all: `${prefix}:all`,
    agent: (a: string) => `${prefix}:agent:${a}`,
    conn: (c: string) => `${prefix}:conn:${c}`,
    handoff: `${prefix}:handoff`,
  };
  const parse = (id: string, json: string | null): DeliveryRecord | undefined =>
    json === null ? undefined : { ...(JSON.parse(json) as Omit<DeliveryRecord, 'id'>), id };
  const serialise = ({ id: _id, ...rest }: DeliveryRecord) => JSON.stringify(rest);

  return {
    key,
    /** Stores the fresh messages (skipping duplicates) and returns their records, in order. */
    async insert(messages: PreparedMessage[], now: number, dedupeWindowMs: number) {
      const args: (string | number)[] = [
        prefix,
        now,
        Math.max(1, Math.round(dedupeWindowMs)),
        messages.length,
      ];
      const drafts = messages.map((m) => {
        const record: Omit<DeliveryRecord, 'id'> = {
          ...m,
          status: 'queued',
          attempts: 0,
          acceptedAt: now,
          updatedAt: now,
          nextAttemptAt: now,
        };
        args.push(m.dedupeKey ?? '', m.agentid, m.connector, JSON.stringify(record));
        return record;
      });
      const ids = (await redis.eval(ENQUEUE_SCRIPT, 0, ...args)) as number[];
      const stored: DeliveryRecord[] = [];
      const duplicates: string[] = [];
      ids.forEach((id, i) => {
        if (id === 0) duplicates.push(messages[i]!.dedupeKey!);
        else
          stored.push({
            ...(JSON.parse(JSON.stringify(drafts[i])) as (typeof drafts)[number]),
            id: String(id),
          });
      });
      return { stored, duplicates };
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
      const tx = redis.multi().set(key.rec(record.id), serialise(record));
      if (previous !== record.status) {
        tx.zrem(key.status(previous), record.id).zadd(key.status(record.status), record.id, record.id);
      }
      await tx.exec();
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
