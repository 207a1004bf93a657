// Which leg a CSTA call event is on. One station monitor cannot tell a consult from a new call, nor a
// transferred call from a first one: the consulting station's HeldEvent and OriginatedEvent, seen before the
// consulted station's DeliveredEvent, say so. What one event teaches is kept in the connector state (4 h),
// so the next event, at whichever station, reads it. CSTA `cause` values (ECMA-269: consultation, transfer,
// singleStepTransfer, conference, singleStepConference) decide where no earlier event was seen.
import { type Leg, legProps, PROP, type Props, type StateStore } from '@openconnect/core';

const TTL_MS = 4 * 3_600_000;
/** A single-step transfer names its destination before the call alerts there. */
const TRANSFER_TTL_MS = 5 * 60_000;

const CAUSE_LEG: Readonly<Record<string, Leg>> = {
  consultation: 'consult',
  transfer: 'transfer',
  singleStepTransfer: 'transfer',
  conference: 'conference',
  singleStepConference: 'conference',
};

/** What the state knows of one call id: the call's first leg (root), this id's leg, the customer's numbers. */
interface CallRecord {
  root: string;
  leg: Leg;
  ani?: string;
  dnis?: string;
  outbound?: boolean;
}

/** The parts of an event the legs depend on, device ids already reduced to numbers. */
export interface CallView {
  eventType: string;
  /** The monitored station (or, from a bridge without one, the agent): whose pop this would be. */
  party: string;
  station?: string | undefined;
  callId?: string | undefined;
  cause?: string | undefined;
  calling?: string | undefined;
  called?: string | undefined;
  answering?: string | undefined;
  holding?: string | undefined;
  transferring?: string | undefined;
  transferredTo?: string | undefined;
  added?: string | undefined;
  primaryOldCall?: string | undefined;
  secondaryOldCall?: string | undefined;
  /** Whether a number is a station of this contact center (in the directory). */
  isStation(number: string): boolean;
}

/** The leg props of an event, the customer's numbers where the event's own are not (outbound, consult). */
export interface Placement {
  props: Props;
  ani?: string | undefined;
  /** The contact center's number, or null when the event's calledDevice is not it (outbound). */
  dnis?: string | null;
  outbound?: boolean;
}

export type Placed = Placement | { ignored: string };

const callKey = (id: string) => `aes:call:${id}`;
const heldKey = (party: string) => `aes:held:${party}`;
const popKey = (party: string, root: string, lifecycle: string) => `aes:pop:${party}:${root}:${lifecycle}`;
const atKey = (party: string, id: string) => `aes:at:${party}:${id}`;
const transferKey = (station: string) => `aes:transfer-to:${station}`;

/** The props of a non-pop event on a call whose leg is known (held, resumed, ended...). */
function related(record: CallRecord | undefined, id: string | undefined): Placement {
  if (!record) return { props: {} };
  // A record whose root is another call is a later leg (a primary record is always its own root).
  const props: Props = record.root !== id ? { [PROP.parentInteractionId]: record.root } : {};
  if (record.outbound) props[PROP.direction] = 'outbound';
  return { props, ...(record.outbound ? { ani: record.ani, dnis: null, outbound: true } : {}) };
}

/** A pop's props: its leg, the call's first leg when an earlier event named it (never a guess). */
function pop(leg: Leg, root: string | undefined, ani: string | undefined, outbound = false): Placement {
  const props: Props = legProps(leg, root);
  if (outbound) props[PROP.direction] = 'outbound';
  return { props, ...(ani ? { ani } : {}), ...(outbound ? { dnis: null, outbound } : {}) };
}

