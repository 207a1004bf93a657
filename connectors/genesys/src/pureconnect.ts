// PureConnect (CIC): ICWS messages forwarded by a relay. A queue subscription sends only the attributes
// that changed, so each interaction's attributes are kept in the state store and merged; a change of
// Eic_State (the one-letter call state) is what drives the lifecycle.
import {
  addVendorProps,
  type Draft,
  defineSource,
  detectJson,
  ignore,
  InputError,
  type Lifecycle,
  type MapContext,
  parseJson,
  parseWith,
  PROP,
  type Props,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import type { GenesysConfig } from './config.js';
import { defined, isObject, loginFor, plainNumber } from './vendor-values.js';
import type { Services } from './users-api.js';

const QUEUE_CONTENTS = 'urn:inin.com:queues:queueContentsMessage';
const USER_STATUS = 'urn:inin.com:status:userStatusMessage';
const PLATFORM = 'PureConnect';

const scalar = z.union([z.string(), z.number().finite(), z.boolean()]).transform(String);
const interactionId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const interaction = z.object({
  interactionId,
  attributes: z.record(z.string(), scalar).nullish(),
});

const queueContents = z.object({
  __type: z.literal(QUEUE_CONTENTS),
  subscriptionId: z.string().nullish(),
  isDelta: z.boolean().nullish(),
  interactionsAdded: z.array(interaction).nullish(),
  interactionsChanged: z.array(interaction).nullish(),
  interactionsRemoved: z.array(interactionId).nullish(),
});

const userStatus = z.object({
  __type: z.literal(USER_STATUS),
  userStatusList: z.array(
    z.object({
      userId: z.string().min(1),
      statusId: z.string().min(1),
      loggedIn: z.boolean().nullish(),
      onPhone: z.boolean().nullish(),
    }),
  ),
});

type Message = z.output<typeof queueContents> | z.output<typeof userStatus> | { __type: string; other: true };

export interface PureConnectRequest {
  messages: Message[];
  headers: Record<string, string>;
}

/**
 * ICWS messages as received (one, or the array a poll answers) → what map reads. Shared by the relay
 * source and the built-in session, so both paths read messages alike.
 */
export function readMessages(body: unknown, headers: Record<string, string>): PureConnectRequest {
  // ICWS answers a poll with an array of messages; a relay may forward it whole or one by one.
  const messages = (Array.isArray(body) ? body : [body]).map(parseMessage);
  if (!messages.length)
    throw new InputError('the body is an empty array; at least one ICWS message was expected');
  return { messages, headers };
}

function parseMessage(value: unknown): Message {
  if (!isObject(value) || typeof value.__type !== 'string') {
    throw new InputError('an ICWS message needs a string __type');
  }
  if (value.__type === QUEUE_CONTENTS) return parseWith(queueContents, value, 'ICWS queueContentsMessage');
  if (value.__type === USER_STATUS) return parseWith(userStatus, value, 'ICWS userStatusMessage');
  return { __type: value.__type, other: true };
}

/** Eic_State letters (Interaction Attributes reference) → lifecycle; the rest pop nothing. */
const STATE_LIFECYCLE: Record<string, Lifecycle> = {
  A: 'offered', // alerting
  O: 'offered', // offering
  C: 'answered', // connected
  H: 'held',
  X: 'held', // suspended: an automatic hold
  P: 'held', // parked
  I: 'ended', // internally disconnected
  E: 'ended', // externally disconnected
};

interface Kept {
  attributes: Record<string, string>;
  /** The last lifecycle sent, per agent: a new owner gets its own pops, the old one its end. */
  sent?: Record<string, Lifecycle>;
}

type Ctx = MapContext<GenesysConfig, Services>;

export const pureconnect = defineSource<PureConnectRequest, GenesysConfig, Services>({
  id: 'pureconnect',
  // Only changes are sent: a retry after the runner could not store must see the state as it was.
  stateWrites: 'after-store',
  description: 'PureConnect ICWS queue and status messages forwarded by a relay',
  platforms: [PLATFORM],
  ...tokenAuth<GenesysConfig>({
    secret: 'pureconnectToken',
    in: [{ bearer: true }],
    setBy: 'set by the relay',
  }),
  detect: detectJson((body) =>
    (Array.isArray(body) ? body : [body]).some(
      (m) => isObject(m) && typeof m.__type === 'string' && m.__type.startsWith('urn:inin.com:'),
    ),
  ),
  parse: (req) => readMessages(parseJson(req), req.headers),
  async map(request, ctx) {
    const relayAgent = request.headers[ctx.config.relayAgentHeader.toLowerCase()];
    const drafts: Draft[] = [];
    const reasons: string[] = [];
    for (const message of request.messages) {
      if ('other' in message) {
        reasons.push(`${message.__type} is not a message this connector maps`);
      } else if (message.__type === USER_STATUS) {
        for (const status of message.userStatusList) {
          const agentid = loginFor(ctx.directory, status.userId);
          if (!agentid) continue;
          drafts.push({
            agentid,
            lifecycle: 'agent_state',
            props: defined({
              [PROP.nativeEvent]: 'userStatusMessage',
              [PROP.platform]: PLATFORM,
              [PROP.agentState]: status.statusId,
              [PROP.agentPlatformId]: status.userId === agentid ? undefined : status.userId,
              loggedIn: status.loggedIn,
              onPhone: status.onPhone,
            }),
          });
        }
      } else {
        const listed = [...(message.interactionsAdded ?? []), ...(message.interactionsChanged ?? [])];
        for (const item of listed) {
          const result = await interactionChanged(item.interactionId, item.attributes ?? {}, relayAgent, ctx);
          if ('ignored' in result) reasons.push(result.ignored);
          else drafts.push(...result);
        }
        const removed = [
          ...(message.interactionsRemoved ?? []),
          ...(await leftWhileAway(
            message,
            listed.map((i) => i.interactionId),
            relayAgent,
            ctx,
          )),
        ];
        for (const id of removed) {
          const result = await interactionRemoved(id, relayAgent, ctx);
          if ('ignored' in result) reasons.push(result.ignored);
          else drafts.push(result);
        }
      }
    }
    return drafts.length ? drafts : ignore(reasons.join('; ') || 'the message lists no interactions');
  },
});

const stateKey = (id: string) => `pureconnect:${id}`;
const queueKey = (subscription: string) => `pureconnect:queue:${subscription}`;

/**
 * The interactions of one queue subscription, kept so a full snapshot (isDelta false: what ICWS sends a new
 * subscription, e.g. after a re-login) can end those that left the queue while nobody watched: an answer or
 * a hang-up between two sessions still ends the call, once. Returns the ids that left.
 */
async function leftWhileAway(
  message: {
    subscriptionId?: string | null;
    isDelta?: boolean | null;
    interactionsRemoved?: string[] | null;
  },
  listed: string[],
  relayAgent: string | undefined,
  ctx: Ctx,
): Promise<string[]> {
  const subscription = message.subscriptionId ?? relayAgent;
  if (!subscription) return [];
  const key = queueKey(subscription);
  const known = new Set((await ctx.state.get<string[]>(key)) ?? []);
  const gone = message.isDelta === false ? [...known].filter((id) => !listed.includes(id)) : [];
  const now = message.isDelta === false ? new Set(listed) : new Set([...known, ...listed]);
  for (const id of [...(message.interactionsRemoved ?? []), ...gone]) now.delete(id);
  await ctx.state.set(key, [...now], ctx.config.stateTtlMs);
  return gone;
}

/**
 * Eic_State as its letter: some CIC versions send a number (pureconnectStateNumbers; a character code
 * from 65 to 90 otherwise), kept and sent as the letter so both forms pop alike. Other values unchanged.
 */
export function stateLetter(value: string, numbers: Record<string, string>): string {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return trimmed.toUpperCase();
  const known = numbers[String(Number(trimmed))];
  if (known) return known.toUpperCase();
  const code = Number(trimmed);
  return code >= 65 && code <= 90 ? String.fromCharCode(code) : trimmed;
}

async function interactionChanged(
  id: string,
  delta: Record<string, string>,
  relayAgent: string | undefined,
  ctx: Ctx,
): Promise<Draft[] | { ignored: string }> {
  const kept = (await ctx.state.get<Kept>(stateKey(id))) ?? { attributes: {} };
  const sent = { ...kept.sent };
  const changes =
    delta.Eic_State === undefined
      ? delta
      : { ...delta, Eic_State: stateLetter(delta.Eic_State, ctx.config.pureconnectStateNumbers) };
  const attributes = { ...kept.attributes, ...changes };
  // The current state, not just this delta's: an agent named after the state change still gets the pop.
  const letter = attributes.Eic_State?.trim().toUpperCase();
  const target = letter ? STATE_LIFECYCLE[letter] : undefined;
  const agentid = loginFor(ctx.directory, attributes.Eic_UserName || relayAgent);
  const drafts: Draft[] = [];
  // Eic_UserName changed (a transfer): the previous owner's part is over.
  const before = kept.attributes.Eic_UserName;
  if (before && 'Eic_UserName' in changes && changes.Eic_UserName !== before) {
    const previous = loginFor(ctx.directory, before);
    if (previous && previous !== agentid && sent[previous] && sent[previous] !== 'ended') {
      drafts.push({
        agentid: previous,
        lifecycle: 'ended',
        props: interactionProps(id, 'Eic_UserName', kept.attributes, previous),
      });
      sent[previous] = 'ended';
    }
  }
  const last = agentid ? sent[agentid] : undefined;
  if (target && agentid && target !== last) {
    const lifecycle = target === 'answered' && last === 'held' ? 'resumed' : target;
    drafts.push({
      agentid,
      lifecycle,
      props: interactionProps(id, `Eic_State:${letter}`, attributes, agentid),
    });
    sent[agentid] = target;
  }
  await ctx.state.set(stateKey(id), { attributes, sent }, ctx.config.stateTtlMs);
  if (drafts.length) return drafts;
  if (!letter)
    return { ignored: `interaction ${id}: no Eic_State yet (add it to the subscription's attributeNames)` };
  if (!target)
    return {
      ignored: /^\d+$/.test(letter)
        ? `interaction ${id}: Eic_State ${letter} is a number pureconnectStateNumbers does not name`
        : `interaction ${id}: Eic_State ${letter} pops nothing`,
    };
  if (!agentid)
    return {
      ignored: `interaction ${id}: no agent yet (no Eic_UserName, no ${ctx.config.relayAgentHeader} header)`,
    };
  return { ignored: `interaction ${id}: still ${target}` };
}

// Removal from a queue follows a disconnect (or a transfer away): it ends the call unless that was sent.
// A relay that names the agent watches that agent's queue only, so the removal ends that agent's part
// and the interaction stays known for the others; without one, the interaction left every watched queue.
async function interactionRemoved(
  id: string,
  relayAgent: string | undefined,
  ctx: Ctx,
): Promise<Draft | { ignored: string }> {
  const kept = await ctx.state.get<Kept>(stateKey(id));
  if (!kept) return { ignored: `interaction ${id} removed; nothing more to send` };
  const sent = { ...kept.sent };
  const named = loginFor(ctx.directory, relayAgent);
  const agentid = named ?? loginFor(ctx.directory, kept.attributes.Eic_UserName);
  if (named) {
    await ctx.state.set(
      stateKey(id),
      { ...kept, sent: { ...sent, [named]: 'ended' } },
      ctx.config.stateTtlMs,
    );
  } else {
    await ctx.state.delete(stateKey(id));
  }
  if (!agentid) return { ignored: `interaction ${id} removed; no agent known` };
  if (!sent[agentid] || sent[agentid] === 'ended')
    return { ignored: `interaction ${id} removed; nothing more to send` };
  return {
    agentid,
    lifecycle: 'ended',
    props: interactionProps(id, 'interactionsRemoved', kept.attributes, agentid),
  };
}

function channelOf(objectType: string | undefined): string | undefined {
  const word = objectType?.toLowerCase();
  if (!word) return undefined;
  if (word.includes('call')) return 'voice';
  if (word.includes('chat')) return 'chat';
  if (word.includes('mail')) return 'email';
  return word;
}

function interactionProps(
  id: string,
  nativeEvent: string,
  a: Record<string, string>,
  agentid: string,
): Props {
  const direction = a.Eic_CallDirection?.trim().toUpperCase();
  const props = defined({
    [PROP.nativeEvent]: nativeEvent,
    [PROP.platform]: PLATFORM,
    [PROP.interactionId]: a.Eic_CallId || id,
    [PROP.ani]: a.Eic_RemoteAddress ? plainNumber(a.Eic_RemoteAddress) : undefined,
    [PROP.dnis]: a.Eic_LocalAddress ? plainNumber(a.Eic_LocalAddress) : undefined,
    [PROP.direction]: direction === 'I' ? 'inbound' : direction === 'O' ? 'outbound' : undefined,
    [PROP.channel]: channelOf(a.Eic_ObjectType),
    [PROP.queue]: a.Eic_WorkgroupName,
    [PROP.customerName]: a.Eic_RemoteName,
    [PROP.agentPlatformId]: a.Eic_UserName && a.Eic_UserName !== agentid ? a.Eic_UserName : undefined,
  });
  // Every attribute the subscription asked for, custom ones included, under its own name.
  addVendorProps(props, Object.entries(a), 'attr');
  return props;
}
