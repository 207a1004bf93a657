// Genesys Cloud: EventBridge events posted by an API destination, or notification messages a relay
// forwards. The agent's own topics (user.start, user.end, acw) drive the lifecycle; the customer's
// topics name no agent and are ignored; participant data (attributes) is kept for later events.
import {
  type Draft,
  defineSource,
  ignore,
  type Lifecycle,
  type MapContext,
  type MapResult,
  normaliseDirection,
  PROP,
  type Props,
  verifyToken,
} from '@openconnect/core';
import { attributesKey, cloudAgent } from './cloud-agent.js';
import { type CallParticipant, type CloudEvent, type DetailBody, parseCloudRequest } from './cloud-events.js';
import type { GenesysConfig } from './config.js';
import { addVendorProps, defined, detector, isObject, plainNumber } from './shared.js';
import type { Services } from './users-api.js';

type Ctx = MapContext<GenesysConfig, Services>;
const PLATFORM = 'Genesys Cloud';

export const cloud = defineSource<CloudEvent, GenesysConfig, Services>({
  id: 'cloud',
  // Only changes are sent: a retry after the runner could not store must see the state as it was.
  stateWrites: 'after-store',
  description:
    'Genesys Cloud conversation events from an EventBridge API destination, or notifications from a relay',
  platforms: [PLATFORM],
  auth: {
    scheme: 'api-key',
    summary: 'API-key header from the EventBridge connection (name: cloudApiKeyHeader, default x-api-key)',
    credentials: [{ in: 'header', name: 'x-api-key' }],
  },
  detect: detector('cloud', (body) => {
    if (!isObject(body)) return false;
    const eventBridge = typeof body['detail-type'] === 'string' && isObject(body.detail);
    const notification = typeof body.topicName === 'string' && 'eventBody' in body;
    return eventBridge || notification;
  }),
  verify: (req, { config }) =>
    verifyToken(req, { expected: config.cloudApiKey, header: config.cloudApiKeyHeader }),
  parse: parseCloudRequest,
  eventId: (event) => event.eventId,
  async map(event, ctx) {
    if (event.kind === 'detail') return mapDetail(event, ctx);
    if (event.kind === 'calls') return mapCalls(event, ctx);
    return ignore(`topic ${event.topic} is not a conversation topic this connector maps`);
  },
});

const DETAIL_LIFECYCLE: Record<string, Lifecycle> = {
  'user.start': 'offered', // the agent's leg starts alerting, not answered
  'user.end': 'ended',
  acw: 'wrapup',
};

async function mapDetail(event: Extract<CloudEvent, { kind: 'detail' }>, ctx: Ctx): Promise<MapResult> {
  const body = event.body;
  if (event.suffix === 'attributes') {
    const key = attributesKey(body.conversationId);
    const kept = (await ctx.state.get<Record<string, string>>(key)) ?? {};
    await ctx.state.set(key, { ...kept, ...(body.attributes ?? {}) }, ctx.config.stateTtlMs);
    return ignore(
      `participant data of conversation ${body.conversationId} is kept and added to the agent's later events`,
    );
  }
  if (event.suffix === 'customer.start' || event.suffix === 'customer.end') {
    return ignore(
      `${event.topic} describes the customer's leg and names no agent; user.start/user.end/acw pop the agent`,
    );
  }
  const lifecycle = DETAIL_LIFECYCLE[event.suffix];
  if (!lifecycle) return ignore(`${event.topic} is not an event this connector maps`);
  const agent = await cloudAgent(body.userId, ctx);
  if ('ignored' in agent) return ignore(`${event.topic}: ${agent.ignored}`);
  const kept = (await ctx.state.get<Record<string, string>>(attributesKey(body.conversationId))) ?? {};
  return { agentid: agent.login, lifecycle, props: detailProps(event.topic, body, kept) };
}

/** The props of a detail event; shared with the Process Automation source, whose body has the same names. */
export function detailProps(
  nativeEvent: string,
  body: Partial<DetailBody>,
  kept: Record<string, string>,
): Props {
  const props: Props = defined({
    [PROP.nativeEvent]: nativeEvent,
    [PROP.platform]: PLATFORM,
    [PROP.interactionId]: body.conversationId,
    [PROP.ani]: body.ani ? plainNumber(body.ani) : undefined,
    [PROP.dnis]: body.dnis ? plainNumber(body.dnis) : undefined,
    [PROP.direction]: normaliseDirection(body.direction),
    [PROP.channel]: body.mediaType?.toLowerCase(),
    [PROP.queueId]: body.queueId,
    [PROP.agentPlatformId]: body.userId,
    [PROP.disposition]: body.wrapupCode,
    aniRaw: body.ani,
    dnisRaw: body.dnis,
    addressFrom: body.addressFrom,
    addressTo: body.addressTo,
    participantId: body.participantId,
    sessionId: body.sessionId,
    provider: body.provider,
    divisionId: body.divisionId,
    disconnectType: body.disconnectType,
    wrapupNotes: body.wrapupNotes,
    wrapupDurationMs: body.wrapupDurationMs,
    eventTime: body.eventTime,
  });
  addVendorProps(props, Object.entries({ ...kept, ...(body.attributes ?? {}) }), 'attributes');
  return props;
}

