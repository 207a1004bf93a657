// Reading Finesse notifications: the safe core parser, then accessors that never throw on odd shapes
// (an element may be a string, an object with attributes, or missing), so fuzzed bodies end in InputError.
import { contentType, type InboundRequest, InputError, parseXml } from '@openconnect/core';

export type Node = Record<string, unknown>;

/** The finesse source's detect(): an XML body (the gadget may send it as text/plain), or an XML content type. */
export function looksLikeXml(req: InboundRequest): boolean {
  const start = req.rawBody
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return start.startsWith('<') || contentType(req).endsWith('xml');
}

/** Elements Finesse repeats; parsed as arrays even when one occurs. */
const ARRAYS = ['Dialog', 'Participant', 'CallVariable', 'action', 'item', 'role', 'wrapUpItem'] as const;

export const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The child element `name` (case-insensitive, since Finesse writes both `<user>` and `<User>`). */
export function child(node: unknown, name: string): unknown {
  if (!isNode(node)) return undefined;
  if (Object.hasOwn(node, name)) return node[name];
  const lower = name.toLowerCase();
  const key = Object.keys(node).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : node[key];
}

/** Every occurrence of a repeated element, whatever the parser made of it. */
export function children(node: unknown, name: string): unknown[] {
  const value = child(node, name);
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

// The parser keeps entities as written (it expands none, so nothing can be smuggled in), which leaves
// the five predefined ones and character references for us to decode in leaf values.
const ENTITY = /&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, ref: string) => {
    if (ref in NAMED) return NAMED[ref]!;
    const code = ref.startsWith('#x') ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The text of a leaf element, decoded and trimmed; undefined when absent or not a leaf. */
export function text(node: unknown, name?: string): string | undefined {
  const value = name === undefined ? node : child(node, name);
  if (typeof value === 'string') return decodeEntities(value).trim();
  if (isNode(value) && typeof value['#text'] === 'string') return decodeEntities(value['#text']).trim();
  if (isNode(value) && Object.keys(value).every((k) => k.startsWith('@'))) return '';
  return undefined;
}

export function attribute(node: unknown, name: string): string | undefined {
  const value = isNode(node) ? node[`@${name}`] : undefined;
  return typeof value === 'string' ? decodeEntities(value) : undefined;
}

/** One Finesse `<Update>` and what the XMPP envelope around it said. */
export interface Envelope {
  update: Node;
  /** The pubsub node, e.g. /finesse/api/User/1001001/Dialogs (XMPP wrapper only). */
  node?: string;
  /** The pubsub item id, unique per published notification (XMPP wrapper only). */
  itemId?: string;
}

export function parseFinesse(body: string): Envelope {
  const doc = parseXml(body, { arrays: ARRAYS });
  const bare = child(doc, 'Update');
  if (bare !== undefined) return { update: asUpdate(bare) };
  const message = child(doc, 'message');
  if (message === undefined) {
    throw new InputError('the XML is neither a Finesse <Update> nor an XMPP <message> carrying one');
  }
  const items = child(child(message, 'event'), 'items');
  const item = children(items, 'item')[0];
  const notification = child(item, 'notification');
  let update = child(notification, 'Update');
  // Some relays put the Update in the notification as escaped text rather than as child elements.
  if (update === undefined) {
    const escaped = text(notification);
    if (escaped?.startsWith('<')) update = child(parseXml(escaped, { arrays: ARRAYS }), 'Update');
  }
  if (update === undefined) throw new InputError('the XMPP <message> carries no <notification><Update>');
  const node = attribute(items, 'node');
  const itemId = attribute(item, 'id');
  return { update: asUpdate(update), ...(node ? { node } : {}), ...(itemId ? { itemId } : {}) };
}

function asUpdate(value: unknown): Node {
  if (Array.isArray(value))
    throw new InputError('the XML holds more than one <Update>; send one per request');
  if (!isNode(value)) throw new InputError('the <Update> element is empty');
  return value;
}

/** The Finesse user id in `/finesse/api/User/{id}` or `/finesse/api/User/{id}/...`. */
export function userIdInPath(path: string | undefined): string | undefined {
  const match = path?.match(/^\/finesse\/api\/User\/([^/\s]+)(?:\/|$)/i);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}
