// Reading what AES sends: every message goes through the core's safe parser (DTDs and entities refused),
// then these helpers walk the parsed tree. Shapes from the DMCC XML guide and f-me/dmcc
// (src/DMCC/XML/Response.hs); a value AES may send with attributes (`<device typeOfNumber=..>`) is read
// as its text either way.
import { InputError, parseXml } from '@openconnect/core';

export type Node = Record<string, unknown>;

export interface Message {
  /** The root element's local name: StartApplicationSessionPosResponse, DeliveredEvent, CSTAErrorCode... */
  name: string;
  body: Node;
}

/** Parses one DMCC message. Throws InputError for XML the safe parser refuses or an empty document. */
export function readMessage(xml: string): Message {
  const tree = parseXml(xml, { entities: true });
  // parseXml drops the declaration and comments: a processing instruction (`?name`) is the only key that is no element.
  const name = Object.keys(tree).find((key) => !key.startsWith('?'));
  // Stryker disable next-line ConditionalExpression,StringLiteral: parseXml refuses a document without a root element (its validator), so none reaches here
  if (!name) throw new InputError('the DMCC message has no root element');
  const body = tree[name];
  return { name, body: body && typeof body === 'object' ? (body as Node) : { '#text': body } };
}

/** The text of an element: a string, or the text of an element that also has attributes. */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node.trim() || undefined;
  if (typeof node === 'number') return String(node);
  if (Array.isArray(node)) return text(node[0]);
  if (node && typeof node === 'object' && '#text' in node) return text((node as Node)['#text']);
  return undefined;
}

/** The first element named `name` at or below `node`, shallowest first (children before grandchildren). */
export function find(node: unknown, name: string, depth = 8): unknown {
  let level: unknown[] = [node];
  for (let d = 0; d <= depth && level.length; d++) {
    // Stryker disable next-line ArrayDeclaration: a string in the next level is skipped as no element, like every text
    const next: unknown[] = [];
    for (const item of level) {
      if (!item || typeof item !== 'object') continue;
      if (Array.isArray(item)) {
        next.push(...item);
        continue;
      }
      for (const [key, value] of Object.entries(item)) {
        if (key === name) return value;
        // Attributes and text are strings, which hold no element: the next level skips them.
        next.push(value);
      }
    }
    level = next;
  }
  return undefined;
}

export const findText = (node: unknown, name: string) => text(find(node, name));

/** The refusal in an error answer, as `<category>: <value>` (CSTAErrorCode, errorCode of a NegResponse). */
export function refusalOf(message: Message): string {
  const holder =
    message.name === 'CSTAErrorCode'
      ? message.body
      : ((message.body.errorCode as Node | undefined) ?? message.body);
  for (const [key, value] of Object.entries(holder)) {
    if (key.startsWith('@') || key === '#text') continue;
    const said =
      text(value) ??
      (value && typeof value === 'object' ? Object.keys(value).find((k) => !k.startsWith('@')) : undefined);
    return said ? `${key}: ${said}` : key;
  }
  return text(holder) ?? 'no reason given';
}

/** Whether a message is a refusal: CSTAErrorCode or any *NegResponse. */
export const isRefusal = (message: Message) =>
  message.name === 'CSTAErrorCode' || message.name.endsWith('NegResponse');

export interface StartedSession {
  sessionId: string;
  protocol: string;
  durationS: number;
}

export function startedSession(
  message: Message,
  requested: { protocol: string; durationS: number },
): StartedSession {
  const sessionId = text(message.body.sessionID);
  if (!sessionId) throw new InputError('StartApplicationSessionPosResponse holds no sessionID');
  const duration = Number(text(message.body.actualSessionDuration));
  return {
    sessionId,
    protocol: text(message.body.actualProtocolVersion) ?? requested.protocol,
    durationS: Number.isFinite(duration) && duration > 0 ? duration : requested.durationS,
  };
}

/**
 * The agent logged on at the station, from GetAgentStateResponse: the first agentStateEntry whose
 * loggedOnState is true, its agentID (ECMA-323 names; that AES fills agentID for a station is a belief).
 */
export function loggedOnAgent(message: Message): string | undefined {
  const list = find(message.body, 'agentStateEntry');
  // Stryker disable next-line ArrayDeclaration: a string entry has no loggedOnState nor agentID, so it names no agent either
  const entries = Array.isArray(list) ? list : list ? [list] : [];
  for (const entry of entries) {
    if (text((entry as Node).loggedOnState) === 'false') continue;
    const agent = text((entry as Node).agentID);
    if (agent) return agent;
  }
  return undefined;
}
