// The agent event stream (Kinesis): a Lambda event with base64 records, or one decoded AgentEvent.
// The only source with the agent login inline. Contact moments come from comparing the current and the
// previous snapshot in the same event; only which agents are on each call is remembered (call-legs.ts).
import { createHash } from 'node:crypto';
import {
  defineSource,
  detectJson,
  type Draft,
  ignore,
  InputError,
  type Lifecycle,
  type MapResult,
  PROP,
  parseJson,
  parseWith,
  type StateStore,
} from '@openconnect/core';
import { z } from 'zod';
import { arnId, fromDirectory, parseAgentArn } from './arns.js';
import { apiKeyAuth } from './auth.js';
import { followLeg, leaveCall, ownConsultLeg } from './call-legs.js';
import type { AmazonConnectConfig } from './config.js';
import type { ContactEndpoints, ConnectLookups } from './lookups.js';
import { channelOf, defined, directionOf } from './props.js';

const text = z.string().nullish();

const contact = z.object({
  ContactId: z.string().min(1),
  InitialContactId: text,
  Channel: text,
  InitiationMethod: text,
  State: z.string().min(1),
  StateStartTimestamp: text,
  Queue: z.object({ ARN: text, Name: text }).nullish(),
});
type Contact = z.output<typeof contact>;

const snapshot = z.object({
  AgentStatus: z.object({ ARN: text, Name: text }).nullish(),
  Configuration: z.object({ Username: text }).nullish(),
  Contacts: z.array(contact).nullish(),
});
type Snapshot = z.output<typeof snapshot>;

const agentEvent = z.object({
  AgentARN: text,
  EventId: z.string().min(1),
  EventType: z.string().min(1),
  EventTimestamp: text,
  InstanceARN: text,
  CurrentAgentSnapshot: snapshot.nullish(),
  // null for LOGIN and LOGOUT.
  PreviousAgentSnapshot: snapshot.nullish(),
});
export type AgentEvent = z.output<typeof agentEvent>;

const kinesisEvent = z.object({
  Records: z
    .array(z.object({ kinesis: z.object({ data: z.string().min(1), sequenceNumber: text }) }))
    .min(1, 'Records is empty'),
});

export interface AgentStreamBatch {
  events: AgentEvent[];
}

function decodeRecord(data: string, index: number, sequence: string | null | undefined): unknown {
  const where = `Records.${index}${sequence ? ` (sequence ${sequence})` : ''}`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data))
    throw new InputError(`${where}: kinesis.data is not base64`, where);
  try {
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    throw new InputError(`${where}: kinesis.data does not decode to an AgentEvent JSON document`, where);
  }
}

function parseBatch(body: unknown): AgentStreamBatch {
  if (body && typeof body === 'object' && 'Records' in body) {
    const { Records } = parseWith(kinesisEvent, body, 'Kinesis event');
    return {
      events: Records.map((record, index) =>
        parseWith(
          agentEvent,
          decodeRecord(record.kinesis.data, index, record.kinesis.sequenceNumber),
          `AgentEvent in Records.${index}`,
        ),
      ),
    };
  }
  return { events: [parseWith(agentEvent, body, 'AgentEvent')] };
}

/** States in which a contact rings at the agent (an `offered` pop is open). */
const RINGING = new Set(['INCOMING', 'PENDING', 'CONNECTING']);

/** A contact's new state, given its state in the previous snapshot → the lifecycle it marks, if any. */
function contactLifecycle(state: string, previous: string | undefined): Lifecycle | undefined {
  switch (state) {
    case 'INCOMING':
    case 'CONNECTING':
      return previous === undefined ? 'offered' : undefined;
    case 'CONNECTED':
      return previous === 'CONNECTED_ONHOLD' ? 'resumed' : 'answered';
    case 'CONNECTED_ONHOLD':
      return 'held';
    case 'ENDED':
      // After-call work starts as the contact ends.
      return 'wrapup';
    case 'MISSED':
    case 'REJECTED':
    case 'ERROR':
      // It stopped ringing unanswered (missed, rejected, or the caller hung up): the offered pop ends.
      return previous !== undefined && RINGING.has(previous) ? 'ended' : undefined;
    // Stryker disable next-line ConditionalExpression: without the default clause the switch ends and the function returns undefined all the same
    default:
      // PENDING, PAUSED and states added later are no agent moment.
      return undefined;
  }
}

