// Reading 8x8 Event Streaming: a Pulsar frame `{messageId, payload (base64 JSON), ...}` or its decoded
// payload, whose single top-level key names the event type or its family (then `event` names the type);
// and `attachedData` in every spelling seen. stream.ts maps what this reads.
import { flattenProps, type InboundRequest, InputError, parseJson, parseWith } from '@openconnect/core';
import { z } from 'zod';

export const PLATFORM = '8x8 Contact Center';
export const RELAY_HEADER = 'x-relay-token';

export const scalar = z.union([z.string(), z.number(), z.boolean()]);
const frame = z.looseObject({
  messageId: z.string().min(1),
  payload: z.string().min(1, 'payload must be the base64 event JSON'),
  publishTime: z.string().optional(),
  redeliveryCount: z.number().optional(),
});
const body = z.record(z.string(), z.looseObject({}));
const inner = z.looseObject({
  event: scalar.optional(),
  msgInfo: z.looseObject({ instanceId: scalar.optional(), sequenceId: scalar.optional() }).optional(),
  interactionGUID: scalar.optional(),
  callState: z.string().optional(),
  agentId: scalar.optional(),
  agentGUID: scalar.optional(),
  agentGuid: scalar.optional(),
  // 8x8's docs show {attachedDatum: [{attachedDataKey, attachedDataValue}]}; other public material a list
  // of {attribute, value}, or a flat map. All are read.
  attachedData: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
});

export interface StreamEvent {
  type: string;
  messageId?: string;
  fields: z.output<typeof inner>;
}

function decode(text: string): unknown {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text.trim())) throw new InputError('payload is not base64', 'payload');
  const json = Buffer.from(text, 'base64').toString('utf8');
  try {
    return JSON.parse(json);
  } catch {
    throw new InputError('payload does not decode to JSON', 'payload');
  }
}

export function parseStream(req: InboundRequest): StreamEvent {
  return parseStreamValue(parseJson(req));
}

/** A Pulsar frame `{messageId, payload, ...}` or a decoded payload, as JSON already parsed. */
export function parseStreamValue(value: unknown): StreamEvent {
  const isFrame = !!value && typeof value === 'object' && 'payload' in value && 'messageId' in value;
  const wrapped = isFrame ? parseWith(frame, value, 'Event Streaming frame') : undefined;
  const payload = parseWith(body, wrapped ? decode(wrapped.payload) : value, 'Event Streaming payload');
  const keys = Object.keys(payload);
  if (keys.length !== 1) {
    throw new InputError(
      `the event payload must have one top-level key naming the event type; it has ${keys.length}`,
    );
  }
  const key = keys[0]!;
  const fields = parseWith(inner, payload[key], `${key} event`);
  // The key names a family ("Interaction", "AgentProvChange") when `event` names the type.
  // Stryker disable next-line ConditionalExpression: `event` is a scalar, and no number or boolean reads as a PascalCase name
  const type = typeof fields.event === 'string' && /^[A-Z][A-Za-z]+$/.test(fields.event) ? fields.event : key;
  return { type, ...(wrapped ? { messageId: wrapped.messageId } : {}), fields };
}

/** The relay's frame id, or the event's own instance and sequence when only the payload was sent. */
export function streamEventId(e: StreamEvent): string | undefined {
  if (e.messageId) return e.messageId;
  const info = e.fields.msgInfo;
  return info?.instanceId !== undefined && info.sequenceId !== undefined
    ? `${info.instanceId}:${info.sequenceId}`
    : undefined;
}

export type Scalar = string | number | boolean;
export const isScalar = (value: unknown): value is Scalar => scalar.safeParse(value).success;

export function attachedData(fields: StreamEvent['fields']): Record<string, Scalar> {
  const data = fields.attachedData;
  const out: Record<string, Scalar> = {};
  if (Array.isArray(data)) {
    for (const item of data) {
      if (!item || typeof item !== 'object') continue;
      const entry = item as Record<string, unknown>;
      const name = entry.attachedDataKey ?? entry.attribute ?? entry.key ?? entry.name;
      const value = 'attachedDataValue' in entry ? entry.attachedDataValue : entry.value;
      if (typeof name === 'string' && name && isScalar(value)) out[name] = value;
    }
  } else if (data) {
    // `{attachedDatum: [...]}` is the list form under a wrapper key.
    const list = Object.values(data).find(Array.isArray);
    if (Object.keys(data).length === 1 && list) return attachedData({ attachedData: list });
    Object.assign(out, flattenProps(data));
  }
  return out;
}
