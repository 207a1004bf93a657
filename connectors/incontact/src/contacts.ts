// Agent API contact events of one agent → lifecycles with their leg and channel. Every contact type (calls,
// chats, SMS, email, work items, voicemail) repeats the contact's whole status; transitions.ts turns the
// changes into lifecycles. This file adds what a contact is: which leg of which call (core's legs.ts rules)
// and which channel.
import {
  type Lifecycle,
  type Leg,
  legProps,
  normaliseChannel,
  PROP,
  type Props,
  type StateStore,
} from '@openconnect/core';
import { type ContactMemory, FRESH, step } from './transitions.js';
import { contactProps } from './vendor-values.js';

/**
 * The contact event types and their channel. TextContactEvent is CXone's later name for chat, used for SMS
 * too (belief: a phone number as the customer's address means SMS); ChatContactEvent and EmailContactEvent are
 * the names of the older agent API (both still read); DigitalContactEvent is the digital (DFO) channels'.
 */
export const CONTACT_CHANNELS: Readonly<Record<string, string>> = {
  CallContactEvent: 'voice',
  TextContactEvent: 'chat',
  ChatContactEvent: 'chat',
  EmailContactEvent: 'email',
  WorkItemContactEvent: 'task',
  VoiceMailContactEvent: 'voicemail',
  // CXone's digital (DFO) contacts: ChannelType names the channel (WhatsApp, Facebook, Chat...).
  DigitalContactEvent: 'messaging',
};

export const isContactEvent = (type: string | undefined): boolean => !!type && type in CONTACT_CHANNELS;

// Belief: a text contact whose customer address is a phone number is an SMS conversation, else a chat.
const PHONE = /^\+?\d{7,15}$/;

/** The channel of a contact event: its own media word (RTD mediaTypeName, DFO ChannelType), else its Type. */
export function channelOf(e: Record<string, string>): string {
  const fromMedia = normaliseChannel(e.MediaType || e.ChannelType);
  if (fromMedia) return fromMedia;
  const channel = CONTACT_CHANNELS[e.Type!] ?? 'voice';
  if (channel === 'chat' && PHONE.test(e.FromAddress ?? e.PointOfContactAddress ?? '')) return 'sms';
  return channel;
}

const truthy = (value: string | undefined) => value?.toLowerCase() === 'true';

/** The first leg's id when this contact is a later leg of it (MasterID, ParentContactId), else undefined. */
export function parentOf(e: Record<string, string>): string | undefined {
  const parent = e.MasterID || e.ParentContactId;
  return parent && parent !== '0' && parent !== e.ContactID ? parent : undefined;
}

/** Which leg a contact is: a Consult, a transfer (a new ContactID under the same MasterID), else primary. */
export function legOf(e: Record<string, string>): Leg {
  if (e.CallType?.toLowerCase() === 'consult') return 'consult';
  return parentOf(e) ? 'transfer' : 'primary';
}

/** What an agent has been popped for on one call (all its legs), so a second leg of it pops nothing again. */
interface CallMemory {
  offered?: boolean;
  answered?: boolean;
  /** The agent's contacts on this call not yet over. */
  contacts: string[];
}

const callKey = (agentKey: string, callId: string) => `call:${agentKey}:${callId}`;

export interface ContactStep {
  lifecycles: Lifecycle[];
  props: Props;
  /** The contact's memory afterwards (for the replay record). */
  key: string;
  next: ContactMemory | null;
  /** Why nothing is sent, when lifecycles is empty. */
  reason?: string;
}

/**
 * One contact event of one agent: its lifecycles (pops already sent for the call dropped) and props.
 * The consulting agent's own consult leg and the agent's phone leg (AgentLeg) pop nothing.
 */
