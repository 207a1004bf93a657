// What a task is, as a call: its leg, its channel and the customer's number. Read from TaskRouter's
// transfer fields and the task attributes Flex writes; the attribute names that are beliefs are options.
import { type Leg, lookUp, normaliseChannel, normaliseDirection, type StateStore } from '@openconnect/core';
import type { TwilioFlexConfig } from './config.js';
import type { Attributes, TaskRouterEvent } from './event.js';

export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/** The value at a dotted path of the task attributes (`conversations.conversation_id`). */
export function attributeAt(attributes: Attributes, path: string): unknown {
  let value: unknown = attributes;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export interface LegOf {
  leg: Leg;
  /** The call's first task, when this leg is not it. */
  parent?: string | undefined;
}

/**
 * A TaskRouter transfer (Flex's native voice transfer) gives the receiver a new reservation on the same
 * task, marked with TransferMode: COLD is a transfer, WARM a consult (the initiator stays until they
 * leave). A transfer Flex makes as a new task (conversation transfers) carries `transferTargetType` and
 * names the first task in `conversations.conversation_id`. Anything else is the call's first leg.
 */
export function legOf(event: TaskRouterEvent, config: TwilioFlexConfig): LegOf {
  const task = event.taskAttributes ?? {};
  const named = text(attributeAt(task, config.parentAttribute));
  const parent = named && named !== event.taskSid ? named : undefined;
  const mode = event.transferMode?.toUpperCase();
  if (mode === 'WARM' || mode === 'COLD') {
    return { leg: mode === 'WARM' ? config.warmTransferLeg : 'transfer', parent: parent ?? event.taskSid };
  }
  if (text(attributeAt(task, config.transferAttribute))) return { leg: 'transfer', parent };
  return { leg: 'primary' };
}

/** Flex Conversations' `channelType` → channel; other words go through core's normaliseChannel. */
const CONVERSATION_CHANNELS: Readonly<Record<string, string>> = {
  web: 'chat',
  chat: 'chat',
  sms: 'sms',
  whatsapp: 'messaging',
  gbm: 'messaging',
  messenger: 'social',
  email: 'email',
};

/**
 * The media: a Flex Conversations task says which in `channelType` (its task channel is `chat` for web
 * chat, SMS and WhatsApp alike); TaskRouter's catch-all `default` channel is a generic task; a voice task
 * Flex's callback feature made (`taskType: callback`) is a callback.
 */
export function channelOf(event: TaskRouterEvent): string | undefined {
  const task = event.taskAttributes ?? {};
  const unique = event.taskChannelUniqueName?.trim().toLowerCase();
  const channelType = text(task.channelType)?.trim().toLowerCase();
  if (channelType && unique !== 'voice')
    return lookUp(CONVERSATION_CHANNELS, channelType) ?? normaliseChannel(channelType);
  if (unique === 'voice' && text(task.taskType)?.toLowerCase() === 'callback') return 'callback';
  if (unique === 'default') return 'task';
  return normaliseChannel(unique);
}

/**
 * The customer's number both ways: the caller on an inbound task; on an outbound call (Flex's dialpad
 * task: direction outbound, `to` the number dialed, `from` the caller id) the number dialed.
 */
export function numbersOf(task: Attributes): { ani?: string; dnis?: string; direction?: string } {
  const direction = normaliseDirection(task.direction);
  const caller = text(task.from) ?? text(task.caller);
  const called = text(task.outbound_to) ?? text(task.to) ?? text(task.called);
  const [ani, dnis] =
    direction === 'outbound' ? [called, caller] : [caller, text(task.to) ?? text(task.called)];
  return {
    ...(ani ? { ani } : {}),
    ...(dnis ? { dnis } : {}),
    ...(direction ? { direction } : {}),
  };
}

/** A call lasts hours at most; a day covers wrap-up and late retries. */
export const POP_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Core's third rule: one `offered` and one `answered` per agent per call. A second reservation for a worker
 * already on the call (a transfer back to them, or a rejoin) is not popped again. The reservation that made
 * the pop is kept, so a retry of that same event (its first delivery failed) maps again.
 */
export async function firstPop(
  state: StateStore,
  call: string,
  agent: string,
  lifecycle: string,
  reservation: string | undefined,
): Promise<boolean> {
  const key = `popped:${call}:${agent}:${lifecycle}`;
  const seen = await state.get<string>(key);
  if (seen !== undefined && seen !== (reservation ?? '')) return false;
  await state.set(key, reservation ?? '', POP_TTL_MS);
  return true;
}
