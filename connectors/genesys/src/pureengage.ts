// PureEngage (Engage): Workspace API voice messages (CometD channel /workspace/v3/voice) forwarded by
// a relay. A CallStateChanged message does not name the agent, so the relay must: in a header
// (relayAgentHeader, default x-genesys-agent) or by wrapping the message as { agent, message }.
import {
  addVendorProps,
  defineSource,
  detectJson,
  ignore,
  InputError,
  type Leg,
  legProps,
  lookUp,
  type Lifecycle,
  parseJson,
  parseWith,
  PROP,
  type Props,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import type { GenesysConfig } from './config.js';
import {
  agentCallKey,
  customerOf,
  engageLeg,
  keepCustomer,
  noteDialing,
  noteSent,
} from './pureengage-legs.js';
import { defined, isObject, loginFor, plainNumber } from './vendor-values.js';
import type { Services } from './users-api.js';

const PLATFORM = 'PureEngage';
const optionalText = z.string().nullish();

interface KvPair {
  key: string;
  type?: string | null | undefined;
  value?: unknown;
}
const kvPair: z.ZodType<KvPair> = z.object({ key: z.string(), type: optionalText, value: z.unknown() });

const call = z.object({
  id: z.string().min(1, 'call.id (the connId) is required'),
  callUuid: optionalText,
  state: z.string().min(1, 'call.state is required'),
  callType: optionalText,
  ani: optionalText,
  dnis: optionalText,
  /** The other party's number (the number dialed, on an outbound call). */
  phoneNumber: optionalText,
  parentConnId: optionalText,
  previousConnId: optionalText,
  participants: z.array(z.object({ number: optionalText, role: optionalText })).nullish(),
  userData: z.array(kvPair).nullish(),
});

const callStateChanged = z.object({
  messageType: z.literal('CallStateChanged'),
  notificationType: optionalText,
  call,
});

const dnStateChanged = z.object({
  messageType: z.literal('DnStateChanged'),
  dn: z.object({
    number: optionalText,
    agentId: optionalText,
    agentState: optionalText,
    agentWorkMode: optionalText,
    forwardTo: optionalText,
    dnd: optionalText,
  }),
});

type Message =
  | z.output<typeof callStateChanged>
  | z.output<typeof dnStateChanged>
  | { messageType: string; other: true };

export interface PureEngageRequest {
  message: Message;
  /** The agent named by a wrapper, else by the relay header (resolved in map, which knows the header name). */
  wrapperAgent?: string;
  headers: Record<string, string>;
}

/** Unwraps { agent | agentid, message } and the CometD envelope { channel, data } down to { messageType, ... }. */
function unwrap(body: unknown): { data: Record<string, unknown>; agent?: string } {
  let value = body;
  let agent: string | undefined;
  if (isObject(value) && 'message' in value && !('messageType' in value)) {
    // The relay's own wrapper: `agent`, or OpenConnect's own name `agentid`.
    for (const field of ['agent', 'agentid'] as const) {
      const named = value[field];
      if (named !== undefined && named !== null && typeof named !== 'string') {
        throw new InputError(`the wrapper field "${field}" must be a string`);
      }
      agent ??= typeof named === 'string' && named.trim() ? named : undefined;
    }
    value = value.message;
  }
  if (isObject(value) && isObject(value.data) && !('messageType' in value)) value = value.data;
  if (!isObject(value) || typeof value.messageType !== 'string') {
    throw new InputError('the body is not a Workspace API message (data.messageType is missing)');
  }
  return { data: value, ...(agent ? { agent } : {}) };
}

function parseMessage(data: Record<string, unknown>): Message {
  if (data.messageType === 'CallStateChanged')
    return parseWith(callStateChanged, data, 'CallStateChanged message');
  if (data.messageType === 'DnStateChanged') return parseWith(dnStateChanged, data, 'DnStateChanged message');
  // Stryker disable next-line BooleanLiteral: map tests `'other' in message`, never its value
  return { messageType: String(data.messageType), other: true };
}

/** A relay body or a held session's frame ({ agent, message }) → the event both paths map. */
export function readPureEngage(body: unknown, headers: Record<string, string> = {}): PureEngageRequest {
  const { data, agent } = unwrap(body);
  return { message: parseMessage(data), ...(agent ? { wrapperAgent: agent } : {}), headers };
}

const CALL_LIFECYCLE: Record<string, Lifecycle> = {
  Ringing: 'offered',
  Established: 'answered',
  Held: 'held',
  Released: 'ended',
  Completed: 'completed',
};
// These notifications repeat the call as it is; only StateChange (or a recovered call) changes state.
const STATE_NOTIFICATIONS = new Set(['StateChange', 'CallRecovered']);

export const pureengage = defineSource<PureEngageRequest, GenesysConfig, Services>({
  id: 'pureengage',
  // Only changes are sent: a retry after the runner could not store must see the state as it was.
  stateWrites: 'after-store',
  description: 'PureEngage Workspace API CallStateChanged and DnStateChanged messages forwarded by a relay',
  platforms: [PLATFORM],
  ...tokenAuth<GenesysConfig>({
    secret: 'pureengageToken',
    in: [{ bearer: true }],
    setBy: 'set by the relay',
  }),
  // unwrap throws on a body that is no Workspace message: detectJson counts that as not ours.
  detect: detectJson((body) =>
    ['CallStateChanged', 'DnStateChanged', 'EventError'].includes(String(unwrap(body).data.messageType)),
  ),
  parse: (req) => readPureEngage(parseJson(req), req.headers),
  async map(request, ctx) {
    const { message } = request;
    const named = request.wrapperAgent ?? request.headers[ctx.config.relayAgentHeader.toLowerCase()];
    if ('other' in message) return ignore(`${message.messageType} is not a message this connector maps`);

    if (message.messageType === 'DnStateChanged') {
      const dn = message.dn;
      const agentid = loginFor(ctx.directory, named ?? dn.agentId ?? undefined);
      if (!agentid) return ignore('DnStateChanged names no agent (no dn.agentId and the relay named none)');
      // DnStateChanged also comes for changes that leave the agent's state alone (forwarding, DND...).
      const key = `pureengage:dn:${agentid}`;
      const stateNow = `${dn.agentState ?? ''}|${dn.agentWorkMode ?? ''}`;
      if ((await ctx.state.get<string>(key)) === stateNow) {
        return ignore(`agent ${agentid} is still ${dn.agentState || 'in the same state'}`);
      }
      await ctx.state.set(key, stateNow, ctx.config.stateTtlMs);
      return {
        agentid,
        lifecycle: 'agent_state',
        props: defined({
          [PROP.nativeEvent]: `DnStateChanged:${dn.agentState ?? ''}`,
          [PROP.platform]: PLATFORM,
          [PROP.agentState]: dn.agentState,
          [PROP.agentPlatformId]: dn.agentId && dn.agentId !== agentid ? dn.agentId : undefined,
          agentWorkMode: dn.agentWorkMode,
          dn: dn.number,
          dnd: dn.dnd,
        }),
      };
    }

    const c = message.call;
    const notification = message.notificationType ?? 'StateChange';
    if (!STATE_NOTIFICATIONS.has(notification))
      return ignore(`CallStateChanged/${notification} changes no call state`);
    const agentid = loginFor(ctx.directory, named);
    // A consult the agent dials shows Dialing on their side only: noted (every dialed call; engageLeg reads
    // the mark for consult calls only), so it pops nothing for them.
    if (agentid && c.state === 'Dialing') await noteDialing(ctx.state, ctx.config.stateTtlMs, agentid, c);
    const target = lookUp(CALL_LIFECYCLE, c.state);
    if (!target) return ignore(`call state ${c.state} pops nothing`);
    if (!agentid) {
      return ignore(
        `CallStateChanged names no agent: the relay must send the ${ctx.config.relayAgentHeader} header or wrap it as { agent, message }`,
      );
    }
    const key = agentCallKey(agentid, c.id);
    const previous = await ctx.state.get<Lifecycle>(key);
    if (previous === target) return ignore(`call ${c.id} is still ${c.state}`);
    const legKey = `pureengage:leg:${agentid}:${c.id}`;
    let leg = await ctx.state.get<{ leg: Leg; parent?: string }>(legKey);
    if (!previous) {
      const found = await engageLeg(ctx.state, agentid, c);
      if (found.kind === 'own-consult')
        return ignore(
          `call ${c.id} is the consult call ${agentid} dialed${found.parent ? ` from call ${found.parent}` : ''}: their own call pops nothing again`,
        );
      if (found.kind === 'continues' && (target === 'offered' || target === 'answered')) {
        await ctx.state.set(key, target, ctx.config.stateTtlMs);
        await noteSent(ctx.state, ctx.config.stateTtlMs, agentid, c.id, target);
        return ignore(
          `call ${c.id} continues call ${found.previous} (previousConnId), already popped to ${agentid}`,
        );
      }
      if (found.kind === 'leg') {
        leg = { leg: found.leg, ...(found.parent ? { parent: found.parent } : {}) };
        await ctx.state.set(legKey, leg, ctx.config.stateTtlMs);
      }
    }
    await ctx.state.set(key, target, ctx.config.stateTtlMs);
    await noteSent(ctx.state, ctx.config.stateTtlMs, agentid, c.id, target);
    const lifecycle: Lifecycle = target === 'answered' && previous === 'held' ? 'resumed' : target;
    const props = callProps(message, named !== agentid ? named : undefined);
    if (lifecycle === 'offered' || lifecycle === 'answered') {
      Object.assign(props, legProps(leg?.leg ?? 'primary', leg?.parent));
      // A consult call's other party is the consulting agent's DN: the customer is the parent call's.
      const customer =
        leg?.leg === 'consult' && leg.parent ? await customerOf(ctx.state, leg.parent) : undefined;
      if (customer) Object.assign(props, { [PROP.ani]: customer, remoteAddress: props[PROP.ani] });
      else if (leg?.leg !== 'consult')
        await keepCustomer(ctx.state, ctx.config.stateTtlMs, c.id, props[PROP.ani]);
    }
    return { agentid, lifecycle, props };
  },
});

function callProps(message: z.output<typeof callStateChanged>, platformAgent: string | undefined): Props {
  const c = message.call;
  // Outbound, the customer is the number dialed (phoneNumber, dnis, the destination party); ani is ours.
  const outbound = c.callType === 'Outbound';
  const dialed =
    c.phoneNumber ?? c.dnis ?? c.participants?.find((p) => p.role === 'RoleDestination')?.number ?? undefined;
  const ani = outbound ? dialed : c.ani;
  const dnis = outbound ? c.ani : c.dnis;
  const props = defined({
    [PROP.nativeEvent]: `CallStateChanged:${c.state}`,
    [PROP.platform]: PLATFORM,
    [PROP.interactionId]: c.id,
    [PROP.ani]: ani ? plainNumber(ani) : undefined,
    [PROP.dnis]: dnis ? plainNumber(dnis) : undefined,
    [PROP.direction]:
      c.callType === 'Inbound' ? 'inbound' : c.callType === 'Outbound' ? 'outbound' : undefined,
    [PROP.channel]: 'voice',
    [PROP.agentPlatformId]: platformAgent,
    callUuid: c.callUuid,
    callType: c.callType,
    parentConnId: c.parentConnId,
    previousConnId: c.previousConnId,
    notificationType: message.notificationType,
  });
  // Stryker disable next-line ArrayDeclaration: flattenUserData skips an entry that is no key/value pair, so [] and any other filler give nothing
  addVendorProps(props, flattenUserData(c.userData ?? []), 'userData');
  return props;
}

/** userData [{key, type: str|int|kvlist, value}] → [name, value]; nested kvlists as `key.subkey`. */
export function flattenUserData(
  pairs: readonly KvPair[],
  prefix = '',
  depth = 0,
): [string, string | number | boolean][] {
  const out: [string, string | number | boolean][] = [];
  for (const pair of pairs) {
    const name = prefix ? `${prefix}.${pair.key}` : pair.key;
    const value = pair.value;
    if (Array.isArray(value)) {
      if (depth >= 4) continue; // attached data is shallow; deeper lists are not worth a prop each
      const nested = value.filter((v): v is KvPair => isObject(v) && typeof v.key === 'string');
      out.push(...flattenUserData(nested, name, depth + 1));
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      out.push([name, value]);
    } else if (Number.isFinite(value)) {
      out.push([name, value as number]); // Number.isFinite does not coerce: true only for a finite number
    }
  }
  return out;
}
