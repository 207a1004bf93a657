// PureConnect (CIC): ICWS messages forwarded by a relay. A queue subscription sends only the attributes
// that changed, so each interaction's attributes are kept in the state store and merged; a change of
// Eic_State (the one-letter call state) is what drives the lifecycle.
import {
  addVendorProps,
  type Draft,
  defineSource,
  detectJson,
  ignore,
  legProps,
  type Lifecycle,
  lookUp,
  type MapContext,
  parseJson,
  PROP,
  type Props,
  putOwn,
  tokenAuth,
} from '@openconnect/core';
import type { GenesysConfig } from './config.js';
import { type PureConnectRequest, readMessages, USER_STATUS } from './pureconnect-messages.js';
import {
  channelOf,
  conferenceCall,
  consultedOn,
  interactionLeg,
  rememberConferenceCall,
  rememberConsulted,
} from './pureconnect-legs.js';
import { defined, isObject, loginFor, plainNumber } from './vendor-values.js';

export { type PureConnectRequest, readMessages } from './pureconnect-messages.js';
import type { Services } from './users-api.js';

const PLATFORM = 'PureConnect';

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
  /**
   * The last lifecycle sent, per agent: a new owner gets its own pops, the old one its end. Kept as JSON, so
   * a plain object, read and written with lookUp/putOwn: a login may be "toString" or "__proto__".
   */
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
  // A snapshot's gone ids (known, not listed) are deleted below, so for a snapshot this comes to `listed`.
  const now = new Set([...known, ...listed]);
  // Stryker disable next-line ArrayDeclaration: with no interactionsRemoved, deleting a made-up id deletes nothing (no interaction has it)
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
  // Eic_UserName changed (a transfer): the previous owner's part is over. An unchanged name is the same agent.
  const previous = loginFor(ctx.directory, kept.attributes.Eic_UserName);
  const sentPrevious = previous ? lookUp(sent, previous) : undefined;
  if (previous && previous !== agentid && sentPrevious && sentPrevious !== 'ended') {
    drafts.push({
      agentid: previous,
      lifecycle: 'ended',
      props: interactionProps(id, 'Eic_UserName', kept.attributes, previous),
    });
    putOwn(sent, previous, 'ended');
  }
  const conference = attributes.Eic_ConferenceId?.trim();
  if (conference && Object.keys(kept.sent ?? {}).length)
    await rememberConferenceCall(ctx.state, ctx.config.stateTtlMs, conference, id);
  const leg = agentid ? interactionLeg(id, attributes, kept.sent ?? {}, agentid) : undefined;
  if (leg?.leg === 'conference' && leg.parent)
    leg.parent = (await conferenceCall(ctx.state, leg.parent)) ?? leg.parent;
  // Stryker disable next-line OptionalChaining: leg is undefined only without an agentid, where the && has stopped already
  if (agentid && leg?.ownConsult) {
    await ctx.state.set(stateKey(id), { attributes, sent }, ctx.config.stateTtlMs);
    if (drafts.length) return drafts;
    return {
      ignored: `interaction ${id} is the consult call ${agentid} dialed from ${leg.parent}: their own call pops nothing again`,
    };
  }
  let last = agentid ? lookUp(sent, agentid) : undefined;
  // Consulted on this call, then handed it (a consult transfer): popped already, as the consult leg.
  if (
    agentid &&
    !last &&
    (target === 'offered' || target === 'answered') &&
    (await consultedOn(ctx.state, id)).includes(agentid)
  ) {
    putOwn(sent, agentid, target);
    last = target;
  }
  if (target && agentid && target !== last) {
    const lifecycle = target === 'answered' && last === 'held' ? 'resumed' : target;
    const props = interactionProps(id, `Eic_State:${letter}`, attributes, agentid);
    if (leg && (lifecycle === 'offered' || lifecycle === 'answered')) {
      Object.assign(props, legProps(leg.leg, leg.parent));
      if (leg.leg === 'consult' && leg.parent)
        await rememberConsulted(ctx.state, ctx.config.stateTtlMs, leg.parent, agentid);
      if ((leg.leg === 'consult' || leg.leg === 'conference') && leg.parent) {
        // The consult or member call's remote party is the other agent: the customer is the first call's.
        const held = (await ctx.state.get<Kept>(stateKey(leg.parent)))?.attributes;
        if (held?.Eic_RemoteAddress)
          Object.assign(props, customerOf(held), { remoteAddress: props[PROP.ani] });
      }
    }
    drafts.push({ agentid, lifecycle, props });
    putOwn(sent, agentid, target);
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
  const last = lookUp(sent, agentid);
  if (!last || last === 'ended') return { ignored: `interaction ${id} removed; nothing more to send` };
  return {
    agentid,
    lifecycle: 'ended',
    props: interactionProps(id, 'interactionsRemoved', kept.attributes, agentid),
  };
}

/** The customer of a call, from its attributes: caller (or number dialed) and name. */
const customerOf = (a: Record<string, string>): Props =>
  defined({
    [PROP.ani]: a.Eic_RemoteAddress ? plainNumber(a.Eic_RemoteAddress) : undefined,
    [PROP.customerName]: a.Eic_RemoteName,
  });

function interactionProps(
  id: string,
  nativeEvent: string,
  a: Record<string, string>,
  agentid: string,
): Props {
  const direction = a.Eic_CallDirection?.trim().toUpperCase();
  const channel = channelOf(a.Eic_ObjectType);
  // A chat's or an email's remote address is no phone number.
  const numbered = channel !== 'chat' && channel !== 'email';
  const props = defined({
    [PROP.nativeEvent]: nativeEvent,
    [PROP.platform]: PLATFORM,
    [PROP.interactionId]: a.Eic_CallId || id,
    [PROP.ani]: a.Eic_RemoteAddress && numbered ? plainNumber(a.Eic_RemoteAddress) : undefined,
    [PROP.dnis]: a.Eic_LocalAddress && numbered ? plainNumber(a.Eic_LocalAddress) : undefined,
    customerAddress: numbered ? undefined : a.Eic_RemoteAddress,
    [PROP.direction]: direction === 'I' ? 'inbound' : direction === 'O' ? 'outbound' : undefined,
    [PROP.channel]: channel,
    [PROP.queue]: a.Eic_WorkgroupName,
    [PROP.customerName]: a.Eic_RemoteName,
    [PROP.agentPlatformId]: a.Eic_UserName && a.Eic_UserName !== agentid ? a.Eic_UserName : undefined,
  });
  // Every attribute the subscription asked for, custom ones included, under its own name.
  addVendorProps(props, Object.entries(a), 'attr');
  return props;
}
