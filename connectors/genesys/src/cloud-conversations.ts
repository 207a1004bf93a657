// Genesys Cloud conversation snapshots (notification topics). Every message is the whole conversation,
// sent on every change, so a message is sent only when an agent participant's own state changed; the
// last state is kept per conversation + participant, so a user topic and a queue topic carrying the same
// conversation pop it once. User topics name the agent; the queue topic carries every agent participant.
import {
  addVendorProps,
  type Draft,
  ignore,
  type Leg,
  type Lifecycle,
  type MapContext,
  type MapResult,
  lookUp,
  normaliseDirection,
  PROP,
  type Props,
} from '@openconnect/core';
import { attributesKey, cloudAgent } from './cloud-agent.js';
import {
  cloudLegProps,
  isAgent,
  isMonitor,
  isOver,
  isoTime,
  messageChannel,
  snapshotLeg,
  userOf,
} from './cloud-legs.js';
import type {
  CallConversation,
  CallParticipant,
  CloudEvent,
  CloudMedia,
  MediaEntry,
} from './cloud-events.js';
import type { GenesysConfig } from './config.js';
import { defined, plainNumber } from './vendor-values.js';
import type { Services } from './users-api.js';

type Ctx = MapContext<GenesysConfig, Services>;
type UserEvent = Extract<CloudEvent, { kind: 'calls' }>;
type QueueEvent = Extract<CloudEvent, { kind: 'queue' }>;

const PLATFORM = 'Genesys Cloud';
// A messages conversation's channel comes from the participant's type (messageChannel), not from here.
const CHANNEL: Record<Exclude<CloudMedia, 'messages'>, string> = {
  calls: 'voice',
  chats: 'chat',
  callbacks: 'callback',
  emails: 'email',
};
// Media whose customer address is a phone number (ani/dnis); a chat's or an email's is not.
const NUMBERED = new Set<CloudMedia>(['calls', 'callbacks', 'messages']);
const CUSTOMER_PURPOSES = new Set<string | undefined>(['customer', 'external']);

/** One agent's side of a conversation: the participant and, in the queue topic, its media entry. */
interface AgentSide {
  participant: CallParticipant;
  media: CloudMedia;
  /** The queue topic keeps state on the participant's media entry (calls[], chats[]...). */
  entry?: MediaEntry;
}

const stateOf = (side: AgentSide) =>
  (side.participant.state ?? side.entry?.state ?? undefined)?.toLowerCase();
/** Agents whose call this is: a supervisor monitoring, coaching or barging in is not offered it. */
const isCallAgent = (p: CallParticipant) => isAgent(p) && !isMonitor(p);

// A participant's state only moves forward (held and connected alternate; a new offer is a new
// participant), so a snapshot that arrives late (a catch-up racing the socket) cannot pop an earlier moment.
const STAGE: Partial<Record<Lifecycle, number>> = {
  offered: 0,
  answered: 1,
  held: 1,
  ended: 2,
  completed: 3,
};

/** The state key of one participant of one conversation (the "calls" prefix predates other media). */
export const participantStateKey = (conversationId: string, participantKey: string) =>
  `cloud:calls:${conversationId}:${participantKey}`;

/** The lifecycle a participant state stands for; undefined for states that pop nothing (dialing...). */
function lifecycleOf(leg: AgentSide): Lifecycle | undefined {
  switch (stateOf(leg)) {
    case 'alerting':
    case 'offering':
      return 'offered';
    case 'connected':
      return (leg.participant.held ?? leg.entry?.held) ? 'held' : 'answered';
    case 'disconnected':
    case 'terminated':
      return (leg.participant.wrapup?.code ?? leg.entry?.wrapup?.code) ? 'completed' : 'ended';
  }
  return undefined;
}

/** The live media entry of a participant in one of the watched media (the last one, if all ended). */
function queueAgentSide(participant: CallParticipant, media: readonly CloudMedia[]): AgentSide | undefined {
  for (const medium of media) {
    const entries = participant[medium] ?? [];
    const entry = entries.findLast((e) => !isOver(e.state)) ?? entries.at(-1);
    if (entry) return { participant, media: medium, entry };
  }
  return undefined;
}