const AGENT_PURPOSES = new Set(['agent', 'user']);
const CUSTOMER_PURPOSES = new Set(['customer', 'external']);
const userOf = (p: CallParticipant) => p.user?.id ?? p.userId ?? undefined;

/** The lifecycle a participant state stands for; undefined for states that pop nothing (dialing...). */
function participantLifecycle(p: CallParticipant): Lifecycle | undefined {
  switch (p.state?.toLowerCase()) {
    case 'alerting':
    case 'offering':
      return 'offered';
    case 'connected':
      return p.held ? 'held' : 'answered';
    case 'disconnected':
    case 'terminated':
      return p.wrapup?.code ? 'completed' : 'ended';
    default:
      return undefined;
  }
}

// The notification is a full snapshot sent on every change, so only a change of the agent's state is sent.
async function mapCalls(event: Extract<CloudEvent, { kind: 'calls' }>, ctx: Ctx): Promise<MapResult> {
  const participants = event.body.participants ?? [];
  const agents = participants.filter((p) => AGENT_PURPOSES.has(p.purpose?.toLowerCase() ?? '') && userOf(p));
  const userId = event.userId ?? (new Set(agents.map(userOf)).size === 1 ? userOf(agents[0]!) : undefined);
  if (!userId)
    return ignore(`${event.topic}: the topic names no user and the conversation has no single agent`);
  const mine = agents.filter((p) => userOf(p) === userId);
  const leg =
    mine.findLast((p) => !['disconnected', 'terminated'].includes(p.state?.toLowerCase() ?? '')) ??
    mine.at(-1);
  if (!leg)
    return ignore(`${event.topic}: user ${userId} has no agent participant in conversation ${event.body.id}`);
  const target = participantLifecycle(leg);
  if (!target) return ignore(`${event.topic}: the agent's state "${leg.state ?? ''}" pops nothing`);

  const key = `cloud:calls:${event.body.id}:${leg.id ?? userId}`;
  const previous = await ctx.state.get<Lifecycle>(key);
  if (previous === target) return ignore(`${event.topic}: no change for user ${userId} (still ${target})`);
  const agent = await cloudAgent(userId, ctx);
  if ('ignored' in agent) return ignore(`${event.topic}: ${agent.ignored}`);
  await ctx.state.set(key, target, ctx.config.stateTtlMs);
  const lifecycle: Lifecycle = target === 'answered' && previous === 'held' ? 'resumed' : target;

  const customer = participants.find((p) => CUSTOMER_PURPOSES.has(p.purpose?.toLowerCase() ?? ''));
  const acd = participants.findLast((p) => p.purpose?.toLowerCase() === 'acd');
  const ani = leg.ani ?? customer?.address ?? undefined;
  const dnis = leg.dnis ?? customer?.dnis ?? undefined;
  const props: Props = defined({
    [PROP.nativeEvent]: event.topic,
    [PROP.platform]: PLATFORM,
    [PROP.interactionId]: event.body.id,
    [PROP.ani]: ani ? plainNumber(ani) : undefined,
    [PROP.dnis]: dnis ? plainNumber(dnis) : undefined,
    [PROP.direction]: normaliseDirection(leg.direction),
    [PROP.channel]: 'voice',
    [PROP.queueId]: leg.queue?.id ?? leg.queueId ?? acd?.queue?.id ?? acd?.queueId,
    [PROP.queue]: acd?.name,
    [PROP.agentPlatformId]: userId,
    [PROP.disposition]: leg.wrapup?.code,
    [PROP.customerName]: customer?.name,
    aniRaw: ani,
    dnisRaw: dnis,
    participantId: leg.id,
    participantState: leg.state,
    disconnectType: leg.disconnectType,
    wrapupNotes: leg.wrapup?.notes,
  });
  const kept = (await ctx.state.get<Record<string, string>>(attributesKey(event.body.id))) ?? {};
  // Participant data usually sits on the customer participant; the agent's own entries win.
  const merged = { ...kept, ...(customer?.attributes ?? {}), ...(leg.attributes ?? {}) };
  addVendorProps(props, Object.entries(merged), 'attributes');
  const draft: Draft = { agentid: agent.login, lifecycle, props };
  return draft;
}
