// Talkdesk Connections: a custom integration's automation POSTs JSON built from a template whose values
// are Talkdesk placeholders ({{agent.email}}, {{call_id}}...). The README ships one template per trigger.
import {
  addVendorProps,
  type Draft,
  defineSource,
  flattenToText,
  ignore,
  type Props,
  PROP,
  parseJson,
  parseWith,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import { DEFAULT_TOKEN_HEADER, type TalkdeskConfig } from './config.js';
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

/** The token in its header (renamable; `authorization` carries "Bearer <token>"), set on the custom integration. */
const token = tokenAuth<TalkdeskConfig>({
  secret: 'token',
  in: [{ header: { option: 'tokenHeader', default: DEFAULT_TOKEN_HEADER } }],
  setBy: 'set on the custom integration',
  // In the words of the Talkdesk console: which header to add to the custom integration.
  refusals: {
    missing: (config) => `the token header ${config.tokenHeader} is missing: add it to the custom integration`,
    mismatch: 'the token does not match',
  },
});

export const connections = defineSource<TalkdeskEvent, TalkdeskConfig>({
  id: 'connections',
  description: 'Talkdesk Connections custom-integration triggers (JSON from the recommended templates)',
  ...token,
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
    // A field named like a reserved field, a canonical prop or one set above travels as talkdesk.<name>.
    addVendorProps(
      props,
      Object.entries(f).filter(([name]) => !CONSUMED.has(name)),
      'talkdesk',
    );
    const draft: Draft = { agentid, lifecycle: meaning.lifecycle, props };
    return draft;
  },
});
