// Genesys Cloud conversation snapshots (notification topics). Every message is the whole conversation,
// sent on every change, so a message is sent only when an agent participant's own state changed; the
// last state is kept per conversation + participant, so a user topic and a queue topic carrying the same
// conversation pop it once. User topics name the agent; the queue topic carries every agent participant.
import {
  addVendorProps,
  type Draft,
  ignore,
  type Lifecycle,
  type MapContext,
  type MapResult,
  normaliseDirection,
  PROP,
  type Props,
} from '@openconnect/core';
import { attributesKey, cloudAgent } from './cloud-agent.js';
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
const CHANNEL: Record<CloudMedia, string> = {
  calls: 'voice',
  chats: 'chat',
  messages: 'message',
  callbacks: 'callback',
  emails: 'email',
};
// Media whose customer address is a phone number (ani/dnis); a chat's or an email's is not.
const NUMBERED = new Set<CloudMedia>(['calls', 'callbacks', 'messages']);
const AGENT_PURPOSES = new Set(['agent', 'user']);
const CUSTOMER_PURPOSES = new Set(['customer', 'external']);
const ENDED = new Set(['disconnected', 'terminated']);

/** One agent's side of a conversation: the participant and, in the queue topic, its media entry. */
interface Leg {
  participant: CallParticipant;
  media: CloudMedia;
  /** The queue topic keeps state on the participant's media entry (calls[], chats[]...). */
  entry?: MediaEntry;
}

const userOf = (p: CallParticipant) => p.user?.id ?? p.userId ?? undefined;
const isAgent = (p: CallParticipant) =>
  AGENT_PURPOSES.has(p.purpose?.toLowerCase() ?? '') && Boolean(userOf(p));
const stateOf = (leg: Leg) => (leg.participant.state ?? leg.entry?.state ?? undefined)?.toLowerCase();
const isOver = (state: string | undefined) => ENDED.has(state ?? '');

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
function lifecycleOf(leg: Leg): Lifecycle | undefined {
  switch (stateOf(leg)) {
    case 'alerting':
    case 'offering':
      return 'offered';
    case 'connected':
      return (leg.participant.held ?? leg.entry?.held) ? 'held' : 'answered';
    case 'disconnected':
    case 'terminated':
      return (leg.participant.wrapup?.code ?? leg.entry?.wrapup?.code) ? 'completed' : 'ended';
    default:
      return undefined;
  }
}

/** The live media entry of a participant in one of the watched media (the last one, if all ended). */
function queueLeg(participant: CallParticipant, media: readonly CloudMedia[]): Leg | undefined {
  for (const medium of media) {
    const entries = participant[medium] ?? [];
    const entry = entries.findLast((e) => !isOver(e.state?.toLowerCase())) ?? entries.at(-1);
    if (entry) return { participant, media: medium, entry };
  }
  return undefined;
}

/** v2.users.{id}.conversations.{media}: the topic's user, or the conversation's only agent. */
export async function mapUserConversation(event: UserEvent, ctx: Ctx): Promise<MapResult> {
  if (!ctx.config.cloudNotifyMedia.includes(event.media))
    return ignore(`${event.topic}: ${event.media} are not in cloudNotifyMedia`);
  const participants = event.body.participants ?? [];
  const agents = participants.filter(isAgent);
  const userId = event.userId ?? (new Set(agents.map(userOf)).size === 1 ? userOf(agents[0]!) : undefined);
  if (!userId)
    return ignore(`${event.topic}: the topic names no user and the conversation has no single agent`);
  const mine = agents.filter((p) => userOf(p) === userId);
  const participant = mine.findLast((p) => !isOver(p.state?.toLowerCase())) ?? mine.at(-1);
  if (!participant)
    return ignore(`${event.topic}: user ${userId} has no agent participant in conversation ${event.body.id}`);
  const leg: Leg = { participant, media: event.media };
  const change = await changeOf(event, leg, userId, ctx, { firstSeenEnded: true });
  return 'ignored' in change ? ignore(`${event.topic}: ${change.ignored}`) : change.draft;
}

/** v2.routing.queues.{id}.conversations: a message for each agent participant whose own state changed. */
export async function mapQueueConversation(event: QueueEvent, ctx: Ctx): Promise<MapResult> {
  const legs = (event.body.participants ?? [])
    .filter(isAgent)
    .map((p) => queueLeg(p, ctx.config.cloudNotifyMedia))
    .filter((leg): leg is Leg => leg !== undefined);
  if (!legs.length)
    return ignore(
      `${event.topic}: conversation ${event.body.id} has no agent participant in ${ctx.config.cloudNotifyMedia.join('/')} yet`,
    );
  const drafts: Draft[] = [];
  const reasons: string[] = [];
  for (const leg of legs) {
    // The snapshot lists every earlier agent leg too: one first seen already over was popped before, or never.
    const change = await changeOf(event, leg, userOf(leg.participant)!, ctx, { firstSeenEnded: false });
    if ('draft' in change) drafts.push(change.draft);
    else reasons.push(change.ignored);
  }
  return drafts.length ? drafts : ignore(`${event.topic}: ${reasons.join('; ')}`);
}

