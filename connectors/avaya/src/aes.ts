// Avaya Aura AES through a bridge: AES pushes nothing over HTTP (DMCC/TSAPI/JTAPI hold a monitor session),
// so a bridge posts each CSTA event as JSON in the contract documented in README.md. Names follow CSTA
// (ECMA-269/323) as DMCC spells them; the bridge adds the agent login when it knows it.
import {
  type Draft,
  defineSource,
  detectJson,
  flattenProps,
  type Ignored,
  ignore,
  type Lifecycle,
  type MapContext,
  PROP,
  type Props,
  lookUp,
  parseJson,
  parseWith,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import { placeEvent } from './aes-calls.js';
import type { AvayaConfig } from './config.js';

export const PLATFORM = 'Avaya Aura AES';

const CALL_EVENTS: Record<string, Lifecycle> = {
  DeliveredEvent: 'offered',
  EstablishedEvent: 'answered',
  // An outbound call is offered to the agent who dials it (never a consult leg: see aes-calls.ts).
  OriginatedEvent: 'offered',
  // Only a party the conference adds gets it (single-step conference); those on the call get nothing.
  ConferencedEvent: 'answered',
  HeldEvent: 'held',
  RetrievedEvent: 'resumed',
  TransferredEvent: 'transferred',
  ConnectionClearedEvent: 'ended',
};
// CSTA agent state events: AgentLoggedOnEvent, AgentReadyEvent, AgentNotReadyEvent, AgentWorkingAfterCallEvent...
const AGENT_EVENT = /^Agent([A-Za-z]+)Event$/;

const scalar = z.union([z.string(), z.number()]).transform(String);
/** A device as a bare number or as DMCC's `{deviceIdentifier}` / `{deviceID}` object. */
const device = z.union([
  scalar,
  z.looseObject({ deviceIdentifier: scalar }).transform((d) => d.deviceIdentifier),
  z.looseObject({ deviceID: scalar }).transform((d) => d.deviceID),
]);
const connection = z.looseObject({ callID: scalar.optional(), deviceID: device.optional() });

const CONNECTIONS = [
  'connection',
  'establishedConnection',
  'heldConnection',
  'retrievedConnection',
  'droppedConnection',
  'originatedConnection',
  'primaryOldCall',
  'secondaryOldCall',
] as const;
const DEVICES = [
  'alertingDevice',
  'answeringDevice',
  'holdingDevice',
  'retrievingDevice',
  'releasingDevice',
  'transferringDevice',
  'conferencingDevice',
] as const;

const event = z.looseObject({
  eventType: z
    .string()
    .regex(/^[A-Z][A-Za-z]*Event$/, 'eventType must be a CSTA event name such as DeliveredEvent'),
  eventId: scalar.optional(),
  monitoredDevice: device.optional(),
  agentId: scalar.optional(),
  callID: scalar.optional(),
  ...Object.fromEntries(CONNECTIONS.map((name) => [name, connection.optional()])),
  ...Object.fromEntries(DEVICES.map((name) => [name, device.optional()])),
  callingDevice: device.optional(),
  calledDevice: device.optional(),
  lastRedirectionDevice: device.optional(),
  transferredToDevice: device.optional(),
  addedParty: device.optional(),
  cause: scalar.optional(),
  /** When the bridge saw the event (ISO 8601): DMCC events carry no time of their own. */
  timestamp: z.string().optional(),
  agentState: z.string().optional(),
  privateData: z
    .looseObject({
      ucid: scalar.optional(),
      split: scalar.optional(),
      splitName: z.string().optional(),
      userToUserInfo: z
        .union([z.string(), z.looseObject({ data: z.string() }).transform((u) => u.data)])
        .optional(),
    })
    .optional(),
});
export type AesEvent = z.output<typeof event> & Record<string, unknown>;

const KNOWN = new Set<string>(Object.keys(event.shape));

/** Checks one event against the bridge contract; the built-in DMCC session's events go through it too. */
export const parseAesEvent = (value: unknown): AesEvent =>
  parseWith(event, withOpenConnectNames(value), 'AES bridge event') as AesEvent;

/**
 * A bridge's author picks the field names: OpenConnect's own `agentid` and `event` are accepted beside the
 * contract's `agentId` and `eventType` (the contract's name wins when both are sent).
 */
function withOpenConnectNames(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const { agentid, event: name, ...rest } = value as Record<string, unknown>;
  // The contract's own names, in rest, come after and win; an absent one stays absent (undefined is no value).
  return { agentId: agentid, eventType: name, ...rest };
}

/** DMCC device ids look like `4001:CM1:0.0.0.0:0`; the number is what the directory and the CRM know. */
export const deviceNumber = (id: string) => id.split(':')[0]!;

const callOf = (e: AesEvent, name: (typeof CONNECTIONS)[number]) =>
  (e[name] as z.output<typeof connection> | undefined)?.callID;

function callId(e: AesEvent): string | undefined {
  if (e.callID) return e.callID;
  for (const name of CONNECTIONS) {
    const found = callOf(e, name);
    if (found) return found;
  }
  return undefined;
}

function station(e: AesEvent): string | undefined {
  if (e.monitoredDevice) return deviceNumber(e.monitoredDevice);
  for (const name of DEVICES) {
    const found = e[name] as string | undefined;
    if (found) return deviceNumber(found);
  }
  return undefined;
}

const numberOf = (id: unknown) => (id === undefined ? undefined : deviceNumber(String(id)));

export async function mapAes(
  e: AesEvent,
  { directory, state }: Pick<MapContext, 'directory' | 'state'>,
): Promise<Draft | Ignored> {
  const agentMatch = AGENT_EVENT.exec(e.eventType);
  const lifecycle: Lifecycle | undefined =
    lookUp(CALL_EVENTS, e.eventType) ?? (agentMatch ? 'agent_state' : undefined);
  if (!lifecycle) return ignore(`CSTA ${e.eventType} is not one this connector maps`);
  const extension = station(e);
  // A station monitor also reports calls alerting elsewhere: the far end of the station's own outbound call,
  // or the station a call was transferred to. Only a call alerting at the monitored station is offered to it.
  const alerting = e.alertingDevice ? deviceNumber(String(e.alertingDevice)) : undefined;
  // Without a monitoredDevice the station is the alertingDevice itself (station() reads it first).
  if (e.eventType === 'DeliveredEvent' && alerting && alerting !== extension) {
    return ignore(
      `DeliveredEvent: the call alerts at ${alerting}, not at the monitored station ${extension} (its own outbound call, or a call it passed on)`,
    );
  }
  let agentid: string | undefined;
  if (e.agentId) agentid = directory.get(e.agentId) ?? e.agentId;
  else if (extension) {
    agentid = directory.get(extension);
    if (!agentid) {
      return ignore(
        `${e.eventType}: station extension ${extension} is not in the directory; add "${extension}": "<agent login>" to the avaya directory, or have the bridge send agentId`,
      );
    }
  } else return ignore(`${e.eventType} names neither an agentId nor a monitored station`);

  const id = callId(e);
  const placed = await placeEvent(
    {
      eventType: e.eventType,
      party: extension ?? agentid,
      station: extension,
      callId: id,
      cause: e.cause,
      calling: numberOf(e.callingDevice),
      called: numberOf(e.calledDevice),
      answering: numberOf(e.answeringDevice),
      holding: numberOf(e.holdingDevice),
      transferring: numberOf(e.transferringDevice),
      transferredTo: numberOf(e.transferredToDevice),
      added: numberOf(e.addedParty),
      primaryOldCall: callOf(e, 'primaryOldCall'),
      secondaryOldCall: callOf(e, 'secondaryOldCall'),
      isStation: (number) => directory.get(number) !== undefined,
    },
    state,
  );
  if ('ignored' in placed) return placed;
  const calling = numberOf(e.callingDevice);
  const ani = placed.ani ?? calling;
  const dnis = placed.dnis === null ? undefined : (placed.dnis ?? numberOf(e.calledDevice));
  const uui = e.privateData?.userToUserInfo;
  const extra: Props = {};
  for (const [key, value] of Object.entries(e)) if (!KNOWN.has(key)) flattenProps(value, `aes.${key}`, extra);
  const { ucid: _u, split: _s, splitName: _n, userToUserInfo: _i, ...otherPrivate } = e.privateData ?? {};
  flattenProps(otherPrivate, 'aes.privateData', extra);
  return {
    agentid,
    lifecycle,
    props: {
      [PROP.nativeEvent]: e.eventType,
      [PROP.platform]: PLATFORM,
      // Communication Manager calls are voice; agent events belong to no interaction.
      ...(lifecycle !== 'agent_state' ? { [PROP.channel]: 'voice' } : {}),
      ...(id ? { [PROP.interactionId]: id } : {}),
      ...(ani ? { [PROP.ani]: ani } : {}),
      ...(dnis ? { [PROP.dnis]: dnis } : {}),
      ...placed.props,
      // The consulting station called, but the pop names the customer: the station stays beside it.
      ...(calling && ani !== calling && !placed.outbound ? { callingDevice: calling } : {}),
      ...(e.privateData?.splitName || e.privateData?.split
        ? { [PROP.queue]: (e.privateData.splitName ?? e.privateData.split)! }
        : {}),
      ...(e.privateData?.split ? { [PROP.queueId]: e.privateData.split } : {}),
      ...(e.privateData?.ucid ? { ucid: e.privateData.ucid } : {}),
      ...(uui ? { uui } : {}),
      ...(extension ? { extension } : {}),
      ...(e.agentId && e.agentId !== agentid ? { [PROP.agentPlatformId]: e.agentId } : {}),
      ...(e.lastRedirectionDevice ? { lastRedirectionDevice: deviceNumber(e.lastRedirectionDevice) } : {}),
      ...(e.cause ? { cause: e.cause } : {}),
      ...(e.transferredToDevice ? { transferredToDevice: deviceNumber(e.transferredToDevice) } : {}),
      ...(e.addedParty ? { addedParty: deviceNumber(e.addedParty) } : {}),
      ...(e.timestamp ? { [PROP.eventTime]: e.timestamp } : {}),
      ...(lifecycle === 'agent_state' ? { [PROP.agentState]: e.agentState ?? agentMatch![1]! } : {}),
      ...extra,
    },
  };
}

/** A bridge body: a JSON object whose eventType is a CSTA event name (they all end in "Event"). */
export const looksLikeAes = detectJson((value) => {
  const body = value as { eventType?: unknown; event?: unknown } | null;
  // Stryker disable next-line OptionalChaining: detectJson takes a throw for a null body as "not this source", as undefined is
  const eventType = body?.eventType ?? body?.event;
  return typeof eventType === 'string' && /^[A-Z][A-Za-z]*Event$/.test(eventType);
});

export const aes = defineSource<AesEvent, AvayaConfig>({
  id: 'aes',
  description: 'Avaya Aura AES CSTA events posted as JSON by a bridge (contract in README.md)',
  platforms: [PLATFORM],
  ...tokenAuth<AvayaConfig>({ secret: 'bridgeToken', in: [{ bearer: true }], setBy: 'sent by the bridge' }),
  detect: looksLikeAes,
  parse: (req) => parseAesEvent(parseJson(req)),
  eventId: (e) => e.eventId,
  // Legs are read from earlier events: state follows the outbox, so a retried event finds it as it was.
  stateWrites: 'after-store',
  map: (e, ctx) => mapAes(e, ctx),
});