/** v2.users.{id}.conversations.{media}: the topic's user, or the conversation's only agent. */
export async function mapUserConversation(event: UserEvent, ctx: Ctx): Promise<MapResult> {
  if (!ctx.config.cloudNotifyMedia.includes(event.media))
    return ignore(`${event.topic}: ${event.media} are not in cloudNotifyMedia`);
  // Stryker disable next-line ArrayDeclaration: a made-up participant has no purpose, so it is no agent either
  const participants = event.body.participants ?? [];
  const agents = participants.filter(isCallAgent);
  const userId = event.userId ?? (new Set(agents.map(userOf)).size === 1 ? userOf(agents[0]!) : undefined);
  if (!userId)
    return ignore(`${event.topic}: the topic names no user and the conversation has no single agent`);
  const mine = agents.filter((p) => userOf(p) === userId);
  const participant = mine.findLast((p) => !isOver(p.state)) ?? mine.at(-1);
  if (!participant)
    return ignore(`${event.topic}: user ${userId} has no agent participant in conversation ${event.body.id}`);
  const side: AgentSide = { participant, media: event.media };
  const change = await changeOf(event, side, userId, ctx, true);
  return 'ignored' in change ? ignore(`${event.topic}: ${change.ignored}`) : change.draft;
}

/** v2.routing.queues.{id}.conversations: a message for each agent participant whose own state changed. */
export async function mapQueueConversation(event: QueueEvent, ctx: Ctx): Promise<MapResult> {
  // Stryker disable next-line ArrayDeclaration: a made-up participant has no purpose, so it is no agent either
  const sides = (event.body.participants ?? [])
    .filter(isCallAgent)
    .map((p) => queueAgentSide(p, ctx.config.cloudNotifyMedia))
    .filter((side): side is AgentSide => side !== undefined);
  if (!sides.length)
    return ignore(
      `${event.topic}: conversation ${event.body.id} has no agent participant in ${ctx.config.cloudNotifyMedia.join('/')} yet`,
    );
  const drafts: Draft[] = [];
  const reasons: string[] = [];
  for (const side of sides) {
    // The snapshot lists every earlier agent leg too: one first seen already over was popped before, or never.
    const change = await changeOf(event, side, userOf(side.participant)!, ctx, false);
    if ('draft' in change) drafts.push(change.draft);
    else reasons.push(change.ignored);
  }
  return drafts.length ? drafts : ignore(`${event.topic}: ${reasons.join('; ')}`);
}

type Change = { draft: Draft } | { ignored: string };

async function changeOf(
  event: UserEvent | QueueEvent,
  side: AgentSide,
  userId: string,
  ctx: Ctx,
  /** Whether a leg first seen already over pops (the user topic) or was popped before or never (the queue topic). */
  firstSeenEnded: boolean,
): Promise<Change> {
  const target = lifecycleOf(side);
  if (!target) return { ignored: `the state "${stateOf(side) ?? ''}" of user ${userId} pops nothing` };
  const participantKey = side.participant.id ?? userId;
  const key = participantStateKey(event.body.id, participantKey);
  const previous = await ctx.state.get<Lifecycle>(key);
  if (previous === target) return { ignored: `no change for user ${userId} (still ${target})` };
  if (previous && (STAGE[target] ?? 0) < (STAGE[previous] ?? 0))
    return { ignored: `an older snapshot for user ${userId} (${target} after ${previous})` };
  if (!previous && !firstSeenEnded && (target === 'ended' || target === 'completed'))
    return { ignored: `user ${userId}'s leg was already over when first seen` };
  const agent = await cloudAgent(userId, ctx);
  if ('ignored' in agent) return agent;
  await ctx.state.set(key, target, ctx.config.stateTtlMs);
  const lifecycle: Lifecycle = target === 'answered' && previous === 'held' ? 'resumed' : target;
  const props = await sideProps(event, side, userId, ctx);
  const eventTime = momentOf(side, lifecycle);
  if (eventTime) props[PROP.eventTime] = eventTime;
  if (lifecycle === 'offered' || lifecycle === 'answered') {
    // A participant's leg is fixed when it is first offered: a consult target stays a consult once the
    // consulting agent has left.
    const legKey = `cloud:leg:${event.body.id}:${participantKey}`;
    const leg =
      (await ctx.state.get<Leg>(legKey)) ??
      // Stryker disable next-line ArrayDeclaration: unreachable: an agent side comes from the participants listed
      snapshotLeg(event.body.participants ?? [], side.participant, side.media);
    await ctx.state.set(legKey, leg, ctx.config.stateTtlMs);
    Object.assign(props, cloudLegProps(leg, event.body.id));
  }
  return { draft: { agentid: agent.login, lifecycle, props } };
}

