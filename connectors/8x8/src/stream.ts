// 8x8 Event Streaming frames: read from the Pulsar WebSocket by the runner's own consumer (event-stream.ts),
// or relayed: a reader holds the socket and POSTs each frame as received, or its decoded payload. The
// payload has one top-level key, the event type or its family, with the type in `event`:
// {"AgentStatusChange": {...}}, {"Interaction": {"event": "InteractionAssigned", ...}}.
import {
  type Draft,
  defineSource,
  detectJson,
  flattenProps,
  ignore,
  type Lifecycle,
  legProps,
  lookUp,
  normaliseChannel,
  normaliseDirection,
  PROP,
  type Props,
  type StateStore,
  tokenAuth,
} from '@openconnect/core';
import type { C8x8Config, C8x8Services } from './config.js';
import { type LegFields, lineProps, popLeg, recordLine } from './call-legs.js';
import { firstTime } from './pop-once.js';
import {
  attachedData,
  isScalar,
  PLATFORM,
  parseStream,
  RELAY_HEADER,
  type StreamEvent,
  scalar,
  streamEventId,
} from './stream-parse.js';

export {
  attachedData,
  isScalar,
  PLATFORM,
  parseStream,
  parseStreamValue,
  RELAY_HEADER,
  type StreamEvent,
  streamEventId,
} from './stream-parse.js';

const CHANNEL: Record<string, string> = { T: 'voice', C: 'chat', E: 'email', V: 'voicemail' };
const RESOURCE: Record<string, string> = { 0: 'voice', 1: 'email', 2: 'chat', 3: 'sms', 4: 'video' };
const MEDIA: Record<string, string> = {
  phone: 'voice',
  chat: 'chat',
  email: 'email',
  voicemail: 'voicemail',
};
const OFFERED = new Set(['InteractionCreated', 'InteractionQueued', 'InteractionAssigned']);
const LIFECYCLE: Record<string, Lifecycle> = {
  InteractionAccepted: 'answered',
  InteractionTransferRequest: 'transferred',
  InteractionPostProcess: 'wrapup',
  InteractionEndPostProcess: 'completed',
  InteractionDeleted: 'ended',
  AgentStatusChange: 'agent_state',
};
const CONSUMED = new Set([
  'msgInfo',
  'interactionGUID',
  'callState',
  'agentId',
  'agentGUID',
  'agentGuid',
  'attachedData',
  'event',
]);

function lifecycleOf(e: StreamEvent): Lifecycle | undefined {
  if (OFFERED.has(e.type)) return 'offered';
  if (e.type === 'LineHoldStatus') {
    return e.fields.callState === 'CS_HOLD'
      ? 'held'
      : e.fields.callState === 'CS_CONNECTED'
        ? 'resumed'
        : undefined;
  }
  // A party joining the call (a conference, a supervisor): a pop only for an agent not on it yet.
  if (e.type === 'InteractionParticipantChange')
    return e.fields.callState === 'CS_CONNECTED' ? 'answered' : undefined;
  return lookUp(LIFECYCLE, e.type);
}