type Mapped = { drafts: Draft[] } | { ignored: string };

/** States in which a contact is over for the agent. */
const GONE = new Set(['ENDED', 'MISSED', 'REJECTED', 'ERROR']);

/** The customer's number of a contact (DescribeContact), when the deployment asks for it. */
type NumberOf = (contactId: string) => Promise<ContactEndpoints>;

async function mapEvent(
  event: AgentEvent,
  agentid: string | undefined,
  config: AmazonConnectConfig,
  state: StateStore,
  numberOf: NumberOf | undefined,
): Promise<Mapped> {
  const type = event.EventType.toUpperCase();
  const current = event.CurrentAgentSnapshot;
  const previous = event.PreviousAgentSnapshot;
  if (type === 'HEART_BEAT') return ignore(`HEART_BEAT ${event.EventId} only says the stream is alive`);
  if (!agentid)
    return ignore(`${type} ${event.EventId} names no agent (CurrentAgentSnapshot.Configuration.Username)`);
  const common = defined({
    [PROP.agentPlatformId]: event.AgentARN,
    agentEventType: type,
    [PROP.eventTime]: event.EventTimestamp,
  });
  const statusDraft = (): Draft => ({
    agentid,
    lifecycle: 'agent_state',
    props: {
      ...common,
      ...defined({
        [PROP.nativeEvent]: type,
        [PROP.agentState]: current?.AgentStatus?.Name ?? (type === 'LOGOUT' ? 'Offline' : undefined),
        [PROP.previousAgentState]: previous?.AgentStatus?.Name,
      }),
    },
  });
  if (type === 'LOGIN' || type === 'LOGOUT') return { drafts: [statusDraft()] };
  if (type !== 'STATE_CHANGE')
    return ignore(`agent event type ${event.EventType} is not one this connector maps`);

  const drafts: Draft[] = [];
  const skipped: string[] = [];
  // Stryker disable next-line ArrayDeclaration: a stray element has no ContactId, and every contact has one (required), so no look-up ever finds it
  const before = new Map((previous?.Contacts ?? []).map((c) => [c.ContactId, c.State]));
  // Stryker disable next-line ArrayDeclaration: a stray string element has no State: no lifecycle, not gone, so it is passed over
  for (const item of current?.Contacts ?? []) {
    const was = before.get(item.ContactId);
    if (was === item.State) continue;
    const legContact = {
      contactId: item.ContactId,
      initialContactId: item.InitialContactId,
      initiationMethod: item.InitiationMethod,
    };
    const lifecycle = contactLifecycle(item.State, was);
    if (!lifecycle) {
      // e.g. CONNECTED → ERROR: no moment to report, but the agent is off the call.
      if (GONE.has(item.State)) await leaveCall(state, legContact);
      continue;
    }
    let legs = await followLeg(state, legContact, agentid, lifecycle, config.consultLegs);
    if (!legs) {
      skipped.push(ownConsultLeg(legContact, agentid));
      continue;
    }
    // The stream names no customer: a pop gets the number from DescribeContact when configured.
    if (
      numberOf &&
      (lifecycle === 'offered' || lifecycle === 'answered') &&
      channelOf(item.Channel) === 'voice'
    ) {
      const number = await numberOf(item.ContactId);
      legs = { ...legs, ...defined({ [PROP.ani]: number.customer, [PROP.dnis]: number.system }) };
    }
    drafts.push({ agentid, lifecycle, props: { ...common, ...contactProps(item, was), ...legs } });
  }
  if (statusChanged(current, previous)) drafts.push(statusDraft());
  if (!drafts.length) {
    if (skipped.length) return ignore(skipped.join('; '));
    return ignore(
      `STATE_CHANGE ${event.EventId} changes no contact state and no agent status (a configuration change)`,
    );
  }
  return { drafts };
}

