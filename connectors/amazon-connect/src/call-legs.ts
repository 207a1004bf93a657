// Which leg of a call a Connect contact is. Connect makes every agent's part of a call its own contact: a
// quick connect (to an agent, a queue or a number) creates a contact with InitiationMethod TRANSFER (or
// QUEUE_TRANSFER) whose InitialContactId names the call's first contact. Nothing in that contact says
// whether the first agent stays (a consult, then perhaps Join for a conference) or leaves (a transfer):
// only who is still on the call when the new agent gets it tells them apart, so the sources remember which
// agents are connected to each call (state store, keyed by the initial contact id).
import { type Leg, type Lifecycle, legProps, lookUp, type Props, type StateStore } from '@openconnect/core';

/** How long a call's connected agents and its legs are remembered (a call rarely lasts longer). */
export const CALL_STATE_TTL_MS = 4 * 60 * 60 * 1000;

/** Initiation methods that add an agent to a call someone else started. MONITOR: a supervisor listens in. */
const JOINING = new Set(['TRANSFER', 'QUEUE_TRANSFER', 'MONITOR']);

/** What the sources know of a contact when they decide its leg. */
export interface LegContact {
  contactId: string;
  initialContactId?: string | null | undefined;
  initiationMethod?: string | null | undefined;
}

/** The call a contact belongs to: its initial contact, else itself. */
export const callOf = (contact: LegContact): string => contact.initialContactId || contact.contactId;

/**
 * The leg a contact's own fields show, without knowing who else is on the call: a contact that joins a
 * call someone started is a `transfer` (a supervisor's MONITOR contact a `conference`), any other `primary`.
 */
export function methodLeg(contact: LegContact): Leg {
  // Stryker disable next-line StringLiteral: any text that is no joining method gives 'primary', as '' does
  const method = (contact.initiationMethod ?? '').toUpperCase();
  if (!JOINING.has(method)) return 'primary';
  return method === 'MONITOR' ? 'conference' : 'transfer';
}

/**
 * contactId → agentid of every contact of the call an agent is connected to. Kept as JSON, so a plain object,
 * read with lookUp: `in` or `connected[id]` would find "constructor" on every object. Written with a computed
 * key, which defines an own "__proto__" too.
 */
type Connected = Record<string, string>;
const connectedKey = (call: string) => `call-agents:${call}`;
const legKey = (contactId: string) => `contact-leg:${contactId}`;

/** Marks the agent as connected to the call through this contact (CONNECTED, CONNECTED_TO_AGENT...). */
export async function joinCall(state: StateStore, contact: LegContact, agentid: string): Promise<void> {
  const key = connectedKey(callOf(contact));
  const connected = (await state.get<Connected>(key)) ?? {};
  if (lookUp(connected, contact.contactId) === agentid) return;
  await state.set(key, { ...connected, [contact.contactId]: agentid }, CALL_STATE_TTL_MS);
}

/** The agent's contact ended (ENDED, MISSED, DISCONNECTED...): they are no longer on the call through it. */
export async function leaveCall(state: StateStore, contact: LegContact): Promise<void> {
  const key = connectedKey(callOf(contact));
  const connected = await state.get<Connected>(key);
  if (!connected || lookUp(connected, contact.contactId) === undefined) return;
  const { [contact.contactId]: _left, ...rest } = connected;
  await state.set(key, rest, CALL_STATE_TTL_MS);
}

/**
 * The leg a contact is for the agent it reaches, decided once per contact and remembered, so its
 * offered and answered name the same leg. A TRANSFER contact is a `transfer` when nobody else is on the
 * call, a `consult` when one other agent still is (the one who dialled out), a `conference` when two or
 * more are (a party added to a joined call). With `consultLegs` off every such contact is a `transfer`.
 * `undefined`: this agent is already on the call through another contact, so it is the consult leg they
 * dial out on themselves, which is no pop for them (core's rule 2).
 */
export async function legOf(
  state: StateStore,
  contact: LegContact,
  agentid: string,
  consultLegs: boolean,
): Promise<Leg | undefined> {
  const first = methodLeg(contact);
  if (first === 'primary' || !parentOf(contact)) return first;
  const known = await state.get<Leg>(legKey(contact.contactId));
  if (known) return known;
  const connected = (await state.get<Connected>(connectedKey(callOf(contact)))) ?? {};
  const others = Object.entries(connected).filter(([id]) => id !== contact.contactId);
  if (others.some(([, agent]) => agent === agentid)) return undefined;
  const leg: Leg =
    first === 'conference'
      ? 'conference'
      : !consultLegs || others.length === 0
        ? 'transfer'
        : others.length === 1
          ? 'consult'
          : 'conference';
  await state.set(legKey(contact.contactId), leg, CALL_STATE_TTL_MS);
  return leg;
}

/** The props naming the leg: `leg`, and the initial contact as `parentInteractionId` on every other leg. */
export function legPropsOf(leg: Leg, contact: LegContact): Props {
  return legProps(leg, parentOf(contact));
}

/** The call's first contact, when it is another contact than this one. */
function parentOf(contact: LegContact): string | undefined {
  const initial = contact.initialContactId;
  return initial && initial !== contact.contactId ? initial : undefined;
}

/** Moments after which the agent is on the call through the contact, and those after which they are not. */
const ON_CALL = new Set<Lifecycle>(['answered', 'held', 'resumed']);
const OFF_CALL = new Set<Lifecycle>(['ended', 'wrapup', 'completed']);

/**
 * One moment of an agent's contact, as the sources report it: the leg props for an offered or answered
 * (`{}` for other moments), after which the agent is counted on or off the call. `undefined`: the consult
 * leg the agent dials out on themselves, which pops nothing.
 */
export async function followLeg(
  state: StateStore,
  contact: LegContact,
  agentid: string,
  lifecycle: Lifecycle,
  consultLegs: boolean,
): Promise<Props | undefined> {
  let props: Props = {};
  if (lifecycle === 'offered' || lifecycle === 'answered') {
    const leg = await legOf(state, contact, agentid, consultLegs);
    if (!leg) return undefined;
    props = legPropsOf(leg, contact);
  }
  if (ON_CALL.has(lifecycle)) await joinCall(state, contact, agentid);
  else if (OFF_CALL.has(lifecycle)) await leaveCall(state, contact);
  return props;
}

/** Why a contact pops nothing for its agent (followLeg answered undefined). */
export const ownConsultLeg = (contact: LegContact, agentid: string) =>
  `contact ${contact.contactId} is the consult leg ${agentid} dials out on (already on call ${callOf(contact)})`;
