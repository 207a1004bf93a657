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
    })
    .optional(),
  agentId: text.optional(),
  agentName: z.string().optional(),
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

export async function mapChat(
  e: ChatEvent,
  ctx: { directory: { get(id: string): string | undefined }; state: StateStore },
): Promise<Draft | { ignored: string }> {
  const b = e.body;
  const conversation = b.conversationId;
  switch (b.eventType) {
    case 'QUEUED': {
      const queue: Queue = {
        queueId: b.data?.queueId ?? b.queueId,
        queueName: b.data?.queueName ?? b.queueName,
      };
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
      const agentid = ctx.directory.get(guid);
      if (!agentid)
        return ignore(
          `8x8 agent ${guid} is not in the directory; add "${guid}": "<agent login>" to the 8x8 directory`,
        );
      if (conversation && !(await firstTime(ctx.state, `answered:${conversation}:${guid}`, e.eventId))) {
        return ignore(`${b.eventType}: conversation ${conversation} was already answered by agent ${guid}`);
      }
      const queue = conversation ? await ctx.state.get<Queue>(`queue:${conversation}`) : undefined;
      return { agentid, lifecycle: 'answered', props: chatProps(e, guid, queue) };
    }
    case 'AGENT_LEFT': {
      if (!b.agentId) return ignore('AGENT_LEFT names no agent');
      const agentid = ctx.directory.get(b.agentId);
      if (!agentid)
        return ignore(
          `8x8 agent ${b.agentId} is not in the directory; add "${b.agentId}": "<agent login>" to the 8x8 directory`,
        );
      if (conversation) await ctx.state.delete(`answered:${conversation}:${b.agentId}`);
      return { agentid, lifecycle: 'ended', props: chatProps(e, b.agentId, undefined) };
    }
    default:
      return ignore(
        `Chat Gateway ${b.eventType} is not an event this connector maps (the agent assignment arrives in CONVERSATION_UPDATE)`,
      );
  }
}

function chatProps(e: ChatEvent, guid: string, queue: Queue | undefined): Props {
  const b = e.body;
  const user = b.data?.user;
  const { name, phone, additionalProperties, ...restOfUser } = user ?? {};
  const extra: Props = {};
  for (const item of additionalProperties ?? [])
    if (item.key) flattenProps(item.value, `user.${item.key}`, extra);
  const queueName = b.data?.queueName ?? b.queueName ?? queue?.queueName;
  const queueId = b.data?.queueId ?? b.queueId ?? queue?.queueId;
  return {
    [PROP.nativeEvent]: b.eventType,
    [PROP.platform]: PLATFORM,
    [PROP.channel]: 'chat',
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
  const eventType = (body as { eventType?: unknown } | null)?.eventType;
  return typeof eventType === 'string' && /^[A-Z][A-Z_]+$/.test(eventType);
}

export const chatGateway = defineSource<ChatEvent, C8x8Config, C8x8Services>({
  id: 'chat-gateway',
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
