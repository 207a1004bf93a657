// Which leg of a call a Five9 pop is. Web Connectors fire in each agent's own desktop, one request per agent
// per trigger, and Five9 has no trigger for a blind transfer or a conference, nor a variable naming the leg.
// So the connector keeps, per call, who was popped and who is still on it, and reads the leg from that:
//   - nobody else was popped for the call: primary;
//   - the agents popped before have all left it: OnCallDisconnected fired on their desktops first (as a
//     blind transfer does), or they transferred the chat/e-mail away (OnChatTransfer, OnEmailTransfer):
//     transfer;
//   - an agent still on the call started a warm transfer (OnWarmTransferInitiation, Five9's consult):
//     consult;
//   - agents are still on the call and none started a warm transfer: conference.
// An agent already popped for the call (their own consult leg, a conference they are in, a repeated trigger)
// gets no second offered/answered. A call is its Call.session_id when sent (one session for every leg),
// else its Call.call_id. These readings are beliefs about Five9 (README); `callTypeLegs` overrides them by
// call type where a domain's Call.type names the leg.
import { type Leg, type Lifecycle, lookUp, putOwn, type StateStore } from '@openconnect/core';

/** What the connector remembers of one call (JSON in the state store, 4 hours). */
export interface CallRecord {
  /** The first leg's Call.call_id: every other leg's parentInteractionId. */
  first: string;
  agents: Record<string, { pops: Lifecycle[]; leg: Leg; left?: boolean }>;
  /** Agents who started a warm transfer (consult) on this call. */
  warm?: string[];
}

export type LegOutcome = { leg: Leg; parent?: string } | { duplicate: string };

const keyOf = (call: string) => `call:${call}`;

/** The leg of an agent's offered/answered, recorded; or why it is a duplicate pop. */
export async function popLeg(
  state: StateStore,
  call: {
    key: string;
    callId: string | undefined;
    agent: string;
    lifecycle: Lifecycle;
    typeLeg?: Leg | undefined;
  },
): Promise<LegOutcome> {
  const record: CallRecord = (await state.get<CallRecord>(keyOf(call.key))) ?? {
    first: call.callId ?? call.key,
    agents: {},
  };
  const mine = lookUp(record.agents, call.agent);
  if (mine?.pops.includes(call.lifecycle)) {
    return {
      duplicate: `${call.agent} already had ${call.lifecycle} for call ${call.key}: one pop per agent per call (their own consult leg, a conference they are in, or a repeated trigger)`,
    };
  }
  const leg = mine?.leg ?? call.typeLeg ?? inferLeg(record, call.agent);
  putOwn(record.agents, call.agent, {
    // Stryker disable next-line ArrayDeclaration: pops is only searched for a lifecycle, and an extra non-lifecycle entry is never one
    pops: [...(mine?.pops ?? []), call.lifecycle],
    leg,
    ...(mine?.left ? { left: true } : {}),
  });
  await state.set(keyOf(call.key), record);
  // Stryker disable next-line ConditionalExpression,StringLiteral: legProps drops the parent of a primary leg, so returning it changes no message
  return leg === 'primary' ? { leg } : { leg, parent: record.first };
}

function inferLeg(record: CallRecord, agent: string): Leg {
  // Stryker disable next-line MethodExpression,ConditionalExpression,LogicalOperator: the agent's own entry is read before inferLeg (mine.leg), and every entry has a pop (only popLeg adds entries)
  const others = Object.entries(record.agents).filter(([name, a]) => name !== agent && a.pops.length);
  if (!others.length) return 'primary';
  const onCall = others.filter(([, a]) => !a.left).map(([name]) => name);
  if (!onCall.length) return 'transfer';
  return onCall.some((name) => record.warm?.includes(name)) ? 'consult' : 'conference';
}

/** Remembers what a non-pop trigger tells about the call's legs: a warm transfer, or an agent leaving it. */
export async function noteCall(
  state: StateStore,
  call: {
    key: string;
    callId: string | undefined;
    agent: string;
    lifecycle: Lifecycle;
    chatOrEmail: boolean;
  },
): Promise<void> {
  if (call.lifecycle !== 'transferred' && call.lifecycle !== 'ended') return;
  const record: CallRecord = (await state.get<CallRecord>(keyOf(call.key))) ?? {
    first: call.callId ?? call.key,
    agents: {},
  };
  // A call's warm transfer starts a consult, A stays on; a chat or e-mail transfer hands it over.
  const agent = lookUp(record.agents, call.agent);
  const leaves = call.lifecycle === 'ended' || call.chatOrEmail;
  if (leaves && agent) agent.left = true;
  // Stryker disable next-line ArrayDeclaration: warm is only searched for agents' names, and an extra entry that is no agent's is never found
  if (!leaves) record.warm = [...new Set([...(record.warm ?? []), call.agent])];
  await state.set(keyOf(call.key), record);
}
