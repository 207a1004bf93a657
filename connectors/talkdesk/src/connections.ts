// Talkdesk Connections: a custom integration's automation POSTs JSON built from a template whose values
// are Talkdesk placeholders ({{agent.email}}, {{call_id}}...). The README ships one template per trigger.
import {
  addVendorProps,
  type Draft,
  defineSource,
  flattenToText,
  ignore,
  legProps,
  normaliseChannel,
  type Props,
  PROP,
  parseJson,
  parseWith,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import { DEFAULT_TOKEN_HEADER, type TalkdeskConfig } from './config.js';
import { leaveCall, popLeg } from './legs.js';
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
  'interaction_type',
]);

/** The token in its header (renamable; `authorization` carries "Bearer <token>"), set on the custom integration. */
// Stryker disable next-line ObjectLiteral: a false survivor: tokenAuth throws at import, every test file collects no tests (checked by hand)
const token = tokenAuth<TalkdeskConfig>({
  secret: 'token',
  // Stryker disable next-line ObjectLiteral: a false survivor: an empty carrier throws at import, every test file collects no tests (checked by hand)
  in: [{ header: { option: 'tokenHeader', default: DEFAULT_TOKEN_HEADER } }],
  setBy: 'set on the custom integration',
  // In the words of the Talkdesk console: which header to add to the custom integration.
  refusals: {
    missing: (config) =>
      `the token header ${config.tokenHeader} is missing: add it to the custom integration`,
    mismatch: 'the token does not match',
  },
});

export const connections = defineSource<TalkdeskEvent, TalkdeskConfig>({
  // Stryker disable next-line StringLiteral: a false survivor: defineConnector throws at import, every test file collects no tests (checked by hand)
  id: 'connections',
  // The call's legs are kept in the state store: a request the host cannot store (503) leaves them as they were,
  // so the vendor's retry is mapped again instead of being taken for a second pop.
  stateWrites: 'after-store',
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
  async map(e, { directory, config, state }) {
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
    // agent_email is ours; a template written after OpenConnect's examples names the agent `agentid`.
    const viaAlias = !f.agent_email && config.openConnectNames && !!f.agentid;
    const email = viaAlias ? f.agentid : f.agent_email;
    const agentid =
      (email && (directory.get(email) ?? email)) || (f.agent_id ? directory.get(f.agent_id) : undefined);
    if (!agentid) {
      return ignore(
        e.trigger === 'inbound_call_reaches_contact_center'
          ? 'the call has reached the contact center but no agent yet (no agent_email): nothing to pop'
          : `${e.trigger} names no agent: agent_email is empty${f.agent_id ? ` and agent_id ${f.agent_id} is not in the directory` : ''}`,
      );
    }
    // contact_phone_number is the customer (ani, the caller inbound and the number dialed outbound);
    // talkdesk_phone_number is ours (dnis).
    const channel = meaning.direction ? (normaliseChannel(f.interaction_type) ?? 'voice') : undefined;
    const props: Props = {
      [PROP.nativeEvent]: e.trigger,
      ...(meaning.direction ? { [PROP.direction]: meaning.direction } : {}),
      ...(channel ? { [PROP.channel]: channel } : {}),
      ...(meaning.agentState ? { [PROP.agentState]: meaning.agentState } : {}),
      ...(f.call_id ? { [PROP.interactionId]: f.call_id } : {}),
      ...(f.contact_phone_number ? { [PROP.ani]: f.contact_phone_number } : {}),
      ...(f.talkdesk_phone_number ? { [PROP.dnis]: f.talkdesk_phone_number } : {}),
      ...(f.tags ? { [PROP.queue]: f.tags } : {}),
      ...(f.agent_id ? { [PROP.agentPlatformId]: f.agent_id } : {}),
      ...(f.contact_name ? { [PROP.customerName]: f.contact_name } : {}),
    };
    // A field named like a reserved field, a canonical prop or one set above travels as talkdesk.<name>.
    addVendorProps(
      props,
      Object.entries(f).filter(([name]) => !CONSUMED.has(name) && !(viaAlias && name === 'agentid')),
      'talkdesk',
    );
    if (meaning.lifecycle === 'ended') {
      const at = eventTime(f.timestamp);
      if (at) props[PROP.eventTime] = at;
      // Stryker disable next-line ConditionalExpression: popLeg records nothing without a call_id, so leaveCall would find no record for it
      if (f.call_id) await leaveCall(state, f.call_id, agentid);
    }
    if (meaning.lifecycle === 'offered' || meaning.lifecycle === 'answered') {
      const outcome = f.call_id
        ? await popLeg(state, f.call_id, agentid, meaning.lifecycle)
        : { leg: 'primary' as const };
      if ('duplicate' in outcome) return ignore(outcome.duplicate);
      Object.assign(props, legProps(outcome.leg, outcome.parent));
    }
    const draft: Draft = { agentid, lifecycle: meaning.lifecycle, props };
    return draft;
  },
});

/**
 * The call's end time as ISO 8601: Talkdesk's {{timestamp}} as a date-time, or epoch seconds/milliseconds
 * (its format is not documented); anything else is no time (the field still travels as `timestamp`).
 */
export function eventTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim();
  const epoch = /^\d{10}(\d{3})?$/.test(text) ? Number(text) * (text.length === 10 ? 1000 : 1) : undefined;
  const ms = epoch ?? (/^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
