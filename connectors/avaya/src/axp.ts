// Avaya Experience Platform notification webhooks (family AGENT_ENGAGEMENT, transport WEBHOOK).
// The subscription API is documented; the per-event JSON is not published in machine-readable form, so
// fields are searched by several likely names at any depth and everything else travels as `axp.*` props.
import {
  type Draft,
  defineSource,
  detectJson,
  flattenProps,
  type Ignored,
  type InboundRequest,
  ignore,
  isIgnored,
  type Leg,
  type MapContext,
  type MapResult,
  lookUp,
  normaliseChannel,
  normaliseDirection,
  PROP,
  type Props,
  parseJson,
  parseWith,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import { AXP_LIFECYCLE } from './axp-events.js';
import { legOf, placeAgent } from './axp-legs.js';
import { AXP_AUTH_TOKEN_HEADER, type AvayaConfig } from './config.js';
import { findLeaf, type Leaf, leaves, pathKey } from './json-leaves.js';

export const PLATFORM = 'Avaya Experience Platform';

// Candidate field names, most specific first. None of them is confirmed for webhook bodies.
const NAMES = {
  type: ['eventType', 'eventName', 'notificationType', 'type', 'event', 'name'],
  eventId: ['eventId', 'notificationId', 'messageId', 'id'],
  engagement: [
    'engagementId',
    'engagement.id',
    'engagement.engagementId',
    'interactionId',
    'dialogId',
    'workRequestId',
  ],
  agent: ['agentId', 'agent.id', 'agent.agentId', 'agentLoginId', 'loginId', 'agentHandle', 'agent.handle'],
  ani: [
    'ani',
    'callingNumber',
    'callingAddress',
    'customerAddress',
    'originatingAddress',
    'fromAddress',
    'customer.address',
    'customer.phoneNumber',
    'customerIdentifier',
    'from',
  ],
  dnis: [
    'dnis',
    'dialledNumber',
    'dialedNumber',
    'calledNumber',
    'calledAddress',
    'destinationAddress',
    'to',
  ],
  // Outbound, the customer is the number dialed and the contact center the caller.
  customer: ['customerAddress', 'customer.address', 'customer.phoneNumber', 'customerIdentifier'],
  caller: ['callingNumber', 'callingAddress', 'originatingAddress', 'fromAddress', 'from', 'ani'],
  // Why a participant joins: a value naming a transfer, consult or conference marks the leg (belief).
  leg: [
    'participantReason',
    'inviteReason',
    'joinReason',
    'addReason',
    'reason',
    'participantRole',
    'role',
    'leg',
  ],
  parent: ['parentEngagementId', 'originalEngagementId', 'initialEngagementId', 'relatedEngagementId'],
  time: ['eventTime', 'eventTimestamp', 'timestamp', 'occurredAt', 'time'],
  previousState: ['previousState', 'previousAgentState', 'previousStatus', 'oldState', 'fromState'],
  queue: ['queueName', 'queue.name', 'queue', 'routingPointName', 'serviceName', 'skillName'],
  queueId: ['queueId', 'queue.id', 'queue.queueId'],
  channel: ['channel', 'channelType', 'channelId', 'mediaType'],
  direction: ['direction', 'engagementDirection'],
  customerName: ['customerName', 'customer.name', 'customer.displayName'],
} as const;
const CONTEXT_KEYS = ['contextparameters', 'engagementparameters', 'context', 'customdata', 'userdata'];

// Event names are PascalCase words (AgentReady); this keeps enum values such as AGENT or VOICE out.
// Stryker disable next-line Regex: `[a-z]+` and `[a-z]` accept the same words, `[A-Za-z0-9]*` takes the rest (the anchors are tested)
const PASCAL = (text: string) => /^[A-Z][a-z]+[A-Za-z0-9]*$/.test(text);

/** One AXP event, its fields found and the rest flattened. */
export interface AxpEvent {
  type?: string;
  eventId?: string;
  engagementId?: string;
  agentId?: string;
  /** The leg a participant joins on, when the event says why it joins. */
  leg?: Leg;
  /** The engagement a transfer or consult leg belongs to, when the event names another one. */
  parentId?: string;
  props: Props;
}

const object = z.record(z.string(), z.unknown());
const batch = z.array(object).min(1, 'an event batch must not be empty');
const body = z.union([batch, object]);

/** A webhook body is one event, an array of events or `{events: [...]}` (which one AXP sends is unconfirmed). */
export function parseAxp(req: InboundRequest): AxpEvent[] {
  const parsed = parseWith(body, parseJson(req), 'AXP notification');
  // `{events: [...]}` is checked as the batch it is: `{events: []}` is refused like `[]`, not read as one event.
  const list = Array.isArray(parsed)
    ? parsed
    : Array.isArray(parsed.events)
      ? parseWith(batch, parsed.events, 'AXP notification')
      : [parsed];
  return list.map(readEvent);
}

function readEvent(raw: Record<string, unknown>): AxpEvent {
  const all = leaves(raw);
  const used = new Set<string>();
  const take = (names: readonly string[], options?: Parameters<typeof findLeaf>[2]): string | undefined => {
    const leaf = findLeaf(all, names, options);
    if (!leaf) return undefined;
    used.add(pathKey(leaf.path));
    return String(leaf.value);
  };
  const type = take(NAMES.type, { maxDepth: 2, accept: PASCAL });
  const eventId = take(NAMES.eventId, { maxDepth: 1 });
  const engagementId = take(NAMES.engagement);
  const agentId = take(NAMES.agent);
  const canonical: Props = {};
  const set = (prop: string, value: string | undefined) => {
    if (value !== undefined) canonical[prop] = value;
  };
  const direction = take(NAMES.direction);
  const outbound = normaliseDirection(direction) === 'outbound';
  set(PROP.direction, normaliseDirection(direction) ?? direction);
  if (outbound) {
    set(PROP.ani, take(NAMES.customer) ?? take(NAMES.dnis));
    set(PROP.dnis, take(NAMES.caller));
  } else {
    set(PROP.ani, take(NAMES.ani));
    set(PROP.dnis, take(NAMES.dnis));
  }
  set(PROP.queue, take(NAMES.queue));
  set(PROP.queueId, take(NAMES.queueId));
  set(PROP.channel, normaliseChannel(take(NAMES.channel)));
  const legWord = take(NAMES.leg, { accept: (text) => legOf(text) !== undefined });
  const parentId = take(NAMES.parent);
  set(PROP.eventTime, take(NAMES.time, { maxDepth: 2 }));
  set(PROP.previousAgentState, take(NAMES.previousState));
  set(PROP.customerName, take(NAMES.customerName));
  const context = contextProps(all, used);
  const rest: Props = {};
  for (const leaf of all) if (!used.has(pathKey(leaf.path))) rest[`axp.${pathKey(leaf.path)}`] = leaf.value;
  return {
    ...(type ? { type } : {}),
    ...(eventId ? { eventId } : {}),
    ...(engagementId ? { engagementId } : {}),
    ...(agentId ? { agentId } : {}),
    ...(legWord ? { leg: legOf(legWord)! } : {}),
    ...(parentId ? { parentId } : {}),
    props: { ...canonical, ...context, ...rest },
  };
}

/** Context parameters become `ctx.<name>`, from a `{name: value}` object or a `[{name|key, value}]` list. */
function contextProps(all: Leaf[], used: Set<string>): Props {
  const out: Props = {};
  const at = all.find((leaf) => leaf.path.slice(0, -1).some((s) => CONTEXT_KEYS.includes(s.toLowerCase())));
  if (!at) return out;
  const depth = at.path.findIndex((s) => CONTEXT_KEYS.includes(s.toLowerCase()));
  const root = pathKey(at.path.slice(0, depth + 1));
  const inside = all.filter((leaf) => pathKey(leaf.path.slice(0, depth + 1)) === root);
  const byItem = new Map<string, Leaf[]>();
  for (const leaf of inside) {
    const item = leaf.path.slice(depth + 1);
    // Every leaf inside lies below the context key, so item[0] is there.
    if (/^\d+$/.test(item[0]!) && item.length === 2) {
      byItem.set(item[0]!, [...(byItem.get(item[0]!) ?? []), leaf]);
    }
  }
  for (const leaf of inside) {
    const item = leaf.path.slice(depth + 1);
    const pair = byItem.get(item[0]!);
    const name = pair?.find((l) => ['name', 'key'].includes(l.path.at(-1)!.toLowerCase()))?.value;
    const value = pair?.find((l) => l.path.at(-1)!.toLowerCase() === 'value')?.value;
    if (name !== undefined && value !== undefined) {
      out[`ctx.${name}`] = value;
    } else {
      Object.assign(out, flattenProps(leaf.value, `ctx.${item.join('.')}`));
    }
    used.add(pathKey(leaf.path));
  }
  return out;
}

const POPS = new Set(['offered', 'answered']);

export async function mapAxp(
  events: AxpEvent[],
  {
    directory,
    state,
    config,
  }: Pick<MapContext<Pick<AvayaConfig, 'axpUnmarkedLeg'>>, 'directory' | 'state' | 'config'>,
): Promise<MapResult> {
  const drafts: Draft[] = [];
  const reasons: string[] = [];
  for (const event of events) {
    const result = await mapOne(event, directory, state, config.axpUnmarkedLeg);
    if ('ignored' in result) reasons.push(result.ignored);
    else drafts.push(result);
  }
  return drafts.length ? drafts : ignore(reasons.join('; '));
}

async function mapOne(
  event: AxpEvent,
  directory: MapContext['directory'],
  state: MapContext['state'],
  unmarked: AvayaConfig['axpUnmarkedLeg'],
): Promise<Draft | Ignored> {
  if (!event.type) return ignore(`no AXP event name found (looked for ${NAMES.type.join(', ')})`);
  const mapped = lookUp(AXP_LIFECYCLE, event.type);
  // An agent removed because they transferred the engagement passed it on: transferred, not ended.
  const lifecycle = mapped === 'ended' && event.leg === 'transfer' ? 'transferred' : mapped;
  if (!lifecycle) {
    return ignore(
      `AXP event ${event.type} is not one this connector maps (engagement events without an agent, such as InboundEngagementCreated, carry nothing to pop)`,
    );
  }
  if (!event.agentId)
    return ignore(`AXP event ${event.type} names no agent (looked for ${NAMES.agent.join(', ')})`);
  const login = directory.get(event.agentId);
  const agentid = login ?? event.agentId;
  let leg: Props = {};
  if (POPS.has(lifecycle)) {
    const placed = await placeAgent(event, agentid, lifecycle, state, unmarked);
    if (isIgnored(placed)) return placed;
    leg = placed;
  } else if (event.parentId) leg = { [PROP.parentInteractionId]: event.parentId };
  return {
    agentid,
    lifecycle,
    props: {
      [PROP.nativeEvent]: event.type,
      [PROP.platform]: PLATFORM,
      ...(event.engagementId ? { [PROP.interactionId]: event.engagementId } : {}),
      ...leg,
      // Stryker disable next-line Regex: every agent_state event name starts with Agent, so unanchored it is the same
      ...(lifecycle === 'agent_state' ? { [PROP.agentState]: event.type.replace(/^Agent/, '') } : {}),
      ...(login ? { [PROP.agentPlatformId]: event.agentId } : {}),
      ...event.props,
    },
  };
}

/** An AXP body: JSON whose event (or first event) is named in PascalCase without the CSTA "Event" suffix. */
export const looksLikeAxp = detectJson((value) => {
  const first = Array.isArray(value)
    ? value[0]
    : // Stryker disable next-line OptionalChaining: detectJson takes a throw for a null body as "not this source", as false is
      ((value as { events?: unknown[] } | null)?.events?.[0] ?? value);
  // A text or number has no leaf to name an event (leaves() of it finds none); a list in a list is no event.
  if (Array.isArray(first)) return false;
  const type = findLeaf(leaves(first), NAMES.type, { maxDepth: 2, accept: PASCAL });
  return !!type && !String(type.value).endsWith('Event');
});

export const axp = defineSource<AxpEvent[], AvayaConfig>({
  id: 'axp',
  description: 'Avaya Experience Platform AGENT_ENGAGEMENT notifications (webhook transport)',
  platforms: [PLATFORM],
  ...tokenAuth<AvayaConfig>({
    scheme: 'api-key',
    secret: 'authToken',
    in: [{ header: { option: 'authTokenHeader', default: AXP_AUTH_TOKEN_HEADER } }],
    setBy: "set as the subscription's transport.authToken (AXP sends it verbatim)",
    refusals: { missing: (config) => `the credential (header ${config.authTokenHeader}) is missing` },
  }),
  detect: looksLikeAxp,
  parse: parseAxp,
  // A retried batch carries the same ids, so their join identifies it; one id missing and there is none.
  eventId: (events) => (events.every((e) => e.eventId) ? events.map((e) => e.eventId).join('+') : undefined),
  // Legs and pops are read from earlier events: state follows the outbox, so a retried batch finds it as it was.
  stateWrites: 'after-store',
  map: (events, ctx) => mapAxp(events, ctx),
});