export async function contactStep(
  state: StateStore,
  agentKey: string,
  e: Record<string, string>,
): Promise<ContactStep> {
  const key = `contact:${agentKey}:${e.ContactID}`;
  const memory = (await state.get<ContactMemory>(key)) ?? FRESH;
  const parent = parentOf(e);
  const callId = parent ?? e.ContactID!;
  const leg = legOf(e);
  const quiet = (reason: string, next: ContactMemory | null = memory): ContactStep => ({
    lifecycles: [],
    props: {},
    key,
    next,
    reason: `contact ${e.ContactID}: ${reason}`,
  });
  if (e.CallType?.toLowerCase() === 'agentleg')
    return quiet(`CallType AgentLeg is the agent's own phone leg of call ${callId}, not a call`);
  if (memory.own) return quiet(`the agent's own consult leg of call ${callId}`);
  const calls = await state.get<CallMemory>(callKey(agentKey, callId));
  if (leg === 'consult' && memory === FRESH) {
    // The consulting agent dials the consult leg out (IsInbound False, Dialing) on a call they are on.
    const own = e.IsInbound?.toLowerCase() === 'false' || e.Status?.toLowerCase() === 'dialing' || !!calls;
    if (own) {
      const next: ContactMemory = { ...FRESH, own: true };
      await state.set(key, next);
      return quiet(`the agent's own consult leg of call ${callId} (CallType Consult): no second pop`, next);
    }
  }
  const result = step(memory, e.Status!, truthy(e.FinalState));
  if (result.next) await state.set(key, result.next);
  else await state.delete(key);
  const lifecycles = result.lifecycles.filter(
    (l) => !((l === 'offered' || l === 'answered') && calls?.[l] && !calls.contacts.includes(e.ContactID!)),
  );
  await rememberCall(state, callKey(agentKey, callId), calls, e.ContactID!, lifecycles, result.next);
  if (!lifecycles.length)
    return quiet(
      result.reason ?? `the agent was already popped for call ${callId} (a conference or another leg)`,
      result.next,
    );
  return { lifecycles, props: contactEventProps(e, leg, parent), key, next: result.next };
}

async function rememberCall(
  state: StateStore,
  key: string,
  before: CallMemory | undefined,
  contactId: string,
  lifecycles: Lifecycle[],
  next: ContactMemory | null,
) {
  const over = !next || next.completed;
  const contacts = new Set(before?.contacts ?? []);
  if (over) contacts.delete(contactId);
  else if (lifecycles.length || contacts.has(contactId)) contacts.add(contactId);
  if (!contacts.size) {
    if (before) await state.delete(key);
    return;
  }
  await state.set(key, {
    contacts: [...contacts],
    ...(before?.offered || lifecycles.includes('offered') ? { offered: true } : {}),
    ...(before?.answered || lifecycles.includes('answered') ? { answered: true } : {}),
  } satisfies CallMemory);
}

/** A contact event's own fields as props, its leg and channel beside them. */
export function contactEventProps(e: Record<string, string>, leg: Leg, parent: string | undefined): Props {
  const channel = channelOf(e);
  const eventTime = e.LastStateChangeTimeUTC || e.LastStateChangeTime;
  const from = e.FromAddress;
  return {
    [PROP.nativeEvent]: `${e.Type}.${e.Status}`,
    ...contactProps(e),
    ...(channel === 'sms' && from && !e.ANI ? { [PROP.ani]: from } : {}),
    [PROP.channel]: channel,
    ...legProps(leg, parent),
    ...(e.CallType ? { callType: e.CallType } : {}),
    ...(e.DisconnectCode ? { disconnectCode: e.DisconnectCode } : {}),
    ...(e.StartTimeUTC || e.StartTime ? { startTimeUtc: e.StartTimeUTC || e.StartTime } : {}),
    ...(eventTime ? { [PROP.eventTime]: eventTime } : {}),
    ...(from && channel !== 'voice' ? { fromAddress: from } : {}),
    ...(e.RoomId ? { roomId: e.RoomId } : {}),
    ...(e.WorkItemId ? { workItemId: e.WorkItemId } : {}),
    ...(e.WorkItemType ? { workItemType: e.WorkItemType } : {}),
    ...(e.CustomerName ? { [PROP.customerName]: e.CustomerName } : {}),
    ...(e.DFOContactId ? { digitalCaseId: e.DFOContactId } : {}),
  };
}
