// Genesys Cloud: EventBridge events posted by an API destination, or notification messages a relay
// forwards. The agent's own topics (user.start, user.end, acw) drive the lifecycle; the customer's
// topics name no agent and are ignored; participant data (attributes) is kept for later events.
import {
  addVendorProps,
  defineSource,
  detectJson,
  ignore,
  type Lifecycle,
  type MapContext,
  type MapResult,
  normaliseDirection,
  PROP,
  type Props,
  tokenAuth,
} from '@openconnect/core';
import { attributesKey, cloudAgent } from './cloud-agent.js';
import { mapQueueConversation, mapUserConversation } from './cloud-conversations.js';
import { type CloudEvent, type DetailBody, parseCloudRequest } from './cloud-events.js';
import { cloudLegProps, detailChannel, detailLeg, isoTime } from './cloud-legs.js';
import { CLOUD_API_KEY_HEADER, type GenesysConfig } from './config.js';
import { defined, isObject, plainNumber } from './vendor-values.js';
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
  ...tokenAuth<GenesysConfig>({
    scheme: 'api-key',
    secret: 'cloudApiKey',
    in: [{ header: { option: 'cloudApiKeyHeader', default: CLOUD_API_KEY_HEADER } }],
    setBy: 'set on the EventBridge connection (or by the relay)',
  }),
  detect: detectJson((body) => {
    // Stryker disable next-line ConditionalExpression: without it a null body throws (detectJson answers false) and any other non-object has neither field
    if (!isObject(body)) return false;
    const eventBridge = typeof body['detail-type'] === 'string' && isObject(body.detail);
    const notification = typeof body.topicName === 'string' && 'eventBody' in body;
    return eventBridge || notification;
  }),
  parse: parseCloudRequest,
  eventId: (event) => event.eventId,
  async map(event, ctx) {
    if (event.kind === 'detail') return mapDetail(event, ctx);
    if (event.kind === 'calls') return mapUserConversation(event, ctx);
    if (event.kind === 'queue') return mapQueueConversation(event, ctx);
    return ignore(`topic ${event.topic} is not a conversation topic this connector maps`);
  },
});

/** The agent's own detail topics (their suffix) → lifecycle; the Process Automation source reads them too. */
const DETAIL_LIFECYCLE: Readonly<Record<string, Lifecycle>> = {
  'user.start': 'offered', // the agent's leg starts alerting, not answered
  'user.end': 'ended',
  acw: 'wrapup',
};

/** The lifecycle of a detail topic's suffix; own keys only, so "constructor" or "toString" is no topic. */
export const detailLifecycle = (suffix: string): Lifecycle | undefined =>
  Object.hasOwn(DETAIL_LIFECYCLE, suffix) ? DETAIL_LIFECYCLE[suffix] : undefined;

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
  const lifecycle = detailLifecycle(event.suffix);
  if (!lifecycle) return ignore(`${event.topic} is not an event this connector maps`);
  const agent = await cloudAgent(body.userId, ctx);
  if ('ignored' in agent) return ignore(`${event.topic}: ${agent.ignored}`);
  const kept = (await ctx.state.get<Record<string, string>>(attributesKey(body.conversationId))) ?? {};
  const props = detailProps(event.topic, body, kept);
  const leg = await detailLeg(
    ctx.state,
    ctx.config.stateTtlMs,
    body.conversationId,
    body.userId!,
    event.suffix === 'user.start',
    body.disconnectType,
  );
  if (lifecycle === 'offered') Object.assign(props, cloudLegProps(leg, body.conversationId));
  return { agentid: agent.login, lifecycle, props };
}

/** The props of a detail event; shared with the Process Automation source, whose body has the same names. */
export function detailProps(
  nativeEvent: string,
  body: Partial<DetailBody>,
  kept: Record<string, string>,
): Props {
  // Outbound, the detail event's ani is the caller id shown and its dnis the number dialed: the customer's.
  const outbound = normaliseDirection(body.direction) === 'outbound';
  const ani = (outbound ? body.dnis : body.ani) ?? undefined;
  const dnis = (outbound ? body.ani : body.dnis) ?? undefined;
  const props: Props = defined({
    [PROP.nativeEvent]: nativeEvent,
    [PROP.platform]: PLATFORM,
    [PROP.interactionId]: body.conversationId,
    [PROP.ani]: ani ? plainNumber(ani) : undefined,
    [PROP.dnis]: dnis ? plainNumber(dnis) : undefined,
    [PROP.direction]: normaliseDirection(body.direction),
    [PROP.channel]: detailChannel(body.mediaType, body.messageType),
    [PROP.queueId]: body.queueId,
    [PROP.agentPlatformId]: body.userId,
    [PROP.disposition]: body.wrapupCode,
    [PROP.eventTime]: isoTime(body.eventTime),
    aniRaw: ani,
    dnisRaw: dnis,
    addressFrom: body.addressFrom,
    addressTo: body.addressTo,
    participantId: body.participantId,
    sessionId: body.sessionId,
    provider: body.provider,
    divisionId: body.divisionId,
    disconnectType: body.disconnectType,
    wrapupNotes: body.wrapupNotes,
    wrapupDurationMs: body.wrapupDurationMs,
    messageType: body.messageType,
  });
  addVendorProps(props, Object.entries({ ...kept, ...(body.attributes ?? {}) }), 'attributes');
  return props;
}
