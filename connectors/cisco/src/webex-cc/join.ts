// Webex CC splits a call over two streams: task events (caller, queue; no agent) and the agent's channel
// state events (agent and taskId). One record per task, kept in the state store, joins them. Task steps
// that arrive before any agent is known wait in the record and go out, in lifecycle order, as soon as an
// agent event names the task; each agent gets each once-only step at most once, never out of order.
import type { Leg, Lifecycle } from '@openconnect/core';
import type { WebexData } from './event.js';

export interface TaskInfo {
  origin?: string;
  destination?: string;
  queueId?: string;
  direction?: string;
  channelType?: string;
  outboundType?: string;
  reason?: string;
  terminatingParty?: string;
  wrapUpAuxCodeId?: string;
}

export interface Step {
  lifecycle: Lifecycle;
  nativeEvent: string;
  /** The event's comciscotimestamp (epoch ms, V2 only): Webex's own time of the step. */
  time?: string | undefined;
}

export interface AgentProgress {
  agentId: string;
  sent: Lifecycle[];
  held: boolean;
  /** Which leg of the task this agent came in on (records from before legs were kept: primary). */
  leg?: Leg;
}

/** What the task is doing now, from task:consulting, task:conferencing... and the agents' channel states. */
export type TaskMode = 'consult' | 'conference' | 'transfer';

export interface TaskRecord {
  info: TaskInfo;
  /** The agent UUID that has the task now (the last channel state event naming it). */
  agentId?: string;
  /** Per agent: a transfer gives the next agent its own offered/answered. */
  progress: AgentProgress[];
  /** Task steps that came before any agent was known. */
  pending: Step[];
  /** A consult or conference in progress, or a transfer done: the leg a newly joined agent is on. */
  mode?: TaskMode;
}

/** Events that tell what the task is doing; the leg of the next agent to join follows from it. */
const MODES = new Map<string, TaskMode | undefined>([
  ['task:consulting', 'consult'],
  ['consulting', 'consult'],
  ['task:conferencing', 'conference'],
  ['conferencing', 'conference'],
  ['task:conference-transferred', 'transfer'],
  ['task:consult-done', undefined],
  ['consult-done', undefined],
  ['task:conference-done', undefined],
  ['conference-done', undefined],
]);

/** The record's mode after an event type (task:*) or channel state (consulting...). */
export function nextMode(record: TaskRecord, word: string): TaskMode | undefined {
  return MODES.has(word) ? MODES.get(word) : record.mode;
}

/**
 * The leg an agent joins the task on: primary unless another agent already answered it; then the consult or
 * conference in progress, else a transfer (blind transfers and consult transfers alike keep the taskId).
 */
export function legFor(record: TaskRecord, agentId: string): Leg {
  const answered = record.progress.some((p) => p.agentId !== agentId && p.sent.includes('answered'));
  return answered ? (record.mode ?? 'transfer') : 'primary';
}

/**
 * Whom a task event (task:on-hold, task:ended...) is for: the agent who has the customer, the first on the call
 * still on it (primary or transfer leg), not a colleague consulted or conferenced in, whose channel events may
 * have come last. Before anyone answered: the agent the last channel event named (the one it rings at).
 */
export function taskOwner(record: TaskRecord): string | undefined {
  const left = (p: AgentProgress) => p.sent.some((l) => rank(l) >= rank('ended'));
  const on = record.progress.filter((p) => p.sent.includes('answered') && !left(p));
  const owner = on.find((p) => p.leg === undefined || p.leg === 'primary' || p.leg === 'transfer') ?? on[0];
  return owner?.agentId ?? record.agentId;
}

export const emptyRecord = (): TaskRecord => ({ info: {}, progress: [], pending: [] });

const INFO_KEYS = [
  'origin',
  'destination',
  'queueId',
  'direction',
  'channelType',
  'outboundType',
  'reason',
  'terminatingParty',
  'wrapUpAuxCodeId',
] as const;

/** Task events are the authority on the task's fields; agent events only fill gaps. */
export function mergeInfo(info: TaskInfo, data: WebexData, authoritative: boolean): TaskInfo {
  const out: TaskInfo = { ...info };
  for (const key of INFO_KEYS) {
    const value = data[key];
    if (value && (authoritative || !out[key])) out[key] = value;
  }
  return out;
}

const RANK: Partial<Record<Lifecycle, number>> = {
  offered: 1,
  answered: 2,
  held: 2.5,
  resumed: 2.5,
  transferred: 3,
  ended: 4,
  wrapup: 5,
  completed: 6,
};
const rank = (lifecycle: Lifecycle) => RANK[lifecycle] ?? 0;

/** Decides which steps go out for one agent, updating its progress. Returns the sent ones and why others did not. */
export function release(progress: AgentProgress, steps: Step[]): { sent: Step[]; skipped: string[] } {
  const sent: Step[] = [];
  const skipped: string[] = [];
  const ordered = [...steps].sort((a, b) => rank(a.lifecycle) - rank(b.lifecycle));
  for (const step of ordered) {
    const furthest = Math.max(0, ...progress.sent.map(rank));
    const { lifecycle } = step;
    if (lifecycle === 'held' || lifecycle === 'resumed') {
      if (furthest >= rank('ended')) {
        skipped.push(`${step.nativeEvent}: the task already ended`);
        continue;
      }
      if ((lifecycle === 'held') === progress.held) {
        skipped.push(`${step.nativeEvent}: the task is already ${progress.held ? 'on hold' : 'off hold'}`);
        continue;
      }
      progress.held = lifecycle === 'held';
    } else if (progress.sent.includes(lifecycle)) {
      skipped.push(`${step.nativeEvent}: ${lifecycle} was already sent for this agent`);
      continue;
    } else if (rank(lifecycle) < furthest) {
      skipped.push(`${step.nativeEvent}: arrived after a later step (${lifecycle} is out of order)`);
      continue;
    } else {
      progress.sent.push(lifecycle);
    }
    sent.push(step);
  }
  return { sent, skipped };
}
