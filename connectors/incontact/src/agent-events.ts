// Agent API events (get-next-event) forwarded by a relay that polls one agent session and POSTs what it
// receives, naming the session's agent. CallContactEvent has no agent field: the session owner is it.
import {
  type Draft,
  defineSource,
  header,
  ignore,
  type InboundRequest,
  InputError,
  normaliseDirection,
  parseJson,
  parseWith,
  peekJson,
  type Props,
  PROP,
} from '@openconnect/core';
import { z } from 'zod';
import type { InContactConfig } from './index.js';
import { batchKey, rememberBatch, replayOf } from './replay.js';
import { flatten, resolveAgent, skillProps, tokenAuth, verifyBearerOrHeader } from './shared.js';
import { type ContactMemory, FRESH, step } from './transitions.js';

export const AGENT_USERNAME_HEADER = 'x-incontact-agent-username';
export const AGENT_ID_HEADER = 'x-incontact-agent-id';

export interface AgentEventBatch {
  agentUserName?: string;
  agentId?: string;
  sessionId?: string;
  /** Each event flattened to strings (Type always present). */
  events: Record<string, string>[];
  /** The batch's content id when it holds call events: its event id, and the key of its replay record. */
  batchKey?: string;
}

const scalar = z.union([z.string(), z.number()]).transform(String);
const batch = z.object({
  agentUserName: z.string().optional(),
  agentId: scalar.optional(),
  sessionId: scalar.optional(),
  events: z.array(z.record(z.string(), z.unknown())),
});
const single = z.record(z.string(), z.unknown());

function readBatch(req: InboundRequest): AgentEventBatch {
  const value = parseJson(req);
  const isSingle = !!value && typeof value === 'object' && !Array.isArray(value) && 'Type' in value;
  const parsed = isSingle
    ? { events: [parseWith(single, value, 'Agent API event')] }
    : parseWith(batch, value, 'Agent API event batch');
  const events = parsed.events.map((event, index) => {
    const flat = flatten(event);
    if (!flat.Type) throw new InputError(`events.${index} has no Type`, `events.${index}.Type`);
    if (flat.Type === 'CallContactEvent' && (!flat.ContactID || !flat.Status)) {
      throw new InputError(
        `events.${index}: a CallContactEvent needs ContactID and Status`,
        `events.${index}`,
      );
    }
    return flat;
  });
  const fromBody = parsed as Partial<AgentEventBatch>;
  const userName = fromBody.agentUserName || header(req, AGENT_USERNAME_HEADER) || undefined;
  const agentId = fromBody.agentId || header(req, AGENT_ID_HEADER) || undefined;
  const read: AgentEventBatch = {
    ...(userName ? { agentUserName: userName } : {}),
    ...(agentId ? { agentId } : {}),
    ...(fromBody.sessionId ? { sessionId: fromBody.sessionId } : {}),
    events,
  };
  return events.some((e) => e.Type === 'CallContactEvent') ? { ...read, batchKey: batchKey(read) } : read;
}

const truthy = (value: string | undefined) => value?.toLowerCase() === 'true';

