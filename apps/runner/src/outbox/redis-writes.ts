// The intake's own Redis connection: what a webhook waits for before its answer (the enqueue script, the
// connectors' state, the readiness ping). BullMQ's connection waits through outages (its workers need
// maxRetriesPerRequest null, and so queue every command while Redis is away); this one never waits:
// no offline queue (a write while disconnected fails at once), a command timeout, and a socket given up
// when Redis stops answering, its unanswered commands failed and never resent. So memory stays bounded
// however long Redis hangs, and a 503 is not followed by a store: an enqueue script that still reaches
// Redis late stores nothing (its deadline is on Redis's clock), and every enqueue whose caller gave up
// is cancelled (redis-records.ts CANCEL_SCRIPT).
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { Redis } from 'ioredis';

/** Cancels waiting to reach Redis are kept at most this many (oldest dropped): bounded through any outage. */
const MAX_PENDING_CANCELS = 10_000;
const CANCEL_BATCH = 500;
const CANCEL_RETRY_MS = 1_000;

/** Thrown when the enqueue stored nothing: it ran too late, or its caller gave up first. */
export class NotStored extends Error {}

/** `timeoutMs`: how long callers wait (limits.storeTimeoutMs); the connection gives up a little later, so
 * the callers' own timeouts (and their words) come first. */
export function connectWrites(url: string, timeoutMs: number): Redis {
  const giveUpMs = timeoutMs + Math.min(timeoutMs, 1_000);
  const writes = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    // On every disconnect the commands awaiting an answer fail (maxRetriesPerRequest 0) instead of being
    // sent again once Redis is back (autoResendUnfulfilledCommands).
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: giveUpMs,
    // Redis hung (SIGSTOP, a stuck host): the socket is dropped after this long without an answer.
    socketTimeout: giveUpMs,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
  });
  writes.on('error', () => {}); // it reconnects by itself; the failures reach the callers
  coalesceWrites(writes);
  return writes;
}

/**
 * Every command a connection sends during one turn of the event loop leaves in one socket write, at the end
 * of the turn (the socket corked at its first write, uncorked by setImmediate), and their answers come back
 * together. Under load a turn holds many webhooks and deliveries, each sending a few commands: one system call
 * instead of one per command, on both sides (measured: a sixth less CPU per message, runner and Redis). Unlike
 * ioredis's auto-pipelining, which groups one tick's commands only, it spans the whole turn and adds no object
 * per batch. Each new socket (a reconnect) is corked the same way.
 */
export function coalesceWrites(client: Redis) {
  client.on('connect', () => {
    const socket = client.stream as Socket;
    const write = socket.write;
    let corked = false;
    const flush = () => {
      corked = false;
      socket.uncork();
    };
    socket.write = ((...args: Parameters<Socket['write']>) => {
      if (!corked) {
        corked = true;
        socket.cork();
        setImmediate(flush);
      }
      return write.apply(socket, args);
    }) as Socket['write'];
  });
}

/** Local time ↔ Redis time, measured with TIME (its error is half the round trip, taken off deadlines). */
export function createClock(writes: Redis) {
  let offsetMs = 0;
  let errorMs = 0;
  const measure = async () => {
    const before = Date.now();
    const [seconds, micros] = await writes.time();
    const after = Date.now();
    offsetMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - (before + after) / 2;
    errorMs = (after - before) / 2;
  };
  writes.on('ready', () => measure().catch(() => {}));
  return {
    measure,
    /** A local deadline on Redis's clock, early by the measuring error; 0 (none) for none. */
    onRedis: (localAt: number | undefined) => (localAt ? Math.floor(localAt + offsetMs - errorMs) : 0),
  };
}

/**
 * Runs each enqueue under a token and cancels it when its caller gives up (the signal aborts) or when it
 * fails after its script may have run. A cancel that cannot reach Redis is retried (bounded in number,
 * each for as long as the script keeps its undo information).
 */
export function createCanceller(
  writes: Redis,
  cancel: (tokens: string[]) => Promise<unknown>,
  ttlMs: number,
) {
  const pending = new Map<string, number>(); // token → retry until
  let flushing = false;
  const flush = async () => {
    if (flushing || pending.size === 0 || writes.status !== 'ready') return;
    flushing = true;
    try {
      const now = Date.now();
      for (const [token, until] of pending) if (until < now) pending.delete(token);
      while (pending.size > 0) {
        const batch = [...pending.keys()].slice(0, CANCEL_BATCH);
        await cancel(batch);
        for (const token of batch) pending.delete(token);
      }
    } catch {
      // Still unreachable: the next tick tries again.
    } finally {
      flushing = false;
    }
  };
  const send = (token: string) => {
    pending.set(token, Date.now() + ttlMs);
    if (pending.size > MAX_PENDING_CANCELS) pending.delete(pending.keys().next().value!);
    cancel([token]).then(
      () => pending.delete(token),
      () => {},
    );
  };
  writes.on('ready', () => flush());
  const timer = setInterval(() => flush(), CANCEL_RETRY_MS);
  timer.unref();

  return {
    /** Cancels still waiting to reach Redis. */
    pending: () => pending.size,
    async run<T>(signal: AbortSignal | undefined, work: (token: string) => Promise<T>): Promise<T> {
      if (signal?.aborted) throw new NotStored('the caller gave up before the enqueue started');
      const token = randomUUID();
      // Sent at once: on the same connection it runs right after the script, if the script got there.
      const onAbort = () => send(token);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const value = await work(token);
        if (signal?.aborted) throw new NotStored('the caller gave up before the enqueue completed');
        return value;
      } catch (error) {
        // Not sent at all (disconnected) or known to have stored nothing: nothing to undo.
        if (error instanceof Error && error.message.startsWith("Stream isn't writeable"))
          throw new NotStored('Redis is not connected (the runner reconnects): nothing was stored');
        if (!(error instanceof NotStored) && !signal?.aborted) send(token);
        throw error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    stop: () => clearInterval(timer),
  };
}
