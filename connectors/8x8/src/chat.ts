// The 8x8 Chat Gateway webhook (digital channels): JSON `{eventType, conversationId, timestamp, data}`,
// signed with a detached JWS in x-8x8-signature, with the event id in x-8x8-event-id. The older Contact
// Center chat envelope (AGENT_JOINED / AGENT_LEFT with top-level agentId) is accepted too.
import {
  type Draft,
  defineSource,
  detectJson,
  flattenProps,
  header,
  type InboundRequest,
  ignore,
  legProps,
  normaliseChannel,
  PROP,
  type Props,
  parseJson,
  parseWith,
  peekJson,
  type StateStore,
} from '@openconnect/core';
import { z } from 'zod';
import type { C8x8Config, C8x8Services } from './config.js';
import { verifyDetachedJws } from './jws.js';
import { firstTime } from './pop-once.js';
import { PLATFORM } from './stream.js';

const text = z.union([z.string(), z.number()]).transform(String);
const body = z.looseObject({
  eventType: z.string().min(1),
  conversationId: text.optional(),
  data: z
    .looseObject({
      state: z.string().optional(),
      assignment: z
        .looseObject({ type: z.string().optional(), id: text.optional(), resourceId: text.optional() })
        .optional(),
      user: z
        .looseObject({
          name: z.string().optional(),
          phone: text.optional(),
          additionalProperties: z
            .array(z.looseObject({ key: z.string().optional(), value: z.unknown().optional() }))
            .optional(),
        })
        .optional(),
      queueId: text.optional(),
      queueName: z.string().optional(),
      // MEMBERS_CHANGED: {memberType: "agent" | "user", change: "joined" | "left", id}
      memberType: z.string().optional(),
      change: z.string().optional(),
      id: text.optional(),
      channel: z.string().optional(),
      msisdn: text.optional(),
    })
    .optional(),
  agentId: text.optional(),
  agentName: z.string().optional(),
  timestamp: z.unknown().optional(),
  queueId: text.optional(),
  queueName: z.string().optional(),
});

export interface ChatEvent {
  body: z.output<typeof body>;
  /** x-8x8-event-id: the dedupe id, folded in from the header (the body has none). */
  eventId?: string;
  tenantId?: string;
}

