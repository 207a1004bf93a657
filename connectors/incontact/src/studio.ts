// Studio script REST push: a SNIPPET in the customer's Studio script POSTs JSON (README) when the
// script reaches a point worth a pop, typically the agent answering (an ONANSWER branch).
import {
  addVendorProps,
  type Draft,
  defineSource,
  detectJson,
  InputError,
  ignore,
  isLeg,
  isLifecycle,
  type Lifecycle,
  legProps,
  normaliseChannel,
  PROP,
  type Props,
  parseJson,
  parseWith,
} from '@openconnect/core';
import { z } from 'zod';
import type { InContactConfig } from './config.js';
import { legOf, parentOf } from './contacts.js';
import { relayToken } from './relay-token.js';
import { contactProps, flatten, resolveAgent } from './vendor-values.js';

export type StudioPush = Record<string, string>;

// Spellings a script author may use for the agent's user name; the README recommends the first. `agentid`,
// OpenConnect's own name for the agent login, is accepted too (like `event`, OpenConnect's name for the event).
const USER_NAME_KEYS = ['AgentUserName', 'AgentUsername', 'agentUserName', 'UserName', 'agentid'];
// Fields that become canonical props or are consumed.
const CONSUMED = new Set([
  'event',
  'ContactID',
  'MasterID',
  'ANI',
  'DNIS',
  'Skill',
  'SkillName',
  'AgentID',
  'IsInbound',
  'leg',
  'channel',
  'MediaType',
  ...USER_NAME_KEYS,
]);

const body = z.record(z.string(), z.unknown());

export const studio = defineSource<StudioPush, InContactConfig>({
  id: 'studio',
  description: 'Studio script REST push (SNIPPET posting JSON)',
  ...relayToken('set in the SNIPPET'),
  // A body `in` cannot look into (null, a string, a number) throws, and detectJson reads that as no; a list
  // has no ContactID key: no other guard is needed.
  detect: detectJson((value) => {
    const fields = value as object;
    return !('events' in fields) && !('Type' in fields) && 'ContactID' in fields;
  }),
  parse(req) {
    const fields = flatten(parseWith(body, parseJson(req), 'Studio body'));
    if (!fields.event)
      throw new InputError(
        'the Studio body has no "event": set it in the SNIPPET, e.g. body.event = "answered"',
        // Stryker disable next-line StringLiteral: the path is not in the answer the script gets (the message is)
        'event',
      );
    if (!fields.ContactID)
      throw new InputError(
        'the Studio body has no "ContactID": set body.ContactID = "{ContactID}"',
        // Stryker disable next-line StringLiteral: the path is not in the answer the script gets (the message is)
        'ContactID',
      );
    return fields;
  },
  eventId(f) {
    // A script that posts the same lifecycle twice for one contact and agent (a retry, a loop) pops once;
    // the agent is part of the key so a contact handed to a second agent still pops for that agent.
    const word = f.event!.toLowerCase(); // parse refused a push without event
    const agent = USER_NAME_KEYS.map((key) => f[key]).find(Boolean) ?? f.AgentID;
    return word && isLifecycle(word) && word !== 'custom'
      ? `${f.ContactID}/${word}${agent ? `/${agent}` : ''}`
      : undefined;
  },
  map(f, { directory, config }) {
    const event = f.event!;
    const word = event.toLowerCase();
    const lifecycle: Lifecycle = isLifecycle(word) ? word : 'custom';
    const userName = USER_NAME_KEYS.map((key) => f[key]).find(Boolean);
    const agent = resolveAgent(directory, userName, f.AgentID);
    if ('missing' in agent) return ignore(`${event} for contact ${f.ContactID}: ${agent.missing}`);
    // The script may name the leg (body.leg = "consult"); else a ContactID under another MasterID is a transfer.
    const leg = isLeg(f.leg) ? f.leg : legOf(f);
    const props: Props = {
      [PROP.nativeEvent]: event,
      ...contactProps(f),
      ...legProps(leg, parentOf(f)),
      // A Chat, Email, SMS or Work Item script names its channel (body.channel = "chat"); a phone script may not.
      ...(normaliseChannel(f.channel ?? f.MediaType)
        ? { [PROP.channel]: normaliseChannel(f.channel ?? f.MediaType)! }
        : {}),
      ...(f.AgentID ? { [PROP.agentPlatformId]: f.AgentID } : {}),
      ...(config.platform ? { [PROP.platform]: config.platform } : {}),
    };
    // Every other script field under its own name; one that clashes travels as incontact.<name> (core's rule),
    // so a field named nativeEvent cannot pick the PopFlow event.
    addVendorProps(
      props,
      Object.entries(f).filter(([name]) => !CONSUMED.has(name)),
      'incontact',
    );
    const draft: Draft = {
      agentid: agent.agentid,
      lifecycle,
      props,
      ...(lifecycle === 'custom' ? { event } : {}),
    };
    return draft;
  },
});
