// Small tools the outbox specs share: messages, a scripted sender, waiting for a condition.
import type { PreparedMessage } from '@openconnect/core';
import type { AttemptResult, DeliveryRecord } from '../../src/outbox/index.js';

export function message(
  agentid: string,
  event: string,
  extra: Partial<PreparedMessage> = {},
): PreparedMessage {
  return {
    connector: 'acme',
    source: 'calls',
    agentid,
    event,
    lifecycle: 'offered',
    props: { lifecycle: 'offered', callId: `${agentid}-${event}` },
    ...extra,
  };
}

export const ok: AttemptResult = { ok: true, status: 200, answer: '{"success":true}' };
type Failure = Extract<AttemptResult, { ok: false }>;

export const unavailable: Failure = {
  ok: false,
  retryable: true,
  status: 503,
  error: 'OpenConnect answered 503',
};
export const refused: Failure = {
  ok: false,
  retryable: false,
  status: 400,
  error: 'OpenConnect answered 400: agentid is required',
};
export const unauthorised: Failure = {
  ok: false,
  retryable: false,
  pause: true,
  status: 401,
  error: 'the API key was rejected (401)',
};

export interface AttemptLog {
  event: string;
  agentid: string;
  attempts: number;
  at: number;
}

/**
 * A sender that answers from a per-event script (then `ok`), and records every attempt in order.
 * `holdMs` keeps each attempt in flight that long, to observe concurrency.
 */
export function scriptedSender(script: Record<string, AttemptResult[]> = {}, holdMs = 0) {
  const log: AttemptLog[] = [];
  const inFlight = new Map<string, number>();
  let maxPerAgent = 0;
  let maxTotal = 0;
  let total = 0;
  const deliver = async (record: DeliveryRecord): Promise<AttemptResult> => {
    log.push({ event: record.event, agentid: record.agentid, attempts: record.attempts, at: Date.now() });
    const n = (inFlight.get(record.agentid) ?? 0) + 1;
    inFlight.set(record.agentid, n);
    total++;
    maxPerAgent = Math.max(maxPerAgent, n);
    maxTotal = Math.max(maxTotal, total);
    try {
      if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
      return script[record.event]?.shift() ?? ok;
    } finally {
      inFlight.set(record.agentid, (inFlight.get(record.agentid) ?? 1) - 1);
      total--;
    }
  };
  return {
    deliver,
    log,
    delivered: () => log.map((l) => l.event),
    get maxPerAgent() {
      return maxPerAgent;
    },
    get maxTotal() {
      return maxTotal;
    },
  };
}

export async function waitUntil<T>(
  check: () => T | Promise<T>,
  timeoutMs = 8_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
