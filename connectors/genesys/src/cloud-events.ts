// Genesys Cloud event shapes: the EventBridge envelope (API destination) and the notification message
// a relay forwards ({topicName, eventBody}). Both are reduced to one topic + body, validated by topic.
import { InputError, parseJson, parseWith } from '@openconnect/core';
import { z } from 'zod';
import { isObject } from './vendor-values.js';

const text = z.string();

/** Genesys Cloud ids (users, queues, conversations) are GUIDs. */
export const GENESYS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
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
  /** A MESSAGE conversation's channel: sms, whatsapp, webmessaging, facebook... */
  messageType: optionalText,
  attributes: z.record(text, text).nullish(),
});
export type DetailBody = z.output<typeof detailBody>;

const reference = z.object({ id: optionalText, name: optionalText }).nullish();
const wrapup = z.object({ code: optionalText, name: optionalText, notes: optionalText }).nullish();
/** An endpoint of a communication (QueueConversationEventTopicAddress). */
const address = z
  .object({
    name: optionalText,
    nameRaw: optionalText,
    addressNormalized: optionalText,
    addressRaw: optionalText,
  })
  .nullish();

/** The conversation media a topic or a participant carries, as Genesys spells them in topic names. */
export const CLOUD_MEDIA = ['calls', 'chats', 'messages', 'callbacks', 'emails'] as const;
export type CloudMedia = (typeof CLOUD_MEDIA)[number];

/**
 * One communication of a participant in the queue topic (QueueConversationEventTopicCall, ...Chat...):
 * there the state sits on the media entry, not on the participant.
 */
export const mediaEntry = z.object({
  id: optionalText,
  state: optionalText,
  held: z.boolean().nullish(),
  direction: optionalText,
  disconnectType: optionalText,
  self: address,
  other: address,
  wrapup,
  type: optionalText,
  connectedTime: optionalText,
  disconnectedTime: optionalText,
});
export type MediaEntry = z.output<typeof mediaEntry>;
const mediaList = z.array(mediaEntry).nullish();

/**
 * A participant of a conversation notification: v2.users.{id}.conversations.{media} (state on the
 * participant, `user.id`) or v2.routing.queues.{id}.conversations (`userId`, state per media entry).
 */
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
  // The queue topic (and some relays) name them flat.
  userId: optionalText,
  queueId: optionalText,
  ani: optionalText,
  dnis: optionalText,
  attributes: z.record(text, text).nullish(),
  wrapup,
  wrapupRequired: z.boolean().nullish(),
  connectedTime: optionalText,
  endTime: optionalText,
  /** A consult transfer's target participant names the participant being transferred (the customer). */
  consultParticipantId: optionalText,
  /** A supervisor's participant monitoring, coaching or barging in on another. */
  monitoredParticipantId: optionalText,
  coachedParticipantId: optionalText,
  bargedParticipantId: optionalText,
  /** A messages participant's channel: sms, whatsapp, webmessaging... */
  type: optionalText,
  calls: mediaList,
  chats: mediaList,
  // In a v2.users.{id}.conversations.messages participant, `messages` lists message details instead.
  messages: mediaList,
  callbacks: mediaList,
  emails: mediaList,
});
export type CallParticipant = z.output<typeof callParticipant>;

export const callConversation = z.object({
  id: text.min(1, 'the conversation id is required'),
  /** For an inbound call, the number the customer dialled (Conversation.address). */
  address: optionalText,
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
  }),
});

const notification = z.object({
  topicName: text.min(1),
  version: optionalText,
  eventBody: z.unknown(),
});

// Stryker disable next-line Regex: (.+) is greedy and topic names hold no line breaks, so the $ changes nothing
const DETAIL = /^v2\.detail\.events\.conversation\.([^.]+)\.(.+)$/;
const USER_CONVERSATIONS = new RegExp(`^v2\\.users\\.([^.]+)\\.conversations\\.(${CLOUD_MEDIA.join('|')})$`);
const QUEUE_CONVERSATIONS = /^v2\.routing\.queues\.([^.]+)\.conversations$/;

interface Common {
  shape: 'eventbridge' | 'notification';
  /** The envelope id (EventBridge): the de-duplication key. */
  eventId?: string;
  /** The topic with its ids replaced by {id}, as EventBridge puts it in detail-type. */
  topic: string;
}

export type CloudEvent =
  | (Common & { kind: 'detail'; suffix: string; body: DetailBody })
  /** A user's conversations of one medium: the agent is the topic's user. */
  | (Common & { kind: 'calls'; media: CloudMedia; userId?: string; body: CallConversation })
  /** A queue's conversations, every medium, with every agent participant. */
  | (Common & { kind: 'queue'; queueId?: string; body: CallConversation })
  | (Common & { kind: 'other' });

/** The id a topic names, or undefined for the pattern's `{id}` (the regexes match no empty id). */
const realId = (id: string) => (id === '{id}' ? undefined : id);

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
  const calls = USER_CONVERSATIONS.exec(topicName);
  if (calls) {
    const userId = realId(calls[1]!);
    const media = calls[2] as CloudMedia;
    return {
      shape,
      ...(eventId ? { eventId } : {}),
      topic: `v2.users.{id}.conversations.${media}`,
      kind: 'calls',
      media,
      ...(userId ? { userId } : {}),
      body: parseWith(callConversation, body, 'conversation notification body'),
    };
  }
  const queue = QUEUE_CONVERSATIONS.exec(topicName);
  if (queue) {
    const queueId = realId(queue[1]!);
    return {
      shape,
      ...(eventId ? { eventId } : {}),
      topic: 'v2.routing.queues.{id}.conversations',
      kind: 'queue',
      ...(queueId ? { queueId } : {}),
      body: parseWith(callConversation, body, 'queue conversation notification body'),
    };
  }
  return { shape, ...(eventId ? { eventId } : {}), topic: topicName, kind: 'other' };
}

export const parseCloudRequest = (req: Parameters<typeof parseJson>[0]) => parseCloudEvent(parseJson(req));
