// What a fault run comes to, counted the same way for every run: from the ids the load generator was
// answered 2xx for (the runner's promise) and the messages the OpenConnect emulator received.
import type { Emulator } from '@openconnect/core/testing';

export interface Figures {
  /** The fault run, in words. */
  run: string;
  /** Events answered 2xx: the runner promised to deliver them. */
  accepted: number;
  /** Accepted events that reached OpenConnect at least once. */
  delivered: number;
  /** Accepted events that never reached OpenConnect (must be 0). */
  lost: number;
  /** Extra copies of accepted events that reached OpenConnect (at-least-once). */
  duplicated: number;
  /** The most copies the run's at-least-once window allows. */
  duplicateBound: number;
  /** Events not answered 2xx (the runner died mid-request): the vendor would send them again. */
  refused: number;
  /** Anything else the run measured (timeouts, kills, seconds). */
  notes: Record<string, number>;
}

/** How many times each event (its interactionId) reached the emulator. */
export function arrivals(emulator: Emulator): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of emulator.messages) {
    const id = String(m.props.interactionId);
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

/** The shortest time between two arrivals of one event at OpenConnect (undefined without copies). */
export function shortestGapMs(emulator: Emulator): number | undefined {
  const last = new Map<string, number>();
  let shortest: number | undefined;
  for (const m of emulator.messages) {
    const id = String(m.props.interactionId);
    const at = Date.parse(m.receivedAt);
    const before = last.get(id);
    if (before !== undefined) shortest = Math.min(shortest ?? Number.POSITIVE_INFINITY, at - before);
    last.set(id, at);
  }
  return shortest;
}

/** Waits until every accepted event has arrived, or `timeoutMs` passed (then the missing ones are lost). */
export async function drained(emulator: Emulator, accepted: readonly string[], timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const seen = arrivals(emulator);
    if (accepted.every((id) => seen.has(id))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function count(
  emulator: Emulator,
  run: string,
  accepted: readonly string[],
  more: Pick<Figures, 'duplicateBound' | 'refused' | 'notes'>,
): Figures {
  const seen = arrivals(emulator);
  const delivered = accepted.filter((id) => seen.has(id)).length;
  const duplicated = accepted.reduce((sum, id) => sum + Math.max(0, (seen.get(id) ?? 0) - 1), 0);
  return {
    run,
    accepted: accepted.length,
    delivered,
    lost: accepted.length - delivered,
    duplicated,
    ...more,
  };
}

/**
 * Waits until the runner at `url` holds nothing to send (outbox depth queued and retrying both 0), or
 * `timeoutMs` passed. An event can reach OpenConnect before its attempt ends (a timed-out attempt, then its
 * retry): counters read before this may miss what that attempt still adds.
 */
export async function settled(url: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const waiting =
      (await metric(url, 'openconnect_outbox_depth{status="queued"}')) +
      (await metric(url, 'openconnect_outbox_depth{status="retrying"}'));
    if (waiting === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A counter's value from a runner's /metrics (0 when absent or unreachable). */
export async function metric(url: string, line: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const found = text.split('\n').find((l) => l.startsWith(`${line} `));
    return found ? Number(found.split(' ').pop()) : 0;
  } catch {
    return 0;
  }
}