export const agentEvents = defineSource<AgentEventBatch, InContactConfig>({
  id: 'agent-events',
  description: 'Agent API session events (CallContactEvent, AgentStateChange...) forwarded by a relay',
  auth: tokenAuth('set on the relay'),
  detect(req) {
    const value = peekJson(req) as Record<string, unknown> | undefined;
    return (
      !!value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      (Array.isArray(value.events) || typeof value.Type === 'string')
    );
  },
  verify: (req, { config }) => verifyBearerOrHeader(req, config.token),
  parse: readBatch,
  eventId: (batchIn) => batchIn.batchKey,
  async map(batchIn, { directory, state, config }) {
    if (!batchIn.agentUserName && !batchIn.agentId) {
      throw new InputError(
        `the relay named no agent: add "agentUserName" or "agentId" to the body, or the header ${AGENT_USERNAME_HEADER} or ${AGENT_ID_HEADER}`,
      );
    }
    const replayed = batchIn.batchKey ? await replayOf(state, batchIn.batchKey) : undefined;
    if (replayed) return replayed;
    const agent = resolveAgent(directory, batchIn.agentUserName, batchIn.agentId);
    const drafts: Draft[] = [];
    const after: Record<string, ContactMemory | null> = {};
    const reasons: string[] = [];
    const common: Props = {
      ...(batchIn.agentId ? { [PROP.agentPlatformId]: batchIn.agentId } : {}),
      ...(batchIn.sessionId ? { agentSessionId: batchIn.sessionId } : {}),
      ...(config.platform ? { [PROP.platform]: config.platform } : {}),
    };
    for (const event of batchIn.events) {
      if (event.Type === 'CallContactEvent') {
        // Keyed by agent too: a transferred call reaches the next agent under a new ContactID anyway,
        // but a supervisor relay may forward several sessions.
        const key = `contact:${batchIn.agentId ?? batchIn.agentUserName}:${event.ContactID}`;
        const memory = (await state.get<ContactMemory>(key)) ?? FRESH;
        const result = step(memory, event.Status!, truthy(event.FinalState));
        if (result.next) await state.set(key, result.next);
        else await state.delete(key);
        after[key] = result.next;
        if (!result.lifecycles.length) reasons.push(`contact ${event.ContactID}: ${result.reason}`);
        if ('missing' in agent) {
          if (result.lifecycles.length) reasons.push(`contact ${event.ContactID}: ${agent.missing}`);
          continue;
        }
        for (const lifecycle of result.lifecycles)
          drafts.push({ agentid: agent.agentid, lifecycle, props: { ...contactProps(event), ...common } });
      } else if (
        event.Type === 'AgentStateChange' ||
        event.Type === 'AgentSessionStart' ||
        event.Type === 'AgentSessionEnd'
      ) {
        if ('missing' in agent) {
          reasons.push(`${event.Type}: ${agent.missing}`);
          continue;
        }
        drafts.push({
          agentid: agent.agentid,
          lifecycle: 'agent_state',
          props: { ...agentStateProps(event), ...common },
        });
      } else {
        reasons.push(`${event.Type} is not an event this connector maps`);
      }
    }
    if (drafts.length && batchIn.batchKey) await rememberBatch(state, batchIn.batchKey, { drafts, after });
    return drafts.length ? drafts : ignore([...new Set(reasons)].join('; ') || 'the batch has no events');
  },
});

function contactProps(e: Record<string, string>): Props {
  const direction = normaliseDirection(e.IsInbound);
  return {
    [PROP.nativeEvent]: `CallContactEvent.${e.Status}`,
    [PROP.interactionId]: e.ContactID!,
    ...(e.MasterID ? { masterContactId: e.MasterID } : {}),
    ...(e.ANI ? { [PROP.ani]: e.ANI } : {}),
    ...(e.DNIS ? { [PROP.dnis]: e.DNIS } : {}),
    ...skillProps(e.Skill),
    ...(direction ? { [PROP.direction]: direction } : {}),
    [PROP.channel]: 'voice',
    ...(e.CallType ? { callType: e.CallType } : {}),
    ...(e.DisconnectCode ? { disconnectCode: e.DisconnectCode } : {}),
    ...(e.StartTimeUTC ? { startTimeUtc: e.StartTimeUTC } : {}),
  };
}

// AgentStateChange field names are not in a public schema we could read: CurrentState is expected,
// State is tolerated; the unavailable reason is CurrentOutReason or OutStateDescription.
function agentStateProps(e: Record<string, string>): Props {
  const session =
    e.Type === 'AgentSessionStart' ? 'LoggedIn' : e.Type === 'AgentSessionEnd' ? 'LoggedOut' : undefined;
  const agentState = session ?? e.CurrentState ?? e.State ?? 'Unknown';
  const reason = e.CurrentOutReason || e.OutStateDescription;
  return {
    [PROP.nativeEvent]: e.Type!,
    [PROP.agentState]: agentState,
    ...(reason ? { outReason: reason } : {}),
  };
}