export async function mapStream(
  e: StreamEvent,
  ctx: { directory: { get(id: string): string | undefined }; state: StateStore; services?: C8x8Services },
): Promise<Draft | { ignored: string }> {
  const lifecycle = lifecycleOf(e);
  const guid = e.fields.agentId ?? e.fields.agentGUID ?? e.fields.agentGuid;
  const interaction = e.fields.interactionGUID === undefined ? undefined : String(e.fields.interactionGUID);
  const legs = interaction ? legFields(e, interaction) : undefined;
  if (legs) await recordLine(legs, ctx.state); // before any ignore: InteractionCreated names no agent yet
  if (e.type === 'InteractionRejected' && guid !== undefined && interaction) {
    await ctx.state.delete(`offered:${interaction}:${guid}`); // a re-offer to the same agent pops again
  }
  if (!lifecycle) {
    const why =
      e.type === 'LineHoldStatus' || e.type === 'InteractionParticipantChange'
        ? ` with callState ${e.fields.callState ?? '(none)'}`
        : '';
    return ignore(`8x8 ${e.type}${why} is not an event this connector maps`);
  }
  if (guid === undefined || guid === '') {
    return ignore(`8x8 ${e.type} names no agent (interactions carry agentId from InteractionAssigned on)`);
  }
  const agents = ctx.services?.agents;
  // A look-up that fails throws: the webhook answers 503 and the consumer hands the frame back (nack).
  const agentid = ctx.directory.get(String(guid)) ?? (await agents?.login(String(guid)));
  if (!agentid) {
    return ignore(
      agents
        ? `8x8 agent ${guid} is not in the directory and the Agent Status API has no login for it`
        : `8x8 agent ${guid} is not in the directory; add "${guid}": "<agent login>" to the 8x8 directory`,
    );
  }
  const pop = lifecycle === 'offered' || lifecycle === 'answered';
  const leg = !legs
    ? { props: pop ? legProps('primary') : {} }
    : pop
      ? await popLeg(legs, String(guid), ctx.state)
      : await lineProps(legs, String(guid), ENDINGS.has(lifecycle), ctx.state);
  if ('ignored' in leg) return ignore(leg.ignored);
  // One offer and one answer per interaction and agent (InteractionCreated/Assigned both offer; an
  // outbound call is accepted while ringing, then again in the agent's workspace).
  if (
    pop &&
    interaction &&
    !(await firstTime(ctx.state, `${lifecycle}:${interaction}:${guid}`, streamEventId(e)))
  ) {
    return ignore(`8x8 ${e.type}: interaction ${interaction} was already ${lifecycle} to agent ${guid}`);
  }
  const canonical = canonicalProps(e, lifecycle);
  return {
    agentid,
    lifecycle,
    props: {
      ...(await customerOfCall(canonical, leg.props, interaction, ctx.state)),
      ...canonical,
      ...leg.props,
      [PROP.agentPlatformId]: String(guid),
      ...otherProps(e),
    },
  };
}

/**
 * A consult line carries no customer data (the agent dialed an agent): its messages take the customer's
 * number and name from the call it was dialed from, so the consulted agent's PopFlow finds the customer.
 */
async function customerOfCall(
  props: Props,
  legProps: Props,
  interaction: string | undefined,
  state: StateStore,
): Promise<Props> {
  const customer = { ...pick(props, PROP.ani), ...pick(props, PROP.customerName) };
  if (interaction && Object.keys(customer).length) await state.set(`customer:${interaction}`, customer);
  const call = legProps[PROP.parentInteractionId];
  if (typeof call !== 'string' || props[PROP.ani] !== undefined) return {};
  return (await state.get<Props>(`customer:${call}`)) ?? {};
}

const pick = (props: Props, key: string): Props => (props[key] === undefined ? {} : { [key]: props[key] });

const ENDINGS = new Set<Lifecycle>(['ended', 'wrapup', 'completed']);

const truthy = (value: unknown) => value === true || value === 'true';

function legFields(e: StreamEvent, interaction: string): LegFields {
  const data = attachedData(e.fields);
  const f = e.fields as Record<string, unknown>;
  const original = data.originalInteractionGuid;
  return {
    type: e.type,
    interaction,
    ...(typeof original === 'string' && original ? { original } : {}),
    ...(data.oqu !== undefined && data.oqu !== '' ? { originalQueue: true } : {}),
    ...(f.isAgentInitiated !== undefined ? { agentInitiated: truthy(f.isAgentInitiated) } : {}),
    ...(streamEventId(e) ? { eventId: streamEventId(e) } : {}),
  };
}

/** 8x8's own time of the event: interactionEventTS (s), statusEventTS (s), else msgInfo.timestamp (ms). */
function eventTime(e: StreamEvent): string | undefined {
  const f = e.fields as Record<string, unknown>;
  const seconds = Number(f.interactionEventTS ?? f.statusEventTS);
  const millis = Number((e.fields.msgInfo as Record<string, unknown> | undefined)?.timestamp);
  const at = seconds > 0 ? seconds * 1000 : millis > 0 ? millis : undefined;
  // Beyond ±8.64e15 ms a Date is invalid (toISOString throws): such a value is no time.
  return at === undefined || !(at < 8.64e15) ? undefined : new Date(at).toISOString();
}

