// The connector's options, flat so every secret is a top-level key the runtime can redact.
// Each source refuses every request until its own secret is set, so a deployment can run just one platform.
import { DEFAULT_STATE_TTL_MS } from '@openconnect/core';
import { z } from 'zod';

export const config = z.object({
  /** Finesse (UCCE/UCCX): the shared secret the gadget sends in the x-openconnect-token header. */
  finesseToken: z.string().min(16, 'finesseToken must be at least 16 characters').optional(),
  /** Which Finesse platform this deployment runs; without it, each dialog's own fields decide. */
  finessePlatform: z.enum(['UCCE', 'UCCX']).optional(),
  /** Agent-initiated outbound calls (INITIATING/INITIATED): ignored until answered, or sent as offered. */
  finesseOutboundInitiated: z.enum(['ignore', 'offered']).default('ignore'),
  /** Webex Contact Center: the `secret` given when the subscription was created. */
  webexCcSecret: z.string().min(8, 'webexCcSecret must be at least 8 characters').optional(),
  /** How far X-WebexCC-Timestamp may be from now. Cisco's guide uses 5 minutes. */
  webexCcToleranceMs: z.number().int().positive().default(300_000),
  /** How long per-dialog and per-task state (joins, last lifecycle) is kept. */
  stateTtlMs: z.number().int().positive().default(DEFAULT_STATE_TTL_MS),
});

export type CiscoConfig = z.output<typeof config>;

export const SECRET_KEYS = ['finesseToken', 'webexCcSecret'] as const;

/** What the mappings and verifiers get from outside: the clock, and a per-key queue for the join state. */
export interface CiscoServices {
  now: () => number;
  /** Runs fn after every earlier fn with the same key has settled (within this process). */
  serial: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
}

export function createServices(overrides: Partial<CiscoServices> = {}): CiscoServices {
  return { now: () => Date.now(), serial: keyedQueue(), ...overrides };
}

// Webex CC delivers a task's events concurrently; each reads, changes and writes the task's record, so
// two at once would lose one's change (a waiting step sent twice, a join forgotten).
function keyedQueue(): CiscoServices['serial'] {
  const tails = new Map<string, Promise<unknown>>();
  return (key, fn) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    // Stryker disable next-line BlockStatement,ArrowFunction: only frees a drained key's entry; a settled tail left in the map delays nothing
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
