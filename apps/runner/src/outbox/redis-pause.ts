// The 401 pause, shared by every runner process on one Redis: a key holds the reason, every partition
// queue is paused in BullMQ, and each process polls the key (pausedReason() and onPauseChange follow it).
// After probeMs one process (whoever takes the probe lock) resumes only the partition whose message got
// the 401; that message's next answer either resumes everything or pauses again.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

interface PauseState {
  reason: string;
  /** Paused by a 401 (probes) rather than by an operator (waits for resume()). */
  auto: boolean;
  since: number;
  probeAt: number;
  partition?: number;
  probing?: boolean;
}

export interface SharedPauseOptions {
  redis: Redis;
  key: string;
  queues: Queue[];
  probeMs: number;
  pollMs: number;
  /** A probe with no answer after this long (its process died) resumes everything rather than hang. */
  staleProbeMs: number;
  onChange(paused: boolean, reason?: string): void;
}

export function createSharedPause(o: SharedPauseOptions) {
  let current: PauseState | undefined;
  // Bumped by every local change, so a poll answer that left Redis before the change cannot undo it.
  let version = 0;

  const observe = (next: PauseState | undefined) => {
    const changed = (current === undefined) !== (next === undefined);
    current = next;
    if (changed) o.onChange(next !== undefined, next?.reason);
  };

  const leave = async () => {
    version++;
    observe(undefined);
    await o.redis.del(o.key);
    await Promise.all(o.queues.map((q) => q.resume()));
  };

  const tryProbe = async (state: PauseState) => {
    const won = await o.redis.set(`${o.key}:probe`, '1', 'PX', Math.max(1, o.probeMs), 'NX');
    if (won !== 'OK') return;
    const queue = state.partition === undefined ? undefined : o.queues[state.partition];
    if (!queue || (await queue.getWaitingCount()) === 0) return leave(); // nothing left to probe with
    await o.redis.set(o.key, JSON.stringify({ ...state, probing: true }), 'XX');
    await queue.resume();
  };

  const refresh = async () => {
    const asked = version;
    const raw = await o.redis.get(o.key);
    if (asked !== version) return;
    const state = raw === null ? undefined : (JSON.parse(raw) as PauseState);
    observe(state);
    if (!state?.auto) return;
    const now = Date.now();
    if (!state.probing && now >= state.probeAt) await tryProbe(state);
    else if (state.probing && now >= state.probeAt + o.probeMs + o.staleProbeMs) await leave();
  };

  const timer = setInterval(() => refresh().catch(() => {}), o.pollMs);
  timer.unref();

  return {
    refresh,
    reason: () => current?.reason,
    async enter(reason: string, partition: number | undefined, auto: boolean) {
      const now = Date.now();
      const state: PauseState = { reason, auto, since: now, probeAt: now + o.probeMs, partition };
      version++;
      observe(state);
      await o.redis.set(o.key, JSON.stringify(state));
      await Promise.all(o.queues.map((q) => q.pause()));
    },
    leave,
    /** Called after an answer that was not a 401: if it was the probe, delivery resumes everywhere. */
    async probeSucceeded() {
      if (!current) return;
      const raw = await o.redis.get(o.key);
      if (raw !== null && (JSON.parse(raw) as PauseState).probing) await leave();
    },
    stop: () => clearInterval(timer),
  };
}
