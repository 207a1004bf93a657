// What to do with a message after one attempt. Both backends share this, so they retry, give up and pause
// by exactly the same rules (the contract suite checks that they do).
import type { PreparedMessage } from '@openconnect/core';
import {
  type AttemptResult,
  DEFAULT_RETRY_POLICY,
  type DeliveryRecord,
  type OutboxHooks,
  type RetryPolicy,
} from './types.js';

export type Decision =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'dead'; reason: string }
  | { kind: 'pause'; reason: string };

export function resolvePolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...partial };
  policy.jitter = Math.min(1, Math.max(0, policy.jitter));
  policy.maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  return policy;
}

/**
 * Delay before the next attempt after `failures` failed attempts: base·2^(failures-1), capped, and the
 * `jitter` fraction of it drawn at random so many messages failing together do not retry together.
 */
export function backoffDelay(
  policy: RetryPolicy,
  failures: number,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseDelayMs * 2 ** Math.max(0, failures - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  const fixed = capped * (1 - policy.jitter);
  return Math.round(fixed + random() * capped * policy.jitter);
}

/**
 * `attempts` counts the attempt just made; a pause (401) is not an attempt. retryAfterMs (429/503 with
 * Retry-After) lengthens the wait but never shortens our own backoff.
 */
export function decide(
  message: { attempts: number; acceptedAt: number },
  result: AttemptResult,
  policy: RetryPolicy,
  now: number,
): Decision {
  if (result.ok) return { kind: 'delivered' };
  if (result.pause) return { kind: 'pause', reason: result.error };
  if (!result.retryable) return { kind: 'dead', reason: `refused permanently: ${result.error}` };
  if (message.attempts >= policy.maxAttempts) {
    return { kind: 'dead', reason: `gave up after ${message.attempts} attempts: ${result.error}` };
  }
  const age = now - message.acceptedAt;
  if (age >= policy.maxAgeMs) {
    return { kind: 'dead', reason: `gave up after ${Math.round(age / 1000)} s (max age): ${result.error}` };
  }
  const delayMs = Math.max(backoffDelay(policy, message.attempts), result.retryAfterMs ?? 0);
  return { kind: 'retry', delayMs };
}

/**
 * One delivery attempt and what follows from it, the same for every backend: the result, the decision
 * and the record to save. An exception from the sender is a bug or an outage we cannot classify: retry
 * rather than lose it.
 */
export async function attempt(
  deliver: (record: DeliveryRecord) => Promise<AttemptResult>,
  record: DeliveryRecord,
  policy: RetryPolicy,
): Promise<{ result: AttemptResult; latencyMs: number; decision: Decision; updated: DeliveryRecord }> {
  const started = performance.now();
  let result: AttemptResult;
  try {
    result = await deliver(record);
  } catch (error) {
    result = {
      ok: false,
      retryable: true,
      error: `the sender threw: ${(error as Error)?.message ?? String(error)}`,
    };
  }
  const latencyMs = performance.now() - started;
  const now = Date.now();
  const decision = decide(
    { attempts: record.attempts + 1, acceptedAt: record.acceptedAt },
    result,
    policy,
    now,
  );
  return { result, latencyMs, decision, updated: nextRecord(record, result, decision, now) };
}

/** Why the dashboard shows it: short, one line. */
export const shorten = (text: string | undefined, max = 500) =>
  text === undefined ? undefined : text.length > max ? `${text.slice(0, max)}…` : text;

/** FNV-1a: a stable, fast spread of agent ids over partitions (the same in every process). */
export function partitionOf(agentid: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < agentid.length; i++) {
    hash ^= agentid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/**
 * The record of a message just stored, its first attempt due now. The caller's props as they are (validated,
 * flat): no copy. Written out field by field, like nextRecord.
 */
export function freshRecord(m: PreparedMessage, id: string, now: number): DeliveryRecord {
  const record: DeliveryRecord = {
    id,
    connector: m.connector,
    source: m.source,
    agentid: m.agentid,
    event: m.event,
    lifecycle: m.lifecycle,
    props: m.props,
    status: 'queued',
    attempts: 0,
    acceptedAt: now,
    updatedAt: now,
    nextAttemptAt: now,
  };
  if (m.dedupeKey !== undefined) record.dedupeKey = m.dedupeKey;
  return record;
}

/**
 * The record after an attempt and its decision (a pause leaves the attempt count and the next attempt's time
 * alone). Built without `delete`, which would leave V8 a slow dictionary object for the rest of the way
 * (stored, logged, serialised).
 */
export function nextRecord(
  record: DeliveryRecord,
  result: AttemptResult,
  decision: Decision,
  now: number,
): DeliveryRecord {
  // Written out field by field: an object rest (`...rest`) with excluded keys is one of V8's slow copies, and
  // this runs once per attempt (measured: 2.7 % of the SQLite runner's busy time).
  const updated: DeliveryRecord = {
    id: record.id,
    connector: record.connector,
    source: record.source,
    agentid: record.agentid,
    event: record.event,
    lifecycle: record.lifecycle,
    props: record.props,
    status: record.status,
    attempts: decision.kind === 'pause' ? record.attempts : record.attempts + 1,
    acceptedAt: record.acceptedAt,
    updatedAt: now,
  };
  // What the last attempt left stays unless this one replaces it; the next attempt's time and the last error
  // do not (set again below when they still apply).
  if (record.dedupeKey !== undefined) updated.dedupeKey = record.dedupeKey;
  if (record.lastStatus !== undefined) updated.lastStatus = record.lastStatus;
  if (record.lastAnswer !== undefined) updated.lastAnswer = record.lastAnswer;
  if (record.deliveredAt !== undefined) updated.deliveredAt = record.deliveredAt;
  if (record.deadReason !== undefined) updated.deadReason = record.deadReason;
  if (result.status !== undefined) updated.lastStatus = result.status;
  if (!result.ok) updated.lastError = shorten(result.error);
  switch (decision.kind) {
    case 'delivered':
      updated.status = 'delivered';
      updated.deliveredAt = now;
      if (result.ok && result.answer !== undefined) updated.lastAnswer = shorten(result.answer);
      break;
    case 'retry':
      updated.status = 'retrying';
      updated.nextAttemptAt = now + decision.delayMs;
      break;
    case 'dead':
      updated.status = 'dead';
      updated.deadReason = shorten(decision.reason);
      break;
    case 'pause':
      if (record.nextAttemptAt !== undefined) updated.nextAttemptAt = record.nextAttemptAt;
      break;
  }
  return updated;
}

/** Hooks feed metrics and logs: a bug in one must never stall delivery, so their errors are dropped. */
export function safeHooks(hooks: OutboxHooks = {}): Required<OutboxHooks> {
  const guard =
    <A extends unknown[]>(fn?: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn?.(...args);
      } catch {
        // deliberately ignored: see above
      }
    };
  return {
    onAttempt: guard(hooks.onAttempt?.bind(hooks)),
    onDead: guard(hooks.onDead?.bind(hooks)),
    onPauseChange: guard(hooks.onPauseChange?.bind(hooks)),
    onWarningsChange: guard(hooks.onWarningsChange?.bind(hooks)),
  };
}
