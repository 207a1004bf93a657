// Which leg of a call a Talkdesk pop is. The Connections triggers fire per agent and name no leg, and
// Talkdesk keeps the call's call_id when it moves to another agent (a belief, README). So the connector
// remembers, per call_id, who answered and who has hung up (inbound_call_ends), and reads the leg from that:
//   - nobody else answered the call: primary;
//   - everybody who answered it before has left (a blind transfer ends A's leg first): transfer;
//   - someone who answered it is still on it (a consult or warm transfer; the triggers do not tell a
//     conference apart): consult.
// An agent already popped for the call gets no second pop.
import { type Leg, type Lifecycle, lookUp, putOwn, type StateStore } from '@openconnect/core';

interface CallRecord {
  agents: Record<string, { leg: Leg; pops: Lifecycle[]; left?: boolean }>;
}

const keyOf = (callId: string) => `call:${callId}`;

/** The agent's own entry: an agent named like an Object method ("toString") must not find the method. */
const entryOf = (record: CallRecord | undefined, agent: string) =>
  record ? lookUp(record.agents, agent) : undefined;

export type LegOutcome = { leg: Leg; parent?: string } | { duplicate: string };

/** The leg of an agent's offered/answered call, recorded; or why it would be a second pop. */
export async function popLeg(
  state: StateStore,
  callId: string,
  agent: string,
  lifecycle: Lifecycle,
): Promise<LegOutcome> {
  const record = (await state.get<CallRecord>(keyOf(callId))) ?? { agents: {} };
  const mine = entryOf(record, agent);
  if (mine?.pops.includes(lifecycle)) {
    return { duplicate: `${agent} already had ${lifecycle} for call ${callId}: one pop per agent per call` };
  }
  // Stryker disable next-line MethodExpression,ConditionalExpression: the agent's own entry, when there is one, gives the leg (mine.leg) before others is read
  const others = Object.entries(record.agents).filter(([name]) => name !== agent);
  const leg: Leg =
    mine?.leg ?? (!others.length ? 'primary' : others.every(([, a]) => a.left) ? 'transfer' : 'consult');
  // Stryker disable next-line ArrayDeclaration: pops is only searched for a lifecycle, and an extra non-lifecycle entry is never one
  putOwn(record.agents, agent, { leg, pops: [...(mine?.pops ?? []), lifecycle] });
  await state.set(keyOf(callId), record);
  // Stryker disable next-line ConditionalExpression,StringLiteral: legProps drops the parent of a primary leg, so returning it changes no message
  return leg === 'primary' ? { leg } : { leg, parent: callId };
}

/** Notes that an agent's leg of the call ended. */
export async function leaveCall(state: StateStore, callId: string, agent: string): Promise<void> {
  const record = await state.get<CallRecord>(keyOf(callId));
  const mine = entryOf(record, agent);
  if (!record || !mine) return;
  mine.left = true;
  await state.set(keyOf(callId), record);
}
