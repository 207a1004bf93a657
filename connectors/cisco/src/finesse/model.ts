// The Finesse notification as the mapping sees it: one typed event read from the XML and the gadget's
// headers. Field names are Finesse's own (developer.cisco.com/docs/finesse: Dialog, User, notifications).
import { createHash } from 'node:crypto';
import { header, type InboundRequest, InputError } from '@openconnect/core';
import { child, children, type Envelope, isNode, type Node, text, userIdInPath } from './xml.js';

export interface Participant {
  mediaAddress?: string;
  mediaAddressType?: string;
  state?: string;
  /** When this participant's state last changed (ISO 8601, Finesse's clock). */
  stateChangeTime?: string;
}

export interface Dialog {
  id: string;
  state?: string;
  fromAddress?: string;
  toAddress?: string;
  mediaType?: string;
  /** The other call of a consult or conference (its id), and the URI of the dialog it is associated with. */
  secondaryId?: string;
  associatedDialogUri?: string;
  /** CCE direct-preview outbound: the customer's number without the dialer's prefix. */
  callbackNumber?: string;
  /** Every scalar of <mediaProperties> that has a value, by its Finesse name (callType, DNIS, callKeyCallId...). */
  mediaProperties: Record<string, string>;
  /** <callvariables>: callVariable1..10 and ECC variables (`user.*`), in document order, empty values kept. */
  callVariables: [name: string, value: string][];
  participants: Participant[];
}

export interface User {
  loginId: string;
  loginName?: string;
  extension?: string;
  state?: string;
  pendingState?: string;
  reasonCodeId?: string;
  reasonCodeLabel?: string;
  teamId?: string;
  teamName?: string;
  /** When the state last changed (ISO 8601, Finesse's clock). */
  stateChangeTime?: string;
}

interface Common {
  /** POST (added), PUT (changed) or DELETE (removed), upper-cased. */
  verb: string;
  source?: string;
  /** Finesse loginId of the agent whose feed this is: from <source>, the XMPP node or the gadget's header. */
  agent?: string;
  /** The agent's extension, when the gadget sent it (x-finesse-extension). */
  extension?: string;
  /** The XMPP pubsub item id, unique per notification. */
  itemId?: string;
  /** SHA-256 of the agent and the raw body: a byte-identical request is a retry of the same notification. */
  digest: string;
}

export type FinesseEvent =
  | (Common & { kind: 'dialogs'; dialogs: Dialog[] })
  | (Common & { kind: 'user'; user: User })
  | (Common & { kind: 'other'; what: string });

export const AGENT_HEADER = 'x-finesse-agent';
export const EXTENSION_HEADER = 'x-finesse-extension';

export function toEvent(envelope: Envelope, req: InboundRequest): FinesseEvent {
  const { update } = envelope;
  const verb = (text(update, 'event') ?? '').toUpperCase();
  const source = text(update, 'source') || undefined;
  const fromHeader = header(req, AGENT_HEADER)?.trim() || undefined;
  const agent = userIdInPath(source) ?? userIdInPath(envelope.node) ?? fromHeader;
  const extension = header(req, EXTENSION_HEADER)?.trim() || undefined;
  const common: Common = {
    verb,
    ...(source ? { source } : {}),
    ...(agent ? { agent } : {}),
    ...(extension ? { extension } : {}),
    ...(envelope.itemId ? { itemId: envelope.itemId } : {}),
    // Finesse stamps every change (stateChangeTime...), so two real notifications never match byte for byte.
    digest: createHash('sha256')
      .update(`${agent ?? ''}\n`)
      .update(req.rawBody)
      .digest('hex')
      .slice(0, 40),
  };
  const data = child(update, 'data');
  const collection = child(data, 'dialogs');
  const single = children(data, 'Dialog');
  if (collection !== undefined || single.length) {
    const nodes = collection !== undefined ? children(collection, 'Dialog') : single;
    return { ...common, kind: 'dialogs', dialogs: nodes.map(toDialog) };
  }
  const user = child(data, 'user');
  if (user !== undefined) {
    const parsed = toUser(user);
    return { ...common, agent: parsed.loginId, kind: 'user', user: parsed };
  }
  const first = isNode(data) ? Object.keys(data).find((k) => !k.startsWith('@') && k !== '#text') : undefined;
  return {
    ...common,
    kind: 'other',
    what: first ? `<${first}>` : `an update from ${source ?? 'an unknown source'}`,
  };
}

function toDialog(node: unknown, index: number): Dialog {
  const id = text(node, 'id');
  if (!id) throw new InputError(`Dialog ${index + 1} has no <id>`, `Dialog.${index}.id`);
  const media = child(node, 'mediaProperties');
  const mediaProperties: Record<string, string> = {};
  if (isNode(media)) {
    for (const key of Object.keys(media)) {
      if (key.startsWith('@') || key === '#text') continue;
      const value = text(media, key);
      if (value) mediaProperties[key] = value;
    }
  }
  const callVariables: [string, string][] = [];
  for (const variable of children(child(media, 'callvariables'), 'CallVariable')) {
    const name = text(variable, 'name');
    if (name) callVariables.push([name, text(variable, 'value') ?? '']);
  }
  const participants = children(child(node, 'participants'), 'Participant').filter(isNode).map(toParticipant);
  return {
    id,
    ...optional('state', text(node, 'state')?.toUpperCase()),
    ...optional('fromAddress', text(node, 'fromAddress')),
    ...optional('toAddress', text(node, 'toAddress')),
    ...optional('mediaType', text(node, 'mediaType')),
    ...optional('secondaryId', text(node, 'secondaryId')),
    ...optional('associatedDialogUri', text(node, 'associatedDialogUri')),
    ...optional('callbackNumber', text(node, 'callbackNumber')),
    mediaProperties,
    callVariables,
    participants,
  };
}

function toParticipant(node: Node): Participant {
  return {
    ...optional('mediaAddress', text(node, 'mediaAddress')),
    ...optional('mediaAddressType', text(node, 'mediaAddressType')?.toUpperCase()),
    ...optional('state', text(node, 'state')?.toUpperCase()),
    ...optional('stateChangeTime', text(node, 'stateChangeTime')),
  };
}

function toUser(node: unknown): User {
  const loginId = text(node, 'loginId');
  if (!loginId) throw new InputError('the <User> has no <loginId>', 'User.loginId');
  const reason = child(node, 'ReasonCode');
  return {
    loginId,
    ...optional('loginName', text(node, 'loginName')),
    ...optional('extension', text(node, 'extension')),
    ...optional('state', text(node, 'state')?.toUpperCase()),
    ...optional('pendingState', text(node, 'pendingState')),
    ...optional('reasonCodeId', text(node, 'reasonCodeId')),
    ...optional('reasonCodeLabel', text(reason, 'label')),
    ...optional('teamId', text(node, 'teamId')),
    ...optional('teamName', text(node, 'teamName')),
    ...optional('stateChangeTime', text(node, 'stateChangeTime')),
  };
}

/** Spreads `{ [key]: value }` only when the value is a non-empty string. */
export function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}