export function parseChat(req: InboundRequest): ChatEvent {
  const eventId = header(req, 'x-8x8-event-id');
  const tenantId = header(req, 'x-8x8-tenant-id');
  return {
    body: parseWith(body, parseJson(req), 'Chat Gateway event'),
    ...(eventId ? { eventId } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
}

type Queue = { queueId?: string; queueName?: string };
type Ctx = { directory: { get(id: string): string | undefined }; state: StateStore };

const notInDirectory = (guid: string) =>
  `8x8 agent ${guid} is not in the directory; add "${guid}": "<agent login>" to the 8x8 directory`;

export async function mapChat(e: ChatEvent, ctx: Ctx): Promise<Draft | { ignored: string }> {
  const b = e.body;
  const conversation = b.conversationId;
  const channel = normaliseChatChannel(b.data?.channel);
  if (conversation && channel) await ctx.state.set(`channel:${conversation}`, channel);
  switch (b.eventType) {
    case 'QUEUED': {
      const queue: Queue = {
        queueId: b.data?.queueId ?? b.queueId,
        queueName: b.data?.queueName ?? b.queueName,
      };
      // Stryker disable next-line ConditionalExpression: a key without a conversation id is never read (every read is behind one)
      if (conversation) await ctx.state.set(`queue:${conversation}`, queue);
      return ignore(
        `conversation ${conversation ?? '(no id)'} is queued${queue.queueName ? ` in ${queue.queueName}` : ''}; no agent yet`,
      );
    }
    case 'CONVERSATION_UPDATE':
    case 'AGENT_JOINED': {
      const assignment = b.data?.assignment;
      const guid =
        b.eventType === 'AGENT_JOINED'
          ? b.agentId
          : assignment?.type?.toLowerCase() === 'agent'
            ? assignment.id
            : undefined;
      if (!guid) {
        return ignore(
          `${b.eventType} without an agent assignment (state ${b.data?.state ?? 'unknown'}, assigned to ${assignment?.type ?? 'nobody'})`,
        );
      }
      return joined(e, guid, ctx);
    }
    case 'MEMBERS_CHANGED': {
      // The current webhook version's only word for an agent joining or leaving (AGENT_JOINED/AGENT_LEFT before).
      const { memberType, change, id } = b.data ?? {};
      if (memberType?.toLowerCase() !== 'agent' || !id)
        return ignore(`MEMBERS_CHANGED: a ${memberType ?? 'member'} ${change ?? 'changed'}; only agents pop`);
      if (change?.toLowerCase() === 'joined') return joined(e, id, ctx);
      if (change?.toLowerCase() === 'left') return left(e, id, ctx);
      return ignore(`MEMBERS_CHANGED: agent ${id} ${change ?? '(no change)'}, neither joined nor left`);
    }
    case 'AGENT_LEFT':
      return b.agentId ? left(e, b.agentId, ctx) : ignore('AGENT_LEFT names no agent');
    case 'TRANSFER': {
      // No agent in it: the one handling the conversation hands it to another queue; a left and a joined follow.
      if (!conversation) return ignore('TRANSFER names no conversation');
      // Stryker disable next-line BooleanLiteral: any stored value marks the transfer (read as !== undefined)
      await ctx.state.set(`transferred:${conversation}`, true);
      const guid = await ctx.state.get<string>(`agent:${conversation}`);
      if (!guid) return ignore(`TRANSFER of conversation ${conversation}: no agent is known to handle it`);
      const agentid = ctx.directory.get(guid);
      if (!agentid) return ignore(notInDirectory(guid));
      return { agentid, lifecycle: 'transferred', props: await chatProps(e, guid, ctx) };
    }
    default:
      return ignore(
        `Chat Gateway ${b.eventType} is not an event this connector maps (the agent assignment arrives in CONVERSATION_UPDATE)`,
      );
  }
}

/** An agent on the conversation: answered once per conversation and agent, a transfer leg after TRANSFER. */
async function joined(e: ChatEvent, guid: string, ctx: Ctx): Promise<Draft | { ignored: string }> {
  const conversation = e.body.conversationId;
  const agentid = ctx.directory.get(guid);
  if (!agentid) return ignore(notInDirectory(guid));
  if (conversation && !(await firstTime(ctx.state, `answered:${conversation}:${guid}`, e.eventId))) {
    return ignore(`${e.body.eventType}: conversation ${conversation} was already answered by agent ${guid}`);
  }
  const before = conversation ? await ctx.state.get<string>(`agent:${conversation}`) : undefined;
  const transferred = conversation
    ? (await ctx.state.get(`transferred:${conversation}`)) !== undefined
    : false;
  // Stryker disable next-line ConditionalExpression: a key without a conversation id is never read (every read is behind one)
  if (conversation) await ctx.state.set(`agent:${conversation}`, guid);
  const leg = transferred && before !== guid ? legProps('transfer', conversation) : legProps('primary');
  return { agentid, lifecycle: 'answered', props: { ...(await chatProps(e, guid, ctx)), ...leg } };
}

/** The agent left: the conversation is over for them (a transfer's new agent joins after). */
async function left(e: ChatEvent, guid: string, ctx: Ctx): Promise<Draft | { ignored: string }> {
  const conversation = e.body.conversationId;
  const agentid = ctx.directory.get(guid);
  if (!agentid) return ignore(notInDirectory(guid));
  // Stryker disable next-line ConditionalExpression: a key without a conversation id is never claimed (firstTime is behind one)
  if (conversation) await ctx.state.delete(`answered:${conversation}:${guid}`);
  return { agentid, lifecycle: 'ended', props: await chatProps(e, guid, ctx) };
}

/** The envelope's `timestamp` (ms since the epoch) as ISO 8601; anything else is no time. */
function isoTime(value: unknown): string | undefined {
  return typeof value === 'number' && value > 0 && value < 8.64e15
    ? new Date(value).toISOString()
    : undefined;
}

/** Chat Gateway `data.channel` (WhatsApp, SMS, WebChat, Facebook, Viber, RCS, Email, ChatAPI) as core's word. */
export function normaliseChatChannel(value: string | undefined): string | undefined {
  const word = value?.trim().toLowerCase();
  // Stryker disable next-line ConditionalExpression: normaliseChannel('') is undefined too
  if (!word) return undefined;
  if (word === 'viber' || word === 'rcs') return 'messaging';
  if (word === 'chatapi') return 'chat';
  return normaliseChannel(word);
}

async function chatProps(e: ChatEvent, guid: string, ctx: Ctx): Promise<Props> {
  const b = e.body;
  const conversation = b.conversationId;
  const queue = conversation ? await ctx.state.get<Queue>(`queue:${conversation}`) : undefined;
  const channel =
    (conversation ? await ctx.state.get<string>(`channel:${conversation}`) : undefined) ?? 'chat';
  const phone = b.data?.user?.phone ?? b.data?.msisdn;
  const user = b.data?.user;
  const { name, phone: _phone, additionalProperties, ...restOfUser } = user ?? {};
  const extra: Props = {};
  // Stryker disable next-line ArrayDeclaration: an entry without a key is skipped
  for (const item of additionalProperties ?? [])
    if (item.key) flattenProps(item.value, `user.${item.key}`, extra);
  const queueName = b.data?.queueName ?? b.queueName ?? queue?.queueName;
  const queueId = b.data?.queueId ?? b.queueId ?? queue?.queueId;
  return {
    [PROP.nativeEvent]: b.eventType,
    [PROP.platform]: PLATFORM,
    [PROP.channel]: channel,
    ...(isoTime(b.timestamp) ? { [PROP.eventTime]: isoTime(b.timestamp) } : {}),
    ...(b.conversationId ? { [PROP.interactionId]: b.conversationId } : {}),
    ...(name ? { [PROP.customerName]: name } : {}),
    ...(phone ? { [PROP.ani]: phone } : {}),
    ...(queueName ? { [PROP.queue]: queueName } : {}),
    ...(queueId ? { [PROP.queueId]: queueId } : {}),
    [PROP.agentPlatformId]: guid,
    ...(b.agentName ? { agentName: b.agentName } : {}),
    ...(b.data?.state ? { conversationState: b.data.state } : {}),
    ...(e.tenantId ? { tenantId: e.tenantId } : {}),
    ...flattenProps(restOfUser, 'user'),
    ...extra,
  };
}

/** A Chat Gateway body names its event in upper snake case (CONVERSATION_UPDATE, WEB_HOOK_VERIFY). */
function looksLikeChat(body: unknown): boolean {
  // Stryker disable next-line OptionalChaining: detectJson catches what the test throws (null body) and claims nothing
  const eventType = (body as { eventType?: unknown } | null)?.eventType;
  return typeof eventType === 'string' && /^[A-Z][A-Z_]+$/.test(eventType);
}

export const chatGateway = defineSource<ChatEvent, C8x8Config, C8x8Services>({
  id: 'chat-gateway',
  // The call's legs are kept in the state store: a request the host cannot store (503) leaves them as they were,
  // so the vendor's retry is mapped again instead of being taken for a second pop.
  stateWrites: 'after-store',
  description: '8x8 Chat Gateway webhook events, signed with a detached JWS',
  platforms: [PLATFORM],
  auth: {
    scheme: 'jws-signature',
    summary: "header x-8x8-signature: detached JWS over the raw body, checked with 8x8's public key",
    credentials: [{ in: 'header', name: 'x-8x8-signature' }],
    signsBody: true,
  },
  detect: detectJson(looksLikeChat),
  // No sign(): only 8x8 holds the private key that signs (the tests sign with a key pair of their own).
  verify: (req, { config, services }) =>
    verifyDetachedJws({
      signature: header(req, 'x-8x8-signature'),
      body: req.rawBody,
      // Stryker disable next-line OptionalChaining: the runtime always has services (setup returns an object)
      key: services?.verificationKey,
      algorithms: config.algorithms,
    }),
  handshake: (req) =>
    (peekJson(req) as { eventType?: unknown } | undefined)?.eventType === 'WEB_HOOK_VERIFY'
      ? {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: '{"status":"verified"}',
        }
      : undefined,
  parse: parseChat,
  eventId: (e) => e.eventId,
  map: (e, ctx) => mapChat(e, ctx),
});
