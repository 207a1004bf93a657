// PureEngage call legs, from the Workspace API call (workspace-client-js / agent-api-simulator field
// names; the sequences are beliefs from T-Server behaviour, not checked on a live Engage):
//   - callType Consult (or a parentConnId): a consult call. The agent who dialed it (they saw it Dialing)
//     gets nothing for it, their own call goes on; the agent it rings is leg consult, parent parentConnId.
//   - A call whose previousConnId is a call this agent was popped for (a consult that became the transferred
//     or conferenced call, under a new connId) continues that call: no second pop.
//   - A connId popped to another agent before: leg transfer when they all left it (single-step transfer),
//     conference when one is still on it (single-step conference); parent the connId.
import type { Leg, Lifecycle, StateStore } from '@openconnect/core';

/** Who was popped for a connId (per agent, the last lifecycle sent), across every agent's session. */
type CallAgents = Record<string, Lifecycle>;
const callKey = (connId: string) => `pureengage:call:${connId}`;
const dialedKey = (agentid: string, connId: string) => `pureengage:dialed:${agentid}:${connId}`;
/** The per-agent, per-call state key of the last lifecycle sent. */
export const agentCallKey = (agentid: string, connId: string) => `pureengage:${agentid}:${connId}`;

export interface LegCall {
  id: string;
  state: string;
  callType?: string | null | undefined;
  parentConnId?: string | null | undefined;
  previousConnId?: string | null | undefined;
}

export type EngageLeg =
  | { kind: 'leg'; leg: Leg; parent?: string }
  /** The consult call the agent dialed themselves. */
  | { kind: 'own-consult'; parent?: string }
  /** The same call under a new connId (previousConnId), already popped to this agent. */
  | { kind: 'continues'; previous: string; last: Lifecycle };

const isConsult = (c: LegCall) => c.callType?.toLowerCase() === 'consult' || Boolean(c.parentConnId);

/** Notes that the agent dialed a call (its Dialing state), so its consult legs are known as their own. */
export async function noteDialing(
  state: StateStore,
  ttlMs: number,
  agentid: string,
  c: LegCall,
): Promise<void> {
  await state.set(dialedKey(agentid, c.id), true, ttlMs);
}

/** The leg of a call state for an agent not popped for this connId yet. */
export async function engageLeg(state: StateStore, agentid: string, c: LegCall): Promise<EngageLeg> {
  const parent = c.parentConnId ?? undefined;
  if (isConsult(c) && (await state.get<boolean>(dialedKey(agentid, c.id))))
    return { kind: 'own-consult', ...(parent ? { parent } : {}) };
  const previous = c.previousConnId;
  if (previous && previous !== c.id) {
    const last = await state.get<Lifecycle>(agentCallKey(agentid, previous));
    if (last) return { kind: 'continues', previous, last };
  }
  if (isConsult(c)) return { kind: 'leg', leg: 'consult', ...(parent ? { parent } : {}) };
  const others = Object.entries((await state.get<CallAgents>(callKey(c.id))) ?? {}).filter(
    ([a]) => a !== agentid,
  );
  if (!others.length) return { kind: 'leg', leg: 'primary' };
  const stillOn = others.some(([, last]) => last !== 'ended' && last !== 'completed');
  return { kind: 'leg', leg: stillOn ? 'conference' : 'transfer', parent: c.id };
}

/** Records the lifecycle sent to an agent for a connId, for the other agents' legs. */
export async function noteSent(
  state: StateStore,
  ttlMs: number,
  agentid: string,
  connId: string,
  lifecycle: Lifecycle,
): Promise<void> {
  const agents = (await state.get<CallAgents>(callKey(connId))) ?? {};
  await state.set(callKey(connId), { ...agents, [agentid]: lifecycle }, ttlMs);
}

const customerKey = (connId: string) => `pureengage:customer:${connId}`;

/** The customer's number of a call, kept when it is first popped, for the consult legs made from it. */
export async function keepCustomer(
  state: StateStore,
  ttlMs: number,
  connId: string,
  ani: unknown,
): Promise<void> {
  if (typeof ani === 'string' && !(await state.get<string>(customerKey(connId))))
    await state.set(customerKey(connId), ani, ttlMs);
}

export const customerOf = (state: StateStore, connId: string) => state.get<string>(customerKey(connId));