function contactProps(item: Contact, previousState: string | undefined) {
  return defined({
    // The contact's state is the native event, so deployments can name e.g. CONNECTED in their event map.
    [PROP.nativeEvent]: item.State,
    [PROP.interactionId]: item.ContactId,
    [PROP.channel]: channelOf(item.Channel),
    [PROP.direction]: directionOf(item.InitiationMethod),
    [PROP.queue]: item.Queue?.Name,
    [PROP.queueId]: arnId(item.Queue?.ARN),
    initialContactId: item.InitialContactId,
    initiationMethod: item.InitiationMethod,
    previousContactState: previousState,
  });
}

function numberLookup(
  event: AgentEvent,
  config: AmazonConnectConfig,
  services: ConnectLookups,
): NumberOf | undefined {
  if (!config.customerEndpoint) return undefined;
  const agent = event.AgentARN ? parseAgentArn(event.AgentARN) : undefined;
  const instanceId = agent?.instanceId ?? arnId(event.InstanceARN);
  if (!instanceId) return undefined;
  return (contactId) => services.customerEndpoint(instanceId, contactId, agent?.region);
}

function statusChanged(current: Snapshot | null | undefined, previous: Snapshot | null | undefined): boolean {
  const now = current?.AgentStatus;
  const then = previous?.AgentStatus;
  if (!now || !then) return false;
  return now.ARN !== then.ARN || now.Name !== then.Name;
}

export const agentStream = defineSource<AgentStreamBatch, AmazonConnectConfig, ConnectLookups>({
  id: 'agent-stream',
  // The call's legs are kept in the state store: a request the host cannot store (503) leaves them as they were,
  // so the vendor's retry is mapped again instead of being taken for a second pop.
  stateWrites: 'after-store',
  description:
    'Agent event stream records: a Kinesis Lambda event (base64 AgentEvents) or one decoded AgentEvent',
  platforms: ['Amazon Connect'],
  ...apiKeyAuth,
  detect: detectJson((json) => {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: null throws at body.Records, which detectJson answers with false; a string or number has none of the fields read below
    if (!json || typeof json !== 'object') return false;
    const body = json as {
      Records?: { eventSource?: unknown; kinesis?: unknown }[];
      AgentARN?: unknown;
      CurrentAgentSnapshot?: unknown;
    };
    if (Array.isArray(body.Records))
      return body.Records.some((r) => r?.eventSource === 'aws:kinesis' || !!r?.kinesis);
    return typeof body.AgentARN === 'string' || typeof body.CurrentAgentSnapshot === 'object';
  }),
  parse: (req) => parseBatch(parseJson(req)),
  eventId(batch) {
    const ids = batch.events.map((e) => e.EventId);
    if (ids.length === 1) return ids[0];
    // A retried Kinesis batch holds the same records, so the same ids give the same key.
    return `batch-${createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 32)}`;
  },
  async map(batch, { config, directory, state, services }): Promise<MapResult> {
    const drafts: Draft[] = [];
    const reasons: string[] = [];
    for (const event of batch.events) {
      const login = event.CurrentAgentSnapshot?.Configuration?.Username ?? undefined;
      const agentid = fromDirectory(directory, event.AgentARN) ?? (login || undefined);
      const mapped = await mapEvent(event, agentid, config, state, numberLookup(event, config, services));
      if ('ignored' in mapped) reasons.push(mapped.ignored);
      else {
        // Keyed by the record's own EventId, so a record that comes again in another batch (Lambda
        // resumes a shard from a failed record) is still delivered once.
        const many = mapped.drafts.length > 1;
        for (const [n, draft] of mapped.drafts.entries()) {
          drafts.push({ ...draft, dedupeId: many ? `${event.EventId}#${n}` : event.EventId });
        }
      }
    }
    return drafts.length ? drafts : ignore(reasons.join('; '));
  },
});