function canonicalProps(e: StreamEvent, lifecycle: Lifecycle): Props {
  const data = attachedData(e.fields);
  const f = e.fields as Record<string, unknown>;
  const que = typeof data.que === 'string' ? data.que.split('~~') : [];
  const queue = data.tenantSkillName ?? que[1];
  // 8x8's documented top-level queueId, direction and mediaType come first; the attachedData forms after.
  const queueId = isScalar(f.queueId) ? String(f.queueId) : que[3];
  const ani = data.phoneNum ?? data.callerId ?? data.pho;
  // The number the customer dialed, on inbound calls; outbound ones send "N/A".
  const dnis = /^\+?\d+$/.test(String(f.inboundChannelid ?? '')) ? String(f.inboundChannelid) : undefined;
  const direction =
    normaliseDirection(data.queueDirection ?? f.direction) ??
    (truthy(f.isOutboundCall) ? 'outbound' : undefined);
  const time = eventTime(e);
  // resourceType tells SMS (3) and video (4) apart, which mediaType folds into chat and phone.
  const channel =
    lookUp(RESOURCE, String(f.resourceType)) ??
    (typeof data.med === 'string'
      ? (lookUp(CHANNEL, data.med) ?? data.med.toLowerCase())
      : typeof f.mediaType === 'string' && f.mediaType
        ? (lookUp(MEDIA, f.mediaType) ?? normaliseChannel(f.mediaType))
        : undefined);
  return {
    [PROP.nativeEvent]: e.type,
    [PROP.platform]: PLATFORM,
    ...(e.fields.interactionGUID !== undefined
      ? { [PROP.interactionId]: String(e.fields.interactionGUID) }
      : {}),
    ...(ani !== undefined ? { [PROP.ani]: String(ani) } : {}),
    ...(dnis ? { [PROP.dnis]: dnis } : {}),
    ...(data.callingName !== undefined ? { [PROP.customerName]: String(data.callingName) } : {}),
    ...(queue !== undefined ? { [PROP.queue]: String(queue) } : {}),
    ...(queueId ? { [PROP.queueId]: queueId } : {}),
    ...(direction ? { [PROP.direction]: direction } : {}),
    ...(channel ? { [PROP.channel]: channel } : {}),
    ...(e.fields.callState ? { callState: e.fields.callState } : {}),
    ...(time ? { [PROP.eventTime]: time } : {}),
    ...(lifecycle === 'agent_state' && scalar.safeParse(f.newState).success
      ? { [PROP.agentState]: String(f.newState) }
      : {}),
  };
}

/** Every attachedData key as `attachedData.<key>`, other event fields as `8x8.<field>`. */
function otherProps(e: StreamEvent): Props {
  const out: Props = {};
  for (const [key, value] of Object.entries(attachedData(e.fields))) out[`attachedData.${key}`] = value;
  for (const [key, value] of Object.entries(e.fields))
    if (!CONSUMED.has(key)) flattenProps(value, `8x8.${key}`, out);
  return out;
}

/** A frame `{messageId, payload}`, or a payload whose single key is a PascalCase event type. */
function looksLikeStream(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  if ('messageId' in value && 'payload' in value) return true;
  const keys = Object.keys(value);
  return keys.length === 1 && /^[A-Z][a-z]+[A-Za-z]*$/.test(keys[0]!);
}

/** The relay's secret in its header; without relaySecret every relayed request is refused. */
const relayToken = tokenAuth<C8x8Config>({
  secret: 'relaySecret',
  in: [{ header: RELAY_HEADER }],
  setBy: 'shared with the relay',
  refusals: { missing: () => `the credential (header ${RELAY_HEADER}) is missing` },
});

export const eventStreaming = defineSource<StreamEvent, C8x8Config, C8x8Services>({
  id: 'event-streaming',
  // The call's legs are kept in the state store: a request the host cannot store (503) leaves them as they were,
  // so the vendor's retry is mapped again instead of being taken for a second pop.
  stateWrites: 'after-store',
  description: '8x8 Event Streaming frames (or their decoded payloads) forwarded by a relay',
  platforms: [PLATFORM],
  ...relayToken,
  detect: detectJson(looksLikeStream),
  parse: parseStream,
  eventId: streamEventId,
  map: (e, ctx) => mapStream(e, ctx),
});
