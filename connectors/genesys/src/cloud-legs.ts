// Genesys Cloud call legs. A conversation keeps one id across every leg (conversationId = interactionId =
// parentInteractionId); what changes is its participants. In a snapshot (notification topics) an agent
// participant's leg is read from the participants listed before it: none → primary; one carrying
// `consultParticipantId` (the consult target's, per the Platform API models) → consult; an earlier agent
// still on the call → conference; earlier agents all gone (disconnectType transfer...) → transfer.
// The detail topics (EventBridge, Process Automation) carry no participant list, so the agents seen per
// conversation are kept in state; a second agent joining while the first is still on is taken as a
// consult (belief: those topics cannot tell a consult from a conference).
import {
  type Leg,
  legProps,
  normaliseChannel,
  CHANNELS,
  type Props,
  type StateStore,
} from '@openconnect/core';
import type { CallParticipant, CloudMedia, MediaEntry } from './cloud-events.js';

// Of string | undefined, so an absent purpose or state is looked up as it is (and found in neither).
const AGENT_PURPOSES = new Set<string | undefined>(['agent', 'user']);
const ENDED = new Set<string | undefined>(['disconnected', 'terminated']);

export const userOf = (p: CallParticipant) => p.user?.id ?? p.userId ?? undefined;
export const isAgent = (p: CallParticipant) =>
  AGENT_PURPOSES.has(p.purpose?.toLowerCase()) && Boolean(userOf(p));
export const isOver = (state: string | null | undefined) => ENDED.has(state?.toLowerCase());

/** A supervisor listening, coaching or barging in is on the call, but it is not offered to them. */
export const isMonitor = (p: CallParticipant) =>
  Boolean(p.monitoredParticipantId || p.coachedParticipantId || p.bargedParticipantId);

/** A participant's own state, or its last media entry's (the queue topic keeps it there); isOver reads any case. */
function liveState(p: CallParticipant, media: CloudMedia): string | undefined {
  const entry: MediaEntry | undefined = p[media]?.at(-1);
  return p.state ?? entry?.state ?? undefined;
}

/** The leg of one agent participant, from the participants that joined before it. */
export function snapshotLeg(
  participants: readonly CallParticipant[],
  participant: CallParticipant,
  media: CloudMedia,
): Leg {
  if (participant.consultParticipantId) return 'consult';
  const index = participants.indexOf(participant);
  const before = participants.slice(0, Math.max(index, 0));
  // A consult to a queue: the acd participant carries consultParticipantId, the agent it reaches does not.
  const lastAcd = before.findLast((p) => p.purpose?.toLowerCase() === 'acd');
  const earlierAgents = before.filter((p) => isAgent(p) && !isMonitor(p) && p.id !== participant.id);
  if (!earlierAgents.length) return 'primary';
  if (lastAcd?.consultParticipantId && !isOver(liveState(lastAcd, media))) return 'consult';
  return earlierAgents.some((p) => !isOver(liveState(p, media))) ? 'conference' : 'transfer';
}

/** leg and, on every leg but primary, parentInteractionId: the conversation, which all legs share. */
export const cloudLegProps = (leg: Leg, conversationId: string): Props => legProps(leg, conversationId);

/** Who was on a conversation, per userId, as the detail topics showed it. */
type AgentsSeen = Record<string, { on: boolean; disconnectType?: string }>;
const agentsKey = (conversationId: string) => `cloud:agents:${conversationId}`;

/**
 * The leg of a detail event's agent, and the agents seen updated with it: user.start joins the agent
 * (`joined`), user.end (and acw) marks them gone. A retried event finds its own user already there and
 * keeps its leg.
 */
export async function detailLeg(
  state: StateStore,
  ttlMs: number,
  conversationId: string,
  userId: string,
  joined: boolean,
  disconnectType: string | null | undefined,
): Promise<Leg> {
  const seen = (await state.get<AgentsSeen>(agentsKey(conversationId))) ?? {};
  const others = Object.entries(seen).filter(([id]) => id !== userId);
  const leg: Leg = !others.length ? 'primary' : others.some(([, s]) => s.on) ? 'consult' : 'transfer';
  const own = seen[userId];
  const next: AgentsSeen = { ...seen };
  if (joined) next[userId] = { on: true };
  else
    next[userId] = {
      on: false,
      ...(disconnectType
        ? { disconnectType }
        : own?.disconnectType
          ? { disconnectType: own.disconnectType }
          : {}),
    };
  await state.set(agentsKey(conversationId), next, ttlMs);
  return leg;
}

/**
 * A messaging conversation's channel from its type (sms, whatsapp, webmessaging, facebook...): sms and
 * the social networks keep their own word, every other messaging app is `messaging`.
 */
export function messageChannel(type: string | null | undefined): string {
  const word = normaliseChannel(type);
  return CHANNELS.find((channel) => channel === word) ?? 'messaging';
}

/** The channel of a detail event's mediaType (VOICE, CHAT, EMAIL, CALLBACK, MESSAGE + messageType). */
export function detailChannel(
  mediaType: string | null | undefined,
  messageType: string | null | undefined,
): string | undefined {
  if (mediaType?.toLowerCase() === 'message') return messageChannel(messageType);
  return normaliseChannel(mediaType);
}

/** Genesys detail events time the moment in epoch milliseconds: as ISO 8601, or undefined when not a time. */
export function isoTime(value: number | string | null | undefined): string | undefined {
  // null and undefined are no time ('' is an invalid date below); new Date(null) would be 1970.
  if (value == null) return undefined;
  // Epoch milliseconds as a number or as digits: String() of a number is its digits.
  const date = new Date(/^\d+$/.test(String(value)) ? Number(value) : value);
  return Number.isFinite(date.getTime()) ? date.toISOString() : undefined;
}
