// A DMCC event as the session hands it on: the XML as AES sent it, plus what only the session knows (the
// station whose monitor reported it, the agent logged on there). `parse` turns it into the `aes` source's
// bridge-contract event, so the built-in session and a bridge are mapped by the one `aes` mapping.
import { lookUp, parseWith } from '@openconnect/core';
import { z } from 'zod';
import { type AesEvent, parseAesEvent } from '../aes.js';
import { find, findText, type Message, type Node, readMessage, text } from './responses.js';

export interface DmccFrame {
  /** The station extension of the monitor that reported the event (its monitorCrossRefID, resolved). */
  monitoredDevice: string;
  /** The agent logged on at that station, when the session knows it (GetAgentState, AgentLoggedOnEvent). */
  agentId?: string;
  /** The event's XML, as AES sent it. */
  xml: string;
}

const frameSchema = z.object({
  monitoredDevice: z.string().regex(/^\d{1,16}$/, 'monitoredDevice must be a station extension'),
  agentId: z.string().min(1).optional(),
  xml: z.string().min(1),
});

// The connection and device elements of the CSTA events the mapping reads (ECMA-323 names, as DMCC sends them).
const CONNECTIONS = [
  'connection',
  'establishedConnection',
  'heldConnection',
  'retrievedConnection',
  'droppedConnection',
  'originatedConnection',
  'primaryOldCall',
  'secondaryOldCall',
];
const DEVICES = [
  'alertingDevice',
  'answeringDevice',
  'holdingDevice',
  'retrievingDevice',
  'releasingDevice',
  'transferringDevice',
  'transferredToDevice',
  'conferencingDevice',
  'addedParty',
  'callingDevice',
  'calledDevice',
  'lastRedirectionDevice',
];
/** CSTA spells it with one r; the bridge contract (like TSAPI and JTAPI) with two. */
const RENAMED: Record<string, string> = { TransferedEvent: 'TransferredEvent' };

/** `<x><deviceIdentifier>4001:CM1::0</deviceIdentifier></x>` (or the text of `<x>` itself). */
const deviceOf = (node: unknown) => text((node as Node | undefined)?.deviceIdentifier) ?? text(node);

/** The bridge-contract event for one DMCC event (root element name ending in Event). */
export function toBridgeEvent(
  message: Message,
  station: { monitoredDevice: string; agentId?: string },
): Record<string, unknown> {
  const { body } = message;
  const out: Record<string, unknown> = {
    eventType: lookUp(RENAMED, message.name) ?? message.name,
    monitoredDevice: station.monitoredDevice,
  };
  const agentId = text(body.agentID) ?? station.agentId;
  if (agentId) out.agentId = agentId;
  for (const name of CONNECTIONS) {
    const connection = body[name] as Node | undefined;
    const callID = text(connection?.callID);
    const deviceID = text(connection?.deviceID);
    if (callID || deviceID) out[name] = { ...(callID ? { callID } : {}), ...(deviceID ? { deviceID } : {}) };
  }
  for (const name of DEVICES) {
    const device = deviceOf(body[name]);
    if (device) out[name] = device;
  }
  const cause = text(body.cause);
  if (cause) out.cause = cause;
  // Avaya private data: element names from f-me/dmcc (UCID anywhere in the event) and TSAPI (split, userInfo): beliefs.
  const extensions = body.extensions;
  const ucid = findText(body, 'globallyUniqueCallLinkageID') ?? findText(extensions, 'ucid');
  const split = deviceOf(find(extensions, 'split'));
  const uuiNode = find(extensions, 'userToUserInfo') ?? find(extensions, 'userInfo');
  const uui = text((uuiNode as Node | undefined)?.data) ?? text(uuiNode);
  if (ucid || split || uui)
    out.privateData = {
      ...(ucid ? { ucid } : {}),
      ...(split ? { split } : {}),
      ...(uui ? { userToUserInfo: uui } : {}),
    };
  const vdn = deviceOf(find(body, 'distributingVDN'));
  if (vdn) out.distributingVDN = vdn;
  return out;
}

// The session parses each event once to route it (monitorCrossRefID); parse then takes that tree instead of
// parsing the same text again (XML parsing is most of an event's cost). Used once, bounded, same text only.
const routed = new Map<string, Message>();
const ROUTED_MAX = 4_096;

/** Called by the session with an event it parsed and is about to hand on. */
export function parsedForFrame(xml: string, message: Message): void {
  if (routed.size >= ROUTED_MAX) routed.delete(routed.keys().next().value!);
  routed.set(xml, message);
}

/** A frame → the `aes` event. Throws InputError for a frame, XML or event that breaks the contract. */
export function parseDmccFrame(value: unknown): AesEvent {
  const frame = parseWith(frameSchema, value, 'DMCC frame');
  const known = routed.get(frame.xml);
  // Stryker disable next-line ConditionalExpression: deleting a text that is not held does nothing
  if (known) routed.delete(frame.xml);
  const message = known ?? readMessage(frame.xml);
  return parseAesEvent(toBridgeEvent(message, frame));
}
