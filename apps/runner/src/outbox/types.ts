// The outbox: what the runner has accepted and still owes OpenConnect. Two backends implement it
// (sqlite: embedded default; redis: BullMQ, shared by several runner replicas) and pass one contract suite.
import type { PreparedMessage, StateStore } from '@openconnect/core';

export type DeliveryStatus = 'queued' | 'retrying' | 'delivered' | 'dead';
export const STATUSES: readonly DeliveryStatus[] = ['queued', 'retrying', 'delivered', 'dead'];

/** What the outbox keeps of a message: its dedupeWindowMs only decides how long its key is remembered. */
export interface DeliveryRecord extends Omit<PreparedMessage, 'dedupeWindowMs'> {
  /** Outbox id, unique, sortable by acceptance order within one backend. */
  id: string;
  status: DeliveryStatus;
  /** Attempts made so far (0 before the first). */
  attempts: number;
  /** Epoch ms when the runner accepted it (answered the vendor 2xx). */
  acceptedAt: number;
  updatedAt: number;
  /** Epoch ms of the next attempt, while queued or retrying. */
  nextAttemptAt?: number;
  /** OpenConnect's HTTP status on the last attempt, when it answered. */
  lastStatus?: number;
  /** The last failure in words (already free of secrets). */
  lastError?: string;
  /** OpenConnect's answer on success (shortened, free of secrets). */
  lastAnswer?: string;
  deliveredAt?: number;
  /** Why it is dead: a permanent refusal, or retries/age exhausted. */
  deadReason?: string;
}

/** What one delivery attempt came to; the sender builds it from the core's error classes. */
export type AttemptResult =
  | { ok: true; status: number; answer?: string }
  | {
      ok: false;
      /** The core's split: 429, 5xx, timeouts and network failures are retryable; other 4xx are not. */
      retryable: boolean;
      /** 401: stop delivering everything (do not burn attempts) until resumed or the probe succeeds. */
      pause?: boolean;
      status?: number;
      error: string;
      retryAfterMs?: number;
      /**
       * OpenConnect did not answer in time: it may have taken the message all the same, so a retry may
       * deliver it twice. Retried with the same backoff as a 5xx; counted apart in the metrics.
       */
      timedOut?: boolean;
    };

export interface RetryPolicy {
  /** First retry delay; doubles each attempt (exponential backoff). */
  baseDelayMs: number;
  /** Cap on one delay. */
  maxDelayMs: number;
  /** Attempts before a message goes to the dead letters. */
  maxAttempts: number;
  /** A message older than this goes to the dead letters instead of being retried. */
  maxAgeMs: number;
  /** Fraction of each delay randomised (0 to 1): "full jitter" spreads retries of many messages. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  maxAttempts: 12,
  maxAgeMs: 24 * 60 * 60_000,
  jitter: 0.5,
};

export interface OutboxHooks {
  /** After every attempt, for metrics and logs. */
  onAttempt?(record: DeliveryRecord, result: AttemptResult, latencyMs: number): void;
  /** When a message reaches the dead letters. */
  onDead?(record: DeliveryRecord): void;
  /** When delivery pauses (401) or resumes. */
  onPauseChange?(paused: boolean, reason?: string): void;
  /** When what the store warns about changes (Outbox.warnings), e.g. a Redis reconfigured to forget. */
  onWarningsChange?(warnings: string[]): void;
}

export interface OutboxOptions {
  retry?: Partial<RetryPolicy>;
  /**
   * How long a dedupeKey is remembered (vendor retries arrive within minutes). Default 24 h. A message that
   * names its own `dedupeWindowMs` (a request's digest) has its key remembered for that long instead.
   */
  dedupeWindowMs?: number;
  /**
   * How many agents' messages this process delivers at the same time (one in flight per agent). Default 16.
   * Redis: per replica, so replicas add capacity (up to the partition count).
   */
  concurrency?: number;
  /** While paused by a 401, try one message again after this long. Default 60 s. */
  pauseProbeMs?: number;
  hooks?: OutboxHooks;
  /** Delivered rows are kept for the dashboard, then pruned. Defaults: 7 days, 100,000 rows. */
  retainDelivered?: { maxAgeMs?: number; maxRows?: number };
  /** How often pruning (delivered rows, expired dedupe keys and state) runs. Default 60 s. */
  pruneIntervalMs?: number;
  /** Redis backend only. */
  redis?: RedisOutboxOptions;
  /** SQLite backend only. */
  sqlite?: SqliteOutboxOptions;
}

export interface SqliteOutboxOptions {
  /**
   * How enqueue() commits before the vendor gets its 2xx. `full` (default): the WAL is fsynced, so a power
   * cut keeps accepted messages. `normal`: written to the OS, not fsynced (WAL + synchronous=NORMAL):
   * survives a crash or SIGKILL of the process, but a power cut or kernel crash may lose the last commits.
   */
  synchronous?: 'full' | 'normal';
  /**
   * Intake commits at least this far apart: enqueue() calls within this long after a commit share the next
   * transaction (one fsync with `full`): under load, many webhooks per disk flush, for at most this much more
   * wait before each 2xx. A call after a quiet spell commits at once. 0: the calls of one event-loop turn.
   * Default 0 here; the runner's default is 1 ms (outboxCommitWindowMs).
   */
  commitWindowMs?: number;
}