/** The platform's time of the moment, where the snapshot has one: connected, or disconnected/ended. */
function momentOf(side: AgentSide, lifecycle: Lifecycle): string | undefined {
  const { participant, entry } = side;
  if (lifecycle === 'answered') return isoTime(entry?.connectedTime ?? participant.connectedTime);
  if (lifecycle === 'ended' || lifecycle === 'completed')
    return isoTime(entry?.disconnectedTime ?? participant.endTime);
  return undefined;
}

/** The customer's address both ways: the caller inbound; outbound, the number dialed (their dnis). */
function customerNumbers(
  body: CallConversation,
  side: AgentSide,
  customer: CallParticipant | undefined,
  outbound: boolean,
): { ani: string | undefined; dnis: string | undefined } {
  const { participant, media } = side;
  const customerEntry = customer?.[media]?.at(-1);
  const address = customer?.address ?? customerEntry?.self?.addressNormalized ?? undefined;
  if (outbound) {
    const ani = customer?.dnis ?? address ?? participant.dnis ?? undefined;
    const dnis = customer?.ani ?? customerEntry?.other?.addressNormalized ?? undefined;
    return { ani, dnis };
  }
  const ani = participant.ani ?? customer?.ani ?? address;
  // Conversation.address is what the customer dialled, for an inbound call.
  const inbound = (participant.direction ?? side.entry?.direction)?.toLowerCase() === 'inbound';
  const dnis = participant.dnis ?? customer?.dnis ?? (inbound ? body.address : undefined) ?? undefined;
  return { ani, dnis };
}

async function sideProps(
  event: UserEvent | QueueEvent,
  side: AgentSide,
  userId: string,
  ctx: Ctx,
): Promise<Props> {
  const body: CallConversation = event.body;
  // Stryker disable next-line ArrayDeclaration: unreachable: an agent side comes from the participants listed
  const participants = body.participants ?? [];
  const { participant, entry, media } = side;
  const customer = participants.find((p) => CUSTOMER_PURPOSES.has(p.purpose?.toLowerCase()));
  const acd = participants.findLast((p) => p.purpose?.toLowerCase() === 'acd');
  const direction = normaliseDirection(participant.direction ?? entry?.direction ?? undefined);
  const numbered = NUMBERED.has(media);
  const numbers = numbered ? customerNumbers(body, side, customer, direction === 'outbound') : undefined;
  const ani = numbers?.ani;
  const dnis = numbers?.dnis;
  const wrapup = participant.wrapup ?? entry?.wrapup;
  const messageType = media === 'messages' ? (participant.type ?? entry?.type) : undefined;
  const props: Props = defined({
    [PROP.nativeEvent]: event.topic,
    [PROP.platform]: PLATFORM,
    [PROP.interactionId]: body.id,
    [PROP.ani]: ani ? plainNumber(ani) : undefined,
    [PROP.dnis]: dnis ? plainNumber(dnis) : undefined,
    [PROP.direction]: direction,
    [PROP.channel]: media === 'messages' ? messageChannel(messageType) : lookUp(CHANNEL, media),
    [PROP.queueId]:
      participant.queue?.id ??
      participant.queueId ??
      acd?.queue?.id ??
      acd?.queueId ??
      // Stryker disable next-line ConditionalExpression: a user topic's event has no queueId, so reading it there is undefined too
      (event.kind === 'queue' ? event.queueId : undefined),
    [PROP.queue]: acd?.name,
    [PROP.agentPlatformId]: userId,
    [PROP.disposition]: wrapup?.code,
    [PROP.customerName]: customer?.name,
    aniRaw: ani,
    dnisRaw: dnis,
    customerAddress: numbered ? undefined : customer?.address,
    messageType,
    participantId: participant.id,
    // Stryker disable next-line OptionalChaining: a user topic's participant without a state popped nothing before this, and a queue topic's side has its entry
    participantState: participant.state ?? entry?.state,
    disconnectType: participant.disconnectType ?? entry?.disconnectType,
    consultParticipantId: participant.consultParticipantId,
    wrapupNotes: wrapup?.notes,
  });
  const kept = (await ctx.state.get<Record<string, string>>(attributesKey(body.id))) ?? {};
  // Participant data usually sits on the customer participant; the agent's own entries win.
  const merged = { ...kept, ...(customer?.attributes ?? {}), ...(participant.attributes ?? {}) };
  addVendorProps(props, Object.entries(merged), 'attributes');
  return props;
}
