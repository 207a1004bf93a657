// Agent API events (get-next-event) forwarded by a relay that polls one agent session and POSTs what it
// receives, naming the session's agent. CallContactEvent has no agent field: the session owner is it.
import {
  type Draft,
  defineSource,
  detectJson,
  header,
  type InboundRequest,
  InputError,
  ignore,
  type MapContext,
  type MapResult,
  PROP,
  type Props,
  parseJson,
  parseWith,
} from '@openconnect/core';
import { z } from 'zod';
import { AGENT_STATE_TYPES, agentStateStep } from './agent-state.js';
import type { InContactConfig } from './config.js';
import { contactStep, isContactEvent } from './contacts.js';
import { relayToken } from './relay-token.js';
import { batchKey, rememberBatch, replayOf } from './replay.js';
import type { ContactMemory } from './transitions.js';
import { flatten, resolveAgent } from './vendor-values.js';

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

/**
 * Reads a get-next-event answer (`{sessionId, events}`, naming its agent) or a single event, flattened.
 * `agent` names the session's agent when the body does not (the relay's headers, the held session).
 */
export function readAgentBatch(
  value: unknown,
  agent: { agentUserName?: string; agentId?: string } = {},
): AgentEventBatch {
  const isSingle = !!value && typeof value === 'object' && !Array.isArray(value) && 'Type' in value;
  const parsed = isSingle
    ? { events: [parseWith(single, value, 'Agent API event')] }
    : parseWith(batch, value, 'Agent API event batch');
  const events = parsed.events.map((event, index) => {
    const flat = flatten(event);
    if (!flat.Type) throw new InputError(`events.${index} has no Type`, `events.${index}.Type`);
    if (isContactEvent(flat.Type) && (!flat.ContactID || !flat.Status)) {
      throw new InputError(`events.${index}: a ${flat.Type} needs ContactID and Status`, `events.${index}`);
    }
    return flat;
  });
  const fromBody = parsed as Partial<AgentEventBatch>;
  const userName = fromBody.agentUserName || agent.agentUserName || undefined;
  const agentId = fromBody.agentId || agent.agentId || undefined;
  const read: AgentEventBatch = {
    ...(userName ? { agentUserName: userName } : {}),
    ...(agentId ? { agentId } : {}),
    ...(fromBody.sessionId ? { sessionId: fromBody.sessionId } : {}),
    events,
  };
  return events.some((e) => isContactEvent(e.Type)) ? { ...read, batchKey: batchKey(read) } : read;
}

const truthy = (value: string | undefined) => value?.toLowerCase() === 'true';

/**
 * Agent API events of one agent → drafts. Shared by the relay source and the runner's own sessions
 * (agent-sessions, rtd-poll), with the same state keys: per agent and ContactID, and per agent.
 */
export async function mapAgentBatch(
  batchIn: AgentEventBatch,
  { directory, state, config }: MapContext<InContactConfig>,
): Promise<MapResult> {
  if (!batchIn.agentUserName && !batchIn.agentId) {
    throw new InputError(
      `the relay named no agent: add "agentUserName" or "agentId" to the body, or the header ${AGENT_USERNAME_HEADER} or ${AGENT_ID_HEADER}`,
    );
  }
  const replayed = batchIn.batchKey ? await replayOf(state, batchIn.batchKey) : undefined;
  if (replayed) return replayed;
  const agent = resolveAgent(directory, batchIn.agentUserName, batchIn.agentId);
  const agentKey = batchIn.agentId ?? batchIn.agentUserName!;
  const drafts: Draft[] = [];
  const after: Record<string, ContactMemory | null> = {};
  const reasons: string[] = [];
  const common: Props = {
    ...(batchIn.agentId ? { [PROP.agentPlatformId]: batchIn.agentId } : {}),
    ...(batchIn.sessionId ? { agentSessionId: batchIn.sessionId } : {}),
    ...(config.platform ? { [PROP.platform]: config.platform } : {}),
  };
  for (const event of batchIn.events) {
    if (isContactEvent(event.Type)) {
      // Keyed by agent too: a transferred call reaches the next agent under a new ContactID anyway,
      // but a supervisor relay may forward several sessions.
      const result = await contactStep(state, agentKey, event);
      after[result.key] = result.next;
      if (result.reason) reasons.push(result.reason);
      if ('missing' in agent) {
        if (result.lifecycles.length) reasons.push(`contact ${event.ContactID}: ${agent.missing}`);
        continue;
      }
      for (const lifecycle of result.lifecycles)
        drafts.push({ agentid: agent.agentid, lifecycle, props: { ...result.props, ...common } });
    } else if (AGENT_STATE_TYPES.has(event.Type!)) {
      if ('missing' in agent) {
        reasons.push(`${event.Type}: ${agent.missing}`);
        continue;
      }
      const now = await agentStateStep(state, agentKey, event);
      if (now.repeat) {
        reasons.push(now.repeat);
        continue;
      }
      drafts.push({
        agentid: agent.agentid,
        lifecycle: 'agent_state',
        props: { ...agentStateProps(event, now), ...common },
      });
    } else if (event.Type === 'Conference') {
      // The agents already on the call were popped for it; the parties joined keep their own contacts.
      reasons.push(
        `Conference ${event.ConferenceNo ?? ''}: a conference adds no pop for the agents on the call`,
      );
    } else {
      reasons.push(`${event.Type} is not an event this connector maps`);
    }
  }
  if (drafts.length && batchIn.batchKey) await rememberBatch(state, batchIn.batchKey, { drafts, after });
  return drafts.length ? drafts : ignore([...new Set(reasons)].join('; ') || 'the batch has no events');
}

export const agentEvents = defineSource<AgentEventBatch, InContactConfig>({
  id: 'agent-events',
  description: 'Agent API session events (CallContactEvent, AgentState...) forwarded by a relay',
  ...relayToken('set on the relay'),
  // null throws (detectJson reads that as no); a string, a number or a list has neither field.
  detect: detectJson((value) => {
    const body = value as Record<string, unknown>;
    return Array.isArray(body.events) || typeof body.Type === 'string';
  }),
  parse: (req: InboundRequest) =>
    readAgentBatch(parseJson(req), {
      ...(header(req, AGENT_USERNAME_HEADER) ? { agentUserName: header(req, AGENT_USERNAME_HEADER)! } : {}),
      ...(header(req, AGENT_ID_HEADER) ? { agentId: header(req, AGENT_ID_HEADER)! } : {}),
    }),
  eventId: (batchIn) => batchIn.batchKey,
  map: mapAgentBatch,
  // State follows the store: a batch the runner could not store leaves the contacts' memory as it was.
  stateWrites: 'after-store',
});

// AgentState: CurrentState, CurrentOutReason, IsAcw (NICE's agent SDK reads these names) and StartTimeUTC, the
// moment the state began. No previous state is sent: previousAgentState stays unset.
function agentStateProps(e: Record<string, string>, now: { state: string; reason: string }): Props {
  const acw = e.IsAcw ?? e.IsACW;
  return {
    [PROP.nativeEvent]: e.Type!,
    [PROP.agentState]: now.state,
    ...(now.reason ? { outReason: now.reason } : {}),
    ...(e.StartTimeUTC ? { [PROP.eventTime]: e.StartTimeUTC } : {}),
    ...(acw ? { isAcw: truthy(acw) } : {}),
  };
}