export interface RedisOutboxOptions {
  /**
   * Queues that agents are spread over (hash(agentid) % partitions); one message in flight per queue across all
   * processes. Kept in Redis by the first runner on a prefix (every replica must agree); default 64 for a new
   * prefix, 16 for one written before the count was kept.
   */
  partitions?: number;
  /** How often each runner renews its place among the replicas that split the partitions. Default 2,000 ms. */
  heartbeatMs?: number;
  /** How long a worker's claim on a message lasts without renewal; a crashed process's message is retried after
   * about lockDurationMs + stalledIntervalMs. Defaults 30 s and 15 s. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * How long close() lets the attempts in flight finish and the outbox leave Redis in order (at least the send
   * timeout); past it, or once Redis has been away for a second, the connections are dropped and close() rejects
   * saying so. Default 15,000 ms; the runner's is openconnect.timeoutMs + 5,000.
   */
  closeTimeoutMs?: number;
  /** How often each process looks at the shared pause flag. Default 500 ms. */
  pausePollMs?: number;
  /**
   * The intake's writes (the runner's limits.storeTimeoutMs): a command not answered by then fails, and a
   * socket silent that long is given up. Default 5,000 ms.
   */
  writeTimeoutMs?: number;
  /**
   * Open (with a warning) a Redis that can lose accepted events (no append-only file, appendfsync no, an
   * eviction policy) or whose settings cannot be read; without it, such a Redis is refused. Default false.
   */
  acceptDataLoss?: boolean;
  /** `confirmed`: the operator vouches for the persistence of a Redis whose CONFIG command is disabled. */
  persistence?: 'check' | 'confirmed';
  /** How often the persistence settings are read again. Default 60 s. */
  persistenceCheckMs?: number;
}

/** How long the caller of enqueue() waits; a store it has given up on must not keep what it was given. */
export interface EnqueueOptions {
  /** Epoch ms after which the caller answers 503: a write that reaches the store later stores nothing. */
  deadlineAt?: number;
  /** Aborted when the caller gives up: whatever the enqueue stored by then is undone (Redis). */
  signal?: AbortSignal;
}

export interface PruneResult {
  delivered: number;
  dedupeKeys: number;
  stateKeys: number;
}

export interface ListFilter {
  status?: DeliveryStatus;
  connector?: string;
  agentid?: string;
  limit?: number;
}

export interface OutboxStats {
  queued: number;
  retrying: number;
  delivered: number;
  dead: number;
}

export type Deliver = (record: DeliveryRecord) => Promise<AttemptResult>;

export interface Outbox {
  readonly kind: 'sqlite' | 'redis';
  /** SQLite only: how enqueue() commits (SqliteOutboxOptions.synchronous). */
  readonly sync?: 'full' | 'normal';
  /**
   * Stores the messages durably and resolves only once they are persisted: the runner answers the
   * vendor 2xx after this. A message whose dedupeKey was stored within the window is not stored again.
   */
  enqueue(
    messages: PreparedMessage[],
    options?: EnqueueOptions,
  ): Promise<{ stored: DeliveryRecord[]; duplicates: string[] }>;
  /** Starts delivering: per agent in acceptance order, at most one attempt in flight per agent. */
  start(deliver: Deliver): void;
  /** Stops taking new work, waits for attempts in flight, closes the store. */
  close(): Promise<void>;
  list(filter?: ListFilter): Promise<DeliveryRecord[]>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  /** Dead letters back to the queue (attempts reset). Returns how many were re-queued. */
  replay(ids: string[]): Promise<number>;
  stats(): Promise<OutboxStats>;
  /** The 401 pause: delivery stops, nothing is lost, attempts are not counted. */
  pause(reason: string): void;
  resume(): void;
  pausedReason(): string | undefined;
  /** Readiness: the store answers. */
  ping(): Promise<boolean>;
  /** What the store cannot promise now (a Redis that can lose accepted events, accepted by the operator). */
  warnings?(): string[];
  /** The connectors' keyed state with TTL, kept in the same store. */
  readonly state: StateStore;
  /** Leases on subscriptions, shared by every process using this store (Redis), or this process's own (SQLite). */
  readonly leases: LeaseStore;
  /**
   * SQLite only: an online copy of the file, made with SQLite's backup API while intake and delivery go on.
   * It holds every message committed before it began; it is written beside `destination` and renamed into
   * place when complete, so a failed backup leaves no file that looks like one.
   */
  backup?(destination: string): Promise<void>;
  /** SQLite only: the file the outbox keeps (its folder is the data volume, where a backup can be staged). */
  readonly file?: string;
  /** Runs the periodic pruning now (delivered rows beyond retainDelivered, expired keys). Added for tests/ops. */
  prune?(): Promise<PruneResult>;
}

/**
 * Who holds each long-lived vendor session (a subscription): with several runner replicas on one Redis,
 * exactly one holds each, for a TTL it keeps renewing; a holder that dies loses it when the TTL runs out.
 */
export interface LeaseStore {
  /** Takes the lease when it is free or already ours, for ttlMs; false when another holder has it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, only if it is ours. */
  release(name: string, holder: string): Promise<void>;
  /** Who holds it now. */
  holder(name: string): Promise<string | undefined>;
}