type Change = { draft: Draft } | { ignored: string };

async function changeOf(
  event: UserEvent | QueueEvent,
  leg: Leg,
  userId: string,
  ctx: Ctx,
  options: { firstSeenEnded: boolean },
): Promise<Change> {
  const target = lifecycleOf(leg);
  if (!target) return { ignored: `the state "${stateOf(leg) ?? ''}" of user ${userId} pops nothing` };
  const key = participantStateKey(event.body.id, leg.participant.id ?? userId);
  const previous = await ctx.state.get<Lifecycle>(key);
  if (previous === target) return { ignored: `no change for user ${userId} (still ${target})` };
  if (previous && (STAGE[target] ?? 0) < (STAGE[previous] ?? 0))
    return { ignored: `an older snapshot for user ${userId} (${target} after ${previous})` };
  if (!previous && !options.firstSeenEnded && (target === 'ended' || target === 'completed'))
    return { ignored: `user ${userId}'s leg was already over when first seen` };
  const agent = await cloudAgent(userId, ctx);
  if ('ignored' in agent) return agent;
  await ctx.state.set(key, target, ctx.config.stateTtlMs);
  const lifecycle: Lifecycle = target === 'answered' && previous === 'held' ? 'resumed' : target;
  return { draft: { agentid: agent.login, lifecycle, props: await legProps(event, leg, userId, ctx) } };
}

async function legProps(event: UserEvent | QueueEvent, leg: Leg, userId: string, ctx: Ctx): Promise<Props> {
  const body: CallConversation = event.body;
  const participants = body.participants ?? [];
  const { participant, entry, media } = leg;
  const customer = participants.find((p) => CUSTOMER_PURPOSES.has(p.purpose?.toLowerCase() ?? ''));
  const acd = participants.findLast((p) => p.purpose?.toLowerCase() === 'acd');
  const direction = participant.direction ?? entry?.direction ?? undefined;
  const numbered = NUMBERED.has(media);
  const customerEntry = customer?.[media]?.at(-1);
  const ani = numbered
    ? (participant.ani ??
      customer?.ani ??
      customer?.address ??
      customerEntry?.self?.addressNormalized ??
      undefined)
    : undefined;
  // Conversation.address is what the customer dialled, for an inbound call.
  const dnis = numbered
    ? (participant.dnis ??
      customer?.dnis ??
      (direction?.toLowerCase() === 'inbound' ? body.address : undefined) ??
      undefined)
    : undefined;
  const wrapup = participant.wrapup ?? entry?.wrapup;
  const props: Props = defined({
    [PROP.nativeEvent]: event.topic,
    [PROP.platform]: PLATFORM,
    [PROP.interactionId]: body.id,
    [PROP.ani]: ani ? plainNumber(ani) : undefined,
    [PROP.dnis]: dnis ? plainNumber(dnis) : undefined,
    [PROP.direction]: normaliseDirection(direction),
    [PROP.channel]: CHANNEL[media],
    [PROP.queueId]:
      participant.queue?.id ??
      participant.queueId ??
      acd?.queue?.id ??
      acd?.queueId ??
      (event.kind === 'queue' ? event.queueId : undefined),
    [PROP.queue]: acd?.name,
    [PROP.agentPlatformId]: userId,
    [PROP.disposition]: wrapup?.code,
    [PROP.customerName]: customer?.name,
    aniRaw: ani,
    dnisRaw: dnis,
    customerAddress: numbered ? undefined : customer?.address,
    messageType: media === 'messages' ? (participant.type ?? entry?.type) : undefined,
    participantId: participant.id,
    participantState: participant.state ?? entry?.state,
    disconnectType: participant.disconnectType ?? entry?.disconnectType,
    wrapupNotes: wrapup?.notes,
  });
  const kept = (await ctx.state.get<Record<string, string>>(attributesKey(body.id))) ?? {};
  // Participant data usually sits on the customer participant; the agent's own entries win.
  const merged = { ...kept, ...(customer?.attributes ?? {}), ...(participant.attributes ?? {}) };
  addVendorProps(props, Object.entries(merged), 'attributes');
  return props;
}
