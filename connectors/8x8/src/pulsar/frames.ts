// What the Pulsar WebSocket consumer reads and writes. Read: a message `{messageId, payload (base64),
// properties, publishTime, redeliveryCount}`, or a control frame (it carries `type` or `endOfTopic`:
// 8x8's examples skip those and never acknowledge them). Written: `{"messageId"}` to acknowledge,
// `{"type":"negativeAcknowledge","messageId"}` to hand a message back for redelivery.

/** A Pulsar message as the consumer endpoint sends it; the subscription's `parse` reads the payload. */
export interface PulsarFrame {
  messageId: string;
  payload: string;
  properties?: Record<string, string>;
  publishTime?: string;
  redeliveryCount?: number;
  [field: string]: unknown;
}

export type ReadFrame =
  | { kind: 'message'; frame: PulsarFrame }
  | { kind: 'control'; what: string }
  | { kind: 'bad'; reason: string };

const preview = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

export function readFrame(text: string): ReadFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      kind: 'bad',
      reason: `the event stream sent a frame that is not JSON: ${JSON.stringify(preview(text))}`,
    };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return {
      kind: 'bad',
      reason: `the event stream sent a frame that is not a JSON object: ${JSON.stringify(preview(text))}`,
    };
  }
  const object = value as Record<string, unknown>;
  if (object.type !== undefined || object.endOfTopic !== undefined) {
    return { kind: 'control', what: String(object.type ?? `endOfTopic ${object.endOfTopic}`) };
  }
  if (typeof object.messageId !== 'string' || !object.messageId) {
    return {
      kind: 'bad',
      reason: 'the event stream sent a frame without a messageId; it cannot be acknowledged',
    };
  }
  // The payload itself is checked by the subscription's parse, which counts a bad one and has it acknowledged.
  return { kind: 'message', frame: object as PulsarFrame };
}

export const ack = (messageId: string) => JSON.stringify({ messageId });
export const nack = (messageId: string) => JSON.stringify({ type: 'negativeAcknowledge', messageId });
