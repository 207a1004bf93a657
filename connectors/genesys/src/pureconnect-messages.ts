// PureConnect ICWS messages as received (one, or the array a poll answers), validated: queue contents and
// user status; other message types are kept by name only, to be skipped with a reason.
import { InputError, parseWith } from '@openconnect/core';
import { z } from 'zod';
import { isObject } from './vendor-values.js';

export const QUEUE_CONTENTS = 'urn:inin.com:queues:queueContentsMessage';
export const USER_STATUS = 'urn:inin.com:status:userStatusMessage';

const scalar = z.union([z.string(), z.number().finite(), z.boolean()]).transform(String);
const interactionId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const interaction = z.object({
  interactionId,
  attributes: z.record(z.string(), scalar).nullish(),
});

const queueContents = z.object({
  __type: z.literal(QUEUE_CONTENTS),
  subscriptionId: z.string().nullish(),
  isDelta: z.boolean().nullish(),
  interactionsAdded: z.array(interaction).nullish(),
  interactionsChanged: z.array(interaction).nullish(),
  interactionsRemoved: z.array(interactionId).nullish(),
});

const userStatus = z.object({
  __type: z.literal(USER_STATUS),
  userStatusList: z.array(
    z.object({
      userId: z.string().min(1),
      statusId: z.string().min(1),
      loggedIn: z.boolean().nullish(),
      onPhone: z.boolean().nullish(),
    }),
  ),
});

type Message = z.output<typeof queueContents> | z.output<typeof userStatus> | { __type: string; other: true };

export interface PureConnectRequest {
  messages: Message[];
  headers: Record<string, string>;
}

/**
 * ICWS messages as received (one, or the array a poll answers) → what map reads. Shared by the relay
 * source and the built-in session, so both paths read messages alike.
 */
export function readMessages(body: unknown, headers: Record<string, string>): PureConnectRequest {
  // ICWS answers a poll with an array of messages; a relay may forward it whole or one by one.
  const messages = (Array.isArray(body) ? body : [body]).map(parseMessage);
  if (!messages.length)
    throw new InputError('the body is an empty array; at least one ICWS message was expected');
  return { messages, headers };
}

function parseMessage(value: unknown): Message {
  if (!isObject(value) || typeof value.__type !== 'string') {
    throw new InputError('an ICWS message needs a string __type');
  }
  if (value.__type === QUEUE_CONTENTS) return parseWith(queueContents, value, 'ICWS queueContentsMessage');
  if (value.__type === USER_STATUS) return parseWith(userStatus, value, 'ICWS userStatusMessage');
  return { __type: value.__type, other: true };
}
