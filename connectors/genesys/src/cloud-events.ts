// Genesys Cloud event shapes: the EventBridge envelope (API destination) and the notification message
// a relay forwards ({topicName, eventBody}). Both are reduced to one topic + body, validated by topic.
import { InputError, parseJson, parseWith } from '@openconnect/core';
import { z } from 'zod';
import { isObject } from './shared.js';

const text = z.string();
const optionalText = text.nullish();
const count = z.number().finite().nullish();

/** eventBody of v2.detail.events.conversation.{id}.* (UserStartEvent, UserEndEvent, AfterCallWorkEvent...). */
export const detailBody = z.object({
  eventTime: z.union([z.number().finite(), text]).nullish(),
  conversationId: text.min(1, 'conversationId is required'),
  participantId: optionalText,
  sessionId: optionalText,
  mediaType: optionalText,
  provider: optionalText,
  direction: optionalText,
  ani: optionalText,
  dnis: optionalText,
  addressTo: optionalText,
  addressFrom: optionalText,
  userId: optionalText,
  divisionId: optionalText,
  queueId: optionalText,
  disconnectType: optionalText,
  wrapupCode: optionalText,
  wrapupNotes: optionalText,
  wrapupDurationMs: count,
  interactingDurationMs: count,
  heldDurationMs: count,
  alertingDurationMs: count,
  externalContactId: optionalText,
  externalOrganizationId: optionalText,
  attributes: z.record(text, text).nullish(),
});
export type DetailBody = z.output<typeof detailBody>;

const reference = z.object({ id: optionalText, name: optionalText }).nullish();

/** A participant of the v2.users.{id}.conversations.calls notification (ConversationCallEventTopic). */
export const callParticipant = z.object({
  id: optionalText,
  name: optionalText,
  address: optionalText,
  purpose: optionalText,
  state: optionalText,
  direction: optionalText,
  held: z.boolean().nullish(),
  disconnectType: optionalText,
  user: reference,
  queue: reference,
  // Some relays flatten the references; accept both spellings.
  userId: optionalText,
  queueId: optionalText,
  ani: optionalText,
  dnis: optionalText,
  attributes: z.record(text, text).nullish(),
  wrapup: z.object({ code: optionalText, name: optionalText, notes: optionalText }).nullish(),
});
export type CallParticipant = z.output<typeof callParticipant>;

export const callConversation = z.object({
  id: text.min(1, 'the conversation id is required'),
  participants: z.array(callParticipant).nullish(),
});
export type CallConversation = z.output<typeof callConversation>;

const envelope = z.object({
  version: optionalText,
  id: text.min(1, 'the EventBridge event id is required'),
  'detail-type': text.min(1),
  source: optionalText,
  time: optionalText,
  detail: z.object({
    topicName: optionalText,
    version: optionalText,
    eventBody: z.unknown(),
    metadata: z.object({ CorrelationId: optionalText }).nullish(),
  }),
});

const notification = z.object({
  topicName: text.min(1),
  version: optionalText,
  eventBody: z.unknown(),
  metadata: z.object({ CorrelationId: optionalText }).nullish(),
});

const DETAIL = /^v2\.detail\.events\.conversation\.([^.]+)\.(.+)$/;
const USER_CALLS = /^v2\.users\.([^.]+)\.conversations\.calls$/;

interface Common {
  shape: 'eventbridge' | 'notification';
  /** The envelope id (EventBridge): the de-duplication key. */
  eventId?: string;
  /** The topic with its ids replaced by {id}, as EventBridge puts it in detail-type. */
  topic: string;
}

export type CloudEvent =
  | (Common & { kind: 'detail'; suffix: string; body: DetailBody })
  | (Common & { kind: 'calls'; userId?: string; body: CallConversation })
  | (Common & { kind: 'other' });

const realId = (id: string | undefined) => (id && id !== '{id}' ? id : undefined);

export function parseCloudEvent(raw: unknown): CloudEvent {
  let shape: Common['shape'];
  let eventId: string | undefined;
  let topicName: string;
  let body: unknown;
  if (isObject(raw) && 'detail-type' in raw) {
    const event = parseWith(envelope, raw, 'EventBridge event');
    shape = 'eventbridge';
    eventId = event.id;
    // detail.topicName carries the real ids; detail-type only the pattern.
    topicName = event.detail.topicName || event['detail-type'];
    body = event.detail.eventBody;
  } else if (isObject(raw) && 'topicName' in raw) {
    const message = parseWith(notification, raw, 'Genesys Cloud notification');
    shape = 'notification';
    topicName = message.topicName;
    body = message.eventBody;
  } else {
    throw new InputError(
      'the body is neither an EventBridge event (detail-type, detail) nor a Genesys Cloud notification (topicName, eventBody)',
    );
  }

  const detail = DETAIL.exec(topicName);
  if (detail) {
    const suffix = detail[2]!;
    return {
      shape,
      ...(eventId ? { eventId } : {}),
      topic: `v2.detail.events.conversation.{id}.${suffix}`,
      kind: 'detail',
      suffix,
      body: parseWith(detailBody, body, `${suffix} event body`),
    };
  }
  const calls = USER_CALLS.exec(topicName);
  if (calls) {
    const userId = realId(calls[1]);
    return {
      shape,
      ...(eventId ? { eventId } : {}),
      topic: 'v2.users.{id}.conversations.calls',
      kind: 'calls',
      ...(userId ? { userId } : {}),
      body: parseWith(callConversation, body, 'conversation notification body'),
    };
  }
  return { shape, ...(eventId ? { eventId } : {}), topic: topicName, kind: 'other' };
}

export const parseCloudRequest = (req: Parameters<typeof parseJson>[0]) => parseCloudEvent(parseJson(req));
