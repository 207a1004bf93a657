// TEMPORARY: an in-memory Outbox so the HTTP side can be tested before the real backends land.
import { createMemoryStateStore, type PreparedMessage } from '@openconnect/core';
import type { DeliveryRecord, Deliver, Outbox } from '../../src/outbox/types.js';

export function createMemoryOutbox(): Outbox {
  const records: DeliveryRecord[] = [];
  const keys = new Set<string>();
  let deliver: Deliver | undefined;
  let paused: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let seq = 0;
  async function tick() {
    if (busy || !deliver || paused) return;
    busy = true;
    try {
      for (const record of records.filter(
        (r) => (r.status === 'queued' || r.status === 'retrying') && (r.nextAttemptAt ?? 0) <= Date.now(),
      )) {
        const result = await deliver(record);
        record.attempts += 1;
        record.updatedAt = Date.now();
        if (result.ok) {
          record.status = 'delivered';
          record.deliveredAt = Date.now();
        } else if (result.pause) {
          paused = result.error;
          break;
        } else if (result.retryable) {
          record.status = 'retrying';
          record.nextAttemptAt = Date.now() + 20;
        } else {
          record.status = 'dead';
          record.deadReason = result.error;
        }
      }
    } finally {
      busy = false;
    }
  }
  return {
    kind: 'sqlite',
    async enqueue(messages: PreparedMessage[]) {
      const stored: DeliveryRecord[] = [];
      const duplicates: string[] = [];
      for (const m of messages) {
        if (m.dedupeKey && keys.has(m.dedupeKey)) {
          duplicates.push(m.dedupeKey);
          continue;
        }
        if (m.dedupeKey) keys.add(m.dedupeKey);
        const r: DeliveryRecord = {
          ...m,
          id: String(++seq).padStart(8, '0'),
          status: 'queued',
          attempts: 0,
          acceptedAt: Date.now(),
          updatedAt: Date.now(),
        };
        records.push(r);
        stored.push(r);
      }
      return { stored, duplicates };
    },
    start(d) {
      deliver = d;
      timer = setInterval(() => void tick(), 10);
    },
    async close() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 5));
    },
    async list(f = {}) {
      return records
        .filter(
          (r) =>
            (!f.status || r.status === f.status) &&
            (!f.connector || r.connector === f.connector) &&
            (!f.agentid || r.agentid === f.agentid),
        )
        .slice(0, f.limit ?? 100);
    },
    async get(id) {
      return records.find((r) => r.id === id);
    },
    async replay(ids) {
      let n = 0;
      for (const r of records)
        if (ids.includes(r.id) && r.status === 'dead') {
          r.status = 'queued';
          r.attempts = 0;
          n++;
        }
      return n;
    },
    async stats() {
      const c = (s: string) => records.filter((r) => r.status === s).length;
      return { queued: c('queued'), retrying: c('retrying'), delivered: c('delivered'), dead: c('dead') };
    },
    pause(reason) {
      paused = reason;
    },
    resume() {
      paused = undefined;
    },
    pausedReason: () => paused,
    ping: async () => true,
    state: createMemoryStateStore(),
  };
}