export async function placeEvent(v: CallView, state: StateStore): Promise<Placed> {
  const get = (id: string | undefined) =>
    id ? state.get<CallRecord>(callKey(id)) : Promise.resolve(undefined);
  const put = (id: string, record: CallRecord) => state.set(callKey(id), record, TTL_MS);
  /** Takes the one pop of this lifecycle for this party on this call; false when it was taken before. */
  const claim = async (root: string, lifecycle: string) => {
    const key = popKey(v.party, root, lifecycle);
    if (await state.get(key)) return false;
    await state.set(key, true, TTL_MS);
    return true;
  };
  const id = v.callId;
  const record = await get(id);

  switch (v.eventType) {
    case 'HeldEvent':
      if (id && (!v.holding || v.holding === v.station)) await state.set(heldKey(v.party), id, TTL_MS);
      return related(record, id);
    case 'RetrievedEvent':
      if (id && (await state.get(heldKey(v.party))) === id) await state.delete(heldKey(v.party));
      return related(record, id);
    case 'ConnectionClearedEvent': {
      if (!id) return related(record, id);
      if ((await state.get(heldKey(v.party))) === id) await state.delete(heldKey(v.party));
      // The consult leg this party dialed ends; the customer's call (on hold) goes on.
      const mine = await state.get(atKey(v.party, id));
      if (record?.leg === 'consult' && record.root !== id && !mine) {
        return {
          ignored: `ConnectionClearedEvent: the consult leg ${id} that ${v.party} dialed ended; call ${record.root} goes on`,
        };
      }
      // Each connection of the call clears (the far end's, then the station's own): one ended per party.
      if (await state.get(popKey(v.party, id, 'ended')))
        return { ignored: `ConnectionClearedEvent: call ${id} already ended for ${v.party}` };
      await state.set(popKey(v.party, id, 'ended'), true, TTL_MS);
      return related(record, id);
    }
    case 'OriginatedEvent': {
      if (!id) return { ignored: 'OriginatedEvent names no call' };
      if (v.calling && v.station && v.calling !== v.station)
        return { ignored: `OriginatedEvent: ${v.calling} dials, not the monitored station ${v.station}` };
      const held = await state.get<string>(heldKey(v.party));
      if (held || v.cause === 'consultation') {
        const parent = await get(held);
        const root = parent?.root ?? held ?? id;
        await put(id, {
          root,
          leg: 'consult',
          ...(parent?.ani ? { ani: parent.ani } : {}),
          ...(parent?.dnis ? { dnis: parent.dnis } : {}),
        });
        return {
          ignored: `OriginatedEvent: ${v.party} dials ${v.called ?? 'out'} on a consult leg of call ${root}: the agent who consults gets no second pop`,
        };
      }
      if (!v.called)
        return { ignored: 'OriginatedEvent names no calledDevice: the number dialed is unknown' };
      if (v.isStation(v.called))
        return {
          ignored: `OriginatedEvent: ${v.party} calls station ${v.called}, an internal call: only the station called is offered it`,
        };
      await put(id, { root: id, leg: 'primary', ani: v.called, outbound: true });
      // Stryker disable next-line BooleanLiteral: a primary leg names no parent, so whether its root is known changes no prop
      await state.set(atKey(v.party, id), { leg: 'primary', root: id, known: true, ani: v.called }, TTL_MS);
      if (!(await claim(id, 'offered')))
        return { ignored: `OriginatedEvent: call ${id} was offered to ${v.party} before` };
      return pop('primary', undefined, v.called, true);
    }
    case 'DeliveredEvent':
    case 'EstablishedEvent': {
      if (!id) return { props: legProps('primary') };
      const lifecycle = v.eventType === 'DeliveredEvent' ? 'offered' : 'answered';
      if (lifecycle === 'answered' && v.answering && v.station && v.answering !== v.station) {
        // The far end answered a call this station placed: the customer of an outbound call, else a colleague.
        if (!record?.outbound)
          return {
            ignored: `EstablishedEvent: ${v.answering} answered the call ${v.station} placed (a consult or internal call): no pop for the agent who dialed`,
          };
        if (!(await claim(record.root, lifecycle)))
          return { ignored: `EstablishedEvent: call ${record.root} was answered for ${v.party} before` };
        return pop('primary', undefined, record.ani, true);
      }
      let at = await state.get<{ leg: Leg; root: string; known: boolean; ani?: string }>(atKey(v.party, id));
      if (!at) {
        const pending = await state.get<{ root: string; ani?: string }>(transferKey(v.party));
        const fromRecord = record && record.leg !== 'primary' ? record.leg : undefined;
        // Stryker disable next-line StringLiteral: any string that is no CSTA cause finds no leg, as '' does
        const byCause = CAUSE_LEG[v.cause ?? ''];
        const leg = byCause ?? fromRecord ?? (pending ? 'transfer' : 'primary');
        const root = record?.root ?? pending?.root ?? id;
        const ani = record?.ani ?? pending?.ani ?? v.calling;
        at = { leg, root, known: Boolean(record ?? pending), ...(ani ? { ani } : {}) };
        if (!record)
          await put(id, { root, leg, ...(ani ? { ani } : {}), ...(v.called ? { dnis: v.called } : {}) });
        if (pending) await state.delete(transferKey(v.party));
        await state.set(atKey(v.party, id), at, TTL_MS);
      }
      if (!(await claim(at.root, lifecycle)))
        return {
          ignored: `${v.eventType}: call ${at.root} was ${lifecycle} to ${v.party} before (one pop per agent per call)`,
        };
      return {
        ...pop(at.leg, at.known ? at.root : undefined, at.ani, record?.outbound),
        ...(record?.dnis ? { dnis: record.dnis } : {}),
      };
    }
    case 'TransferredEvent':
    case 'ConferencedEvent': {
      // The call this party held is merged away: its next call out is not a consult of it.
      const held = await state.get(heldKey(v.party));
      if (held !== undefined && [v.primaryOldCall, v.secondaryOldCall, id].includes(held as string)) {
        await state.delete(heldKey(v.party));
      }
      const old = (await get(v.primaryOldCall)) ?? (await get(v.secondaryOldCall)) ?? record;
      const root = old?.root ?? v.primaryOldCall ?? id;
      if (!root)
        return v.eventType === 'ConferencedEvent'
          ? { ignored: 'ConferencedEvent names no call' }
          : { props: {} };
      const leg: Leg = v.eventType === 'TransferredEvent' ? 'transfer' : 'conference';
      const carried = {
        root,
        leg,
        ...(old?.ani ? { ani: old.ani } : {}),
        ...(old?.dnis ? { dnis: old.dnis } : {}),
      };
      for (const other of [v.secondaryOldCall, id])
        if (other && other !== root && !(await get(other))) await put(other, carried);
      if (leg === 'transfer') {
        if (v.transferredTo && !v.secondaryOldCall)
          await state.set(transferKey(v.transferredTo), carried, TRANSFER_TTL_MS);
        const props: Props = root !== id ? { [PROP.parentInteractionId]: root } : {};
        if (v.transferredTo && v.station === v.transferredTo) props[PROP.leg] = 'transfer';
        return { props };
      }
      const already =
        (await state.get(popKey(v.party, root, 'answered'))) ||
        (await state.get(popKey(v.party, root, 'offered')));
      if (already) {
        return {
          ignored: `ConferencedEvent: ${v.party} is already on call ${root}: a conference adds no pop`,
        };
      }
      if (!v.added || v.added !== v.station)
        return { ignored: `ConferencedEvent: ${v.added ?? 'a party'} joins call ${root}, not ${v.party}` };
      await claim(root, 'answered');
      return pop('conference', old ? root : undefined, old?.ani);
    }
    default:
      return related(record, id);
  }
}
