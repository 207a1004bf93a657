// PureConnect call legs, read from interaction attributes (names as public ICWS integrations subscribe to
// them; their meaning is a belief, not checked on a live CIC):
//   - Eic_ConsultingCallId on an interaction: it is a consult call made from that call (the one on hold).
//     The consulting agent's side (Eic_CallDirection O, they dialed it) pops nothing: their own call goes on.
//     The consulted agent's side is leg consult, parent the held call; if that call is then transferred to
//     them, it is not popped again (they were popped for it as a consult).
//   - Eic_ConferenceId: the interaction is a member of a conference (another interaction object): leg
//     conference, parent the call the conference grew from (the first popped call seen joining it), else
//     the conference. Members already on the call see only a delta: no new pop.
//   - The same interaction reaching a second agent (a blind transfer moves it to another user queue): leg
//     transfer, parent the interaction itself.
import { type Leg, type Lifecycle, normaliseChannel, type StateStore } from '@openconnect/core';

export interface InteractionLeg {
  leg: Leg;
  /** The first leg's id: the held call, the conference, or the transferred interaction itself. */
  parent?: string;
  /** The consult call the agent dialed themselves: no pop of its own. */
  ownConsult?: boolean;
}

export function interactionLeg(
  id: string,
  a: Readonly<Record<string, string>>,
  sent: Readonly<Record<string, Lifecycle>>,
  agentid: string,
): InteractionLeg {
  const consulting = a.Eic_ConsultingCallId?.trim();
  if (consulting && consulting !== id) {
    const ownConsult = a.Eic_CallDirection?.trim().toUpperCase() === 'O';
    return { leg: 'consult', parent: consulting, ...(ownConsult ? { ownConsult } : {}) };
  }
  const conference = a.Eic_ConferenceId?.trim();
  if (conference && conference !== id) return { leg: 'conference', parent: conference };
  if (Object.keys(sent).some((agent) => agent !== agentid)) return { leg: 'transfer', parent: id };
  return { leg: 'primary' };
}

const conferenceKey = (conferenceId: string) => `pureconnect:conference:${conferenceId}`;

/** The call a conference grew from: the first popped call seen joining it. */
export async function conferenceCall(state: StateStore, conferenceId: string): Promise<string | undefined> {
  return state.get<string>(conferenceKey(conferenceId));
}

export async function rememberConferenceCall(
  state: StateStore,
  ttlMs: number,
  conferenceId: string,
  callId: string,
): Promise<void> {
  if (!(await conferenceCall(state, conferenceId)))
    await state.set(conferenceKey(conferenceId), callId, ttlMs);
}

const consultedKey = (callId: string) => `pureconnect:consulted:${callId}`;

/** The agents consulted on a call, who were popped for it already. */
export async function consultedOn(state: StateStore, callId: string): Promise<string[]> {
  return (await state.get<string[]>(consultedKey(callId))) ?? [];
}

export async function rememberConsulted(
  state: StateStore,
  ttlMs: number,
  callId: string,
  agentid: string,
): Promise<void> {
  const agents = await consultedOn(state, callId);
  if (!agents.includes(agentid)) await state.set(consultedKey(callId), [...agents, agentid], ttlMs);
}

/** Eic_ObjectType (Call, Callback, Chat, Email Object, SMS, Generic Object...) → channel; callback before call. */
export function channelOf(objectType: string | undefined): string | undefined {
  const word = objectType?.trim().toLowerCase();
  if (!word) return undefined;
  if (word.includes('callback')) return 'callback';
  if (word.includes('call')) return 'voice';
  if (word.includes('chat')) return 'chat';
  if (word.includes('mail')) return 'email';
  if (word.includes('sms')) return 'sms';
  if (word.includes('generic')) return 'task';
  return normaliseChannel(word);
}
