// A relay re-sends a batch when the runner answered 503 or 429 after this connector had already advanced the
// contacts' status memory: read again, its statuses would look like repeats and the pop would be lost. So a
// batch that produced messages is remembered with the memory it left behind; the same batch arriving while
// that memory is unchanged is the re-send, and gets the same messages (the outbox delivers them once, keyed
// by the batch's event id). The same content after the memory moved on (an Active after a hold, with a
// relay that strips timestamps) is a new event and goes through the transitions as usual.
import { createHash } from 'node:crypto';
import type { Draft, StateStore } from '@openconnect/core';
import type { ContactMemory } from './transitions.js';

/** Long enough for any relay's retries; short enough to keep the store small. */
export const REPLAY_TTL_MS = 60 * 60 * 1000;

export interface BatchRecord {
  drafts: Draft[];
  /** State key of each contact the batch touched → its memory afterwards (null: forgotten). */
  after: Record<string, ContactMemory | null>;
}

/** A short, stable id of a batch's content (agent, session and events). */
export const batchKey = (content: unknown): string =>
  createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 32);

// Neither side is missing while a record exists (no step forgets a contact, and its memory, 4 h, outlives the
// record, 1 h); the null case only keeps the comparison total.
const same = (a: ContactMemory | null | undefined, b: ContactMemory | null): boolean =>
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: unreachable, see above
  a == null || b == null
    ? // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: unreachable, see above
      a == null && b == null
    : a.offered === b.offered &&
      a.answered === b.answered &&
      a.ended === b.ended &&
      Boolean(a.completed) === Boolean(b.completed) &&
      a.last === b.last;

/** The messages a re-sent batch produced the first time, or undefined when this is not a re-send. */
export async function replayOf(state: StateStore, key: string): Promise<Draft[] | undefined> {
  const record = await state.get<BatchRecord>(`batch:${key}`);
  if (!record) return undefined;
  for (const [contact, after] of Object.entries(record.after)) {
    if (!same(await state.get<ContactMemory>(contact), after)) return undefined;
  }
  return record.drafts;
}

export const rememberBatch = (state: StateStore, key: string, record: BatchRecord) =>
  state.set(`batch:${key}`, record, REPLAY_TTL_MS);
