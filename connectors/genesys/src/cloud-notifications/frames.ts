// What arrives on a notification WebSocket. Only `{topicName, eventBody}` messages of subscribed topics
// are events; heartbeats, pongs and subscription answers only show the socket is alive, and two
// system messages end the channel: socket_closing (maintenance, about a minute ahead) and a 404 result
// (the channel expired, was evicted by a 21st channel, or its token expired).
import { isObject } from '../vendor-values.js';

export type Frame =
  | { kind: 'event'; message: Record<string, unknown> }
  | { kind: 'alive'; what: string }
  | { kind: 'closing' }
  | { kind: 'gone'; reason: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'bad'; reason: string };

export const HEARTBEAT_TOPIC = 'channel.metadata';
export const SOCKET_CLOSING_TOPIC = 'v2.system.socket_closing';
/** Sent when the socket has been quiet; Genesys answers with a channel.metadata pong. */
export const PING = JSON.stringify({ message: 'ping' });

export function readFrame(text: string): Frame {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'bad', reason: `a notification frame is not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  if (!isObject(message)) return { kind: 'bad', reason: 'a notification frame is not a JSON object' };
  const topic = message.topicName;
  if (topic === HEARTBEAT_TOPIC) return { kind: 'alive', what: 'heartbeat' };
  if (topic === SOCKET_CLOSING_TOPIC) return { kind: 'closing' };
  if (typeof topic === 'string' && 'eventBody' in message) return { kind: 'event', message };
  const result = message.result === undefined ? undefined : String(message.result);
  if (result === '404')
    return {
      kind: 'gone',
      reason:
        'Genesys Cloud ended the notification channel (result 404: expired, evicted by a 21st channel, or its token expired)',
    };
  if (result === '200') return { kind: 'alive', what: 'subscription answer' };
  if (result !== undefined) {
    const detail = typeof message.message === 'string' ? `: ${message.message.slice(0, 200)}` : '';
    return {
      kind: 'refused',
      reason: `Genesys Cloud answered a socket request with result ${result}${detail}`,
    };
  }
  return { kind: 'bad', reason: 'a notification frame has neither topicName and eventBody nor result' };
}
