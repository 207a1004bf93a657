// Talkdesk Connections: a custom integration's automation POSTs JSON built from a template whose values
// are Talkdesk placeholders ({{agent.email}}, {{call_id}}...). The README ships one template per trigger.
import {
  type Draft,
  defineSource,
  flattenToText,
  header,
  ignore,
  type Props,
  PROP,
  parseJson,
  parseWith,
  refused,
  safeCompare,
  verified,
} from '@openconnect/core';
import { z } from 'zod';
import type { TalkdeskConfig } from './index.js';
import { meaningOf, type Trigger, TRIGGERS, triggerOf } from './triggers.js';

export interface TalkdeskEvent {
  /** The template's `event` value as sent. */
  event?: string;
  trigger?: Trigger;
  /** Every other field, flattened to strings; empty values and unfilled placeholders removed. */
  fields: Record<string, string>;
}

const body = z.record(z.string(), z.unknown());

// Talkdesk leaves a placeholder it cannot fill either empty or, in some accounts, as the literal text.
const PLACEHOLDER = /^\{\{[^{}]*\}\}$/;

/** Flattens the template's values to strings: nested objects as `a.b`, lists joined with ", ". */
const flatten = (input: Record<string, unknown>) => flattenToText(input, { skip: PLACEHOLDER });

// Fields that become canonical props, or are consumed; every other field is kept under its own name.
const CONSUMED = new Set([
  'event',
  'agent_email',
  'agent_id',
  'call_id',
  'contact_phone_number',
  'talkdesk_phone_number',
  'tags',
  'contact_name',
]);
const RESERVED = new Set(['agentid', 'jwt', 'crmid', 'event']);
// Props this connector sets itself: a template field of the same name must not replace them (nativeEvent
// picks the PopFlow event), so it keeps its data under a talkdesk_ prefix like the reserved names.
const COMPUTED = new Set<string>([
  PROP.lifecycle,
  PROP.nativeEvent,
  PROP.direction,
  PROP.channel,
  PROP.agentState,
  PROP.interactionId,
  PROP.ani,
  PROP.dnis,
  PROP.queue,
  PROP.agentPlatformId,
  PROP.customerName,
]);

export const connections = defineSource<TalkdeskEvent, TalkdeskConfig>({
  id: 'connections',
  description: 'Talkdesk Connections custom-integration triggers (JSON from the recommended templates)',
  auth: {
    scheme: 'shared-secret',
    summary:
      'header x-openconnect-token (name configurable), set on the custom integration; constant-time compare',
    credentials: [{ in: 'header', name: 'x-openconnect-token' }],
  },
  verify(req, { config }) {
    let received = header(req, config.tokenHeader)?.trim();
    // An Authorization header carries "Bearer <token>"; any other header carries the token alone.
    if (received && config.tokenHeader.toLowerCase() === 'authorization') {
      const [scheme, token] = received.split(/\s+/, 2);
      received = scheme?.toLowerCase() === 'bearer' ? token : undefined;
    }
    if (!received)
      return refused(`the token header ${config.tokenHeader} is missing: add it to the custom integration`);
    return safeCompare(received, config.token) ? verified() : refused('the token does not match');
  },
  parse(req) {
    const fields = flatten(parseWith(body, parseJson(req), 'Talkdesk trigger body'));
    const event = fields.event;
    const trigger = event ? triggerOf(event) : undefined;
    return { ...(event ? { event } : {}), ...(trigger ? { trigger } : {}), fields };
  },
  eventId(e) {
    // A call trigger fires once per call and agent; agent log-ins carry no id or time to key on.
    const { call_id: call, agent_email: agent } = e.fields;
    return e.trigger && call ? `${e.trigger}/${call}${agent ? `/${agent}` : ''}` : undefined;
  },
  map(e, { directory }) {
    if (!e.trigger) {
      return ignore(
        e.event
          ? `event "${e.event}" is not a Talkdesk trigger this connector knows (${TRIGGERS.join(', ')}); use the README templates`
          : 'the body has no "event" field: use the README templates, which name the trigger in "event"',
      );
    }
    const meaning = meaningOf(e.trigger);
    if ('ignore' in meaning) return ignore(meaning.ignore);
    const f = e.fields;
    const email = f.agent_email;
    const agentid =
      (email && (directory.get(email) ?? email)) || (f.agent_id ? directory.get(f.agent_id) : undefined);
    if (!agentid) {
      return ignore(
        e.trigger === 'inbound_call_reaches_contact_center'
          ? 'the call has reached the contact center but no agent yet (no agent_email): nothing to pop'
          : `${e.trigger} names no agent: agent_email is empty${f.agent_id ? ` and agent_id ${f.agent_id} is not in the directory` : ''}`,
      );
    }
    // contact_phone_number is the customer: the caller when inbound, the called number when outbound.
    const outbound = meaning.direction === 'outbound';
    const customer = f.contact_phone_number;
    const ours = f.talkdesk_phone_number;
    const props: Props = {
      [PROP.nativeEvent]: e.trigger,
      ...(meaning.direction ? { [PROP.direction]: meaning.direction, [PROP.channel]: 'voice' } : {}),
      ...(meaning.agentState ? { [PROP.agentState]: meaning.agentState } : {}),
      ...(f.call_id ? { [PROP.interactionId]: f.call_id } : {}),
      ...((outbound ? ours : customer) ? { [PROP.ani]: (outbound ? ours : customer)! } : {}),
      ...((outbound ? customer : ours) ? { [PROP.dnis]: (outbound ? customer : ours)! } : {}),
      ...(f.tags ? { [PROP.queue]: f.tags } : {}),
      ...(f.agent_id ? { [PROP.agentPlatformId]: f.agent_id } : {}),
      ...(f.contact_name ? { [PROP.customerName]: f.contact_name } : {}),
    };
    for (const [name, value] of Object.entries(f)) {
      if (CONSUMED.has(name)) continue;
      props[RESERVED.has(name.toLowerCase()) || COMPUTED.has(name) ? `talkdesk_${name}` : name] = value;
    }
    const draft: Draft = { agentid, lifecycle: meaning.lifecycle, props };
    return draft;
  },
});
