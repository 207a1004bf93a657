// Real-Time Data API records → the Agent API events the relay mapping already reads, so a contact polled
// from contacts/active pops exactly like the same contact seen in an agent session (same Status words,
// same state keys). A frame is one contacts/active record with the latest agents/states record of its
// agent (whose ACW says whether the wrap-up is over), or one agents/states record alone.
import { InputError, lookUp, normaliseChannel } from '@openconnect/core';
import type { AgentEventBatch } from '../agent-events.js';
import type { InContactConfig } from '../config.js';
import { flatten } from '../vendor-values.js';

/** What rtd-poll hands the host: CXone's own records, unchanged. */
export interface RtdFrame {
  /** A contacts/active record. */
  contact?: Record<string, unknown>;
  /** The agents/states record of the contact's agent (or of the agent that changed). */
  agent?: Record<string, unknown>;
}

/** The same, flattened to strings. */
export interface RtdEvent {
  contact?: Record<string, string>;
  agent?: Record<string, string>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

/** A numeric id CXone uses for "none" (an agent not yet assigned, no contact). */
export const noId = (id: string | undefined) => !id || id === '0';

// Older API versions name some fields differently (state, fromAddr, contactStart); both are read.
const stateName = (c: Record<string, string>) => c.stateName ?? c.contactStateName ?? c.state ?? '';

export function readRtdFrame(frame: unknown): RtdEvent {
  if (!isRecord(frame) || (!isRecord(frame.contact) && !isRecord(frame.agent)))
    throw new InputError('an rtd-poll frame is {contact?, agent?} with at least one record');
  const contact = isRecord(frame.contact) ? flatten(frame.contact) : undefined;
  const agent = isRecord(frame.agent) ? flatten(frame.agent) : undefined;
  if (contact && (!contact.contactId || noId(contact.agentId)))
    throw new InputError(
      'a contacts/active record needs contactId and the agentId it is assigned to',
      'contact',
    );
  // Without its state the record says nothing about the call (the mapping would have no Status to read).
  if (contact && !stateName(contact))
    throw new InputError('a contacts/active record needs its stateName (or state)', 'contact');
  if (agent && noId(agent.agentId)) throw new InputError('an agents/states record needs agentId', 'agent');
  return { ...(contact ? { contact } : {}), ...(agent ? { agent } : {}) };
}

/**
 * The agent is still on this contact: talking, or in after-call work on it (an ACW record that names no
 * contact counts too). An agents/states record that has not caught up with a hang-up still names the
 * contact, so its wrap-up is not taken as over before the agent is seen to move off it.
 */
export const onContact = (
  contact: Record<string, string>,
  agent: Record<string, string> | undefined,
): boolean =>
  !!agent &&
  (agent.contactId === contact.contactId || (agent.isACW?.toLowerCase() === 'true' && noId(agent.contactId)));

/**
 * The Agent API Status a contact's RTD state stands for, or the state itself when the table has none. Own entries
 * only: a state named "constructor" found Object's function, and the mapping failed (status.toLowerCase).
 */
export const statusOf = (contact: Record<string, string>, config: InContactConfig): string =>
  lookUp(config.cxoneRealtimeStates, stateName(contact)) ?? stateName(contact);

/** The contact is ended in RTD terms and its agent is still on it (wrap-up): `completed` is yet to come. */
export const awaitsWrapUp = (event: RtdEvent, config: InContactConfig): boolean =>
  !!event.contact &&
  statusOf(event.contact, config).toLowerCase() === 'disconnected' &&
  onContact(event.contact, event.agent);

// Belief: RTD has no CallType; a record that carries one is read, else the skills the deployment names.
function callType(c: Record<string, string>, config: InContactConfig): string | undefined {
  const own = c.callType ?? c.CallType;
  if (own) return own;
  const skills = config.cxoneRealtimeConsultSkills;
  return skills.includes(c.skillId ?? '') || skills.includes(c.skillName ?? '') ? 'Consult' : undefined;
}

// The Agent API event type of a Real-Time Data media type, so a chat polled from RTD is named as in a session.
const MEDIA_TYPES: Record<string, string> = {
  chat: 'TextContactEvent',
  sms: 'TextContactEvent',
  email: 'EmailContactEvent',
  task: 'WorkItemContactEvent',
  voicemail: 'VoiceMailContactEvent',
};
const contactTypeOf = (media: string) => MEDIA_TYPES[normaliseChannel(media) ?? ''] ?? 'CallContactEvent';

function callContactEvent(
  c: Record<string, string>,
  agent: Record<string, string> | undefined,
  config: InContactConfig,
) {
  const type = callType(c, config);
  const media = c.mediaTypeName ?? '';
  const Type = contactTypeOf(media);
  const from = c.fromAddress ?? c.fromAddr ?? '';
  const to = c.toAddress ?? c.toAddr ?? '';
  const event: Record<string, string> = {
    Type,
    MediaType: media,
    ContactID: c.contactId!,
    MasterID: c.masterContactId ?? c.contactId!,
    Status: statusOf(c, config),
    ...(type ? { CallType: type } : {}),
    // A call's addresses are phone numbers (ANI, DNIS); a chat's or an email's are not, and travel as the
    // Agent API names them on text contacts (FromAddress), which an SMS reads as its ani.
    ...(Type === 'CallContactEvent' ? { ANI: from, DNIS: to } : { FromAddress: from }),
    Skill: c.skillId ?? '',
    SkillName: c.skillName ?? '',
    IsInbound: c.isOutbound === undefined ? '' : c.isOutbound.toLowerCase() === 'true' ? 'False' : 'True',
    // FinalState: the contact's agent has moved off it (its after-call work is over).
    FinalState: String(!onContact(c, agent)),
    StartTimeUTC: c.contactStartDate ?? c.contactStart ?? c.startDate ?? '',
  };
  return Object.fromEntries(Object.entries(event).filter(([, value]) => value !== ''));
}

const agentStateEvent = (a: Record<string, string>) => ({
  Type: 'AgentState',
  CurrentState: a.agentStateName ?? a.agentState ?? 'Unknown',
  ...(a.outStateDescription ? { CurrentOutReason: a.outStateDescription } : {}),
  ...(a.isACW ? { IsAcw: a.isACW } : {}),
});

/** The batch the relay mapping reads: a contact change, or an agent's state. */
export function batchOf(event: RtdEvent, config: InContactConfig): AgentEventBatch {
  const agentId = event.contact?.agentId ?? event.agent!.agentId!;
  const userName = event.agent?.agentId === agentId ? event.agent.userName : undefined;
  return {
    agentId,
    ...(userName ? { agentUserName: userName } : {}),
    events: [
      event.contact ? callContactEvent(event.contact, event.agent, config) : agentStateEvent(event.agent!),
    ],
  };
}

/** Stable across a re-read of the same records; a new update (lastUpdateTime) is a new event. */
export function rtdEventId(event: RtdEvent): string | undefined {
  if (event.contact) {
    const c = event.contact;
    if (!c.lastUpdateTime) return undefined;
    const wrapUp = onContact(c, event.agent) ? 'on' : 'off';
    return `contact/${c.agentId}/${c.contactId}/${stateName(c)}/${c.lastUpdateTime}/${wrapUp}`;
  }
  const a = event.agent!;
  return a.lastUpdateTime ? `agent/${a.agentId}/${a.lastUpdateTime}` : undefined;
}
