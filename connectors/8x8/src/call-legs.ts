// How 8x8 Event Streaming shows a call's legs, and which leg each pop is (core legs.ts).
//
// 8x8 builds a consult, a warm transfer and a conference the same way: the agent on the customer's call
// (line 1) dials a second agent on a new interaction (line 2, its own interactionGUID), then transfers
// (InteractionTransferRequest) or joins the lines (InteractionJoinLinesRequest, InteractionParticipantChange).
// A blind transfer hands the call on (the same interaction re-assigned, or a new one naming the first in
// attachedData `originalInteractionGuid`). This module keeps what the stream said about each line in the
// state store, so the mapping stays a function of (event, store): which call a line belongs to, whether the
// call was transferred, and which agents are already on the call.
import { type Leg, legProps, type Props, PROP, type StateStore } from '@openconnect/core';

/** What 8x8 sends that tells the legs apart. */
export interface LegFields {
  type: string;
  interaction: string;
  /** attachedData `originalInteractionGuid`: the call this line was made from (or transferred from). */
  original?: string;
  /** attachedData `oqu`: the queue the call was in before it was transferred. */
  originalQueue?: boolean;
  /** `isAgentInitiated` (boolean or "true"/"false", 8x8 sends both). */
  agentInitiated?: boolean;
  /** The frame's id: a redelivered party-joined event claims its pop again. */
  eventId?: string;
}

interface Line {
  /** The call's first interaction. */
  call: string;
  leg: Leg;
}

const lineKey = (interaction: string) => `line:${interaction}`;
const transferKey = (call: string) => `transferred:${call}`;
const onCallKey = (call: string, agent: string) => `on:${call}:${agent}`;
const dialedKey = (interaction: string, agent: string) => `dialed:${interaction}:${agent}`;
const joinedKey = (call: string, agent: string) => `joined:${call}:${agent}`;

/**
 * Remembers a second line the first time an event names its original interaction (InteractionCreated has no
 * agent yet, InteractionAccepted may not repeat attachedData). A line dialed by an agent before any transfer
 * of its call is a consult; one the platform routes after a transfer is a transfer leg.
 */
export async function recordLine(f: LegFields, state: StateStore): Promise<void> {
  if (f.type === 'InteractionTransferRequest') {
    const line = await state.get<Line>(lineKey(f.interaction));
    await state.set(transferKey(f.interaction), true);
    if (line) await state.set(transferKey(line.call), true);
    return;
  }
  if (!f.original || f.original === f.interaction || (await state.get<Line>(lineKey(f.interaction)))) return;
  const transferred =
    f.originalQueue || (await state.get(transferKey(f.original))) !== undefined || f.agentInitiated !== true;
  await state.set(lineKey(f.interaction), {
    call: f.original,
    leg: transferred ? 'transfer' : 'consult',
  } satisfies Line);
}

export type LegDecision = { props: Props } | { ignored: string };

/**
 * The leg of an offer or an answer to `agent`, or why it is no pop: the agent is already on the call through
 * another line (the agent who dialed a consult, or an agent whose lines were joined into a conference).
 */
export async function popLeg(f: LegFields, agent: string, state: StateStore): Promise<LegDecision> {
  const line = await state.get<Line>(lineKey(f.interaction));
  const call = line?.call ?? f.interaction;
  const joinedBy = await state.get<string>(onCallKey(call, agent));
  const conference = f.type === 'InteractionParticipantChange';
  // A party joins the call itself, not a line of its own: its mark names the event, so only a redelivery
  // of that same event passes, and any agent already on the call (A, or B through line 2) is no new party.
  const mark = conference ? `${f.interaction}#${f.eventId ?? ''}` : f.interaction;
  if (conference) await state.set(joinedKey(call, agent), true);
  if (joinedBy !== undefined && joinedBy !== mark) {
    const through = joinedBy.split('#')[0];
    if (line) await state.set(dialedKey(f.interaction, agent), true);
    return {
      ignored: line
        ? `8x8 ${f.type}: agent ${agent} is on call ${call} and dialed line ${f.interaction} from it; no second pop`
        : `8x8 ${f.type}: agent ${agent} is already on call ${call}${through === call ? '' : ` (joined through line ${through})`}; no second pop`,
    };
  }
  await state.set(onCallKey(call, agent), mark);
  if (conference) return { props: legProps('conference', call) };
  if (line) return { props: legProps(line.leg, line.call) };
  const handedOn = f.originalQueue || (await state.get(transferKey(call))) !== undefined;
  return { props: handedOn ? legProps('transfer', call) : legProps('primary') };
}

/**
 * For the other moments of a line (held, wrapup, ended...): its call's id, or why it is not this agent's
 * to report: the line the agent dialed for a consult, or a line closed after its agent joined the call.
 */
export async function lineProps(
  f: LegFields,
  agent: string,
  ended: boolean,
  state: StateStore,
): Promise<LegDecision> {
  const line = await state.get<Line>(lineKey(f.interaction));
  if (!line) return { props: {} };
  if ((await state.get(dialedKey(f.interaction, agent))) !== undefined) {
    return {
      ignored: `8x8 ${f.type}: line ${f.interaction} is the one agent ${agent} dialed from call ${line.call}, not a call of theirs`,
    };
  }
  if (ended && (await state.get(joinedKey(line.call, agent))) !== undefined) {
    return {
      ignored: `8x8 ${f.type}: line ${f.interaction} closed after agent ${agent} joined call ${line.call}, which goes on`,
    };
  }
  return { props: { [PROP.parentInteractionId]: line.call } };
}
