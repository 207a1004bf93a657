// The words every connector shares. Vendors' own statuses are mapped onto these by a plain switch in
// each connector; deployments then map these onto their PopFlow event names.

export const LIFECYCLES = [
  /** The interaction is ringing or presented to the agent. */
  'offered',
  /** The agent accepted or answered: the usual screen-pop moment. */
  'answered',
  'held',
  'resumed',
  'transferred',
  /** The conversation with the customer is over (after-call work may follow). */
  'ended',
  /** After-call work started. */
  'wrapup',
  /** Everything is finished, after-call work included (dispositioned). */
  'completed',
  /** The agent logged in, logged out or changed state (ready, not ready, break...). */
  'agent_state',
  /** A vendor-specific trigger with its own event name (Draft.event). */
  'custom',
] as const;

export type Lifecycle = (typeof LIFECYCLES)[number];

export function isLifecycle(value: string): value is Lifecycle {
  return (LIFECYCLES as readonly string[]).includes(value);
}

/**
 * Default PopFlow event names: the lifecycle word itself, so a PopFlow published to the event
 * `answered` fires on every platform. Deployments override them per connector (`events` in the config).
 */
export const DEFAULT_EVENT_NAMES: Readonly<Record<Lifecycle, string>> = Object.freeze({
  offered: 'offered',
  answered: 'answered',
  held: 'held',
  resumed: 'resumed',
  transferred: 'transferred',
  ended: 'ended',
  wrapup: 'wrapup',
  completed: 'completed',
  agent_state: 'agent_state',
  custom: 'custom',
});

/** Canonical prop names. Connectors fill what the platform knows and add vendor props beside them. */
export const PROP = {
  /** The platform's id of the call/contact/task/conversation. */
  interactionId: 'interactionId',
  /**
   * The customer's number, whatever the direction: the caller (Automatic Number Identification) on an
   * inbound call, the number dialed on an outbound call. A PopFlow looks the customer up by `ani` both ways.
   */
  ani: 'ani',
  /** The contact center's number: dialed by the customer (inbound), or presented as caller id (outbound). */
  dnis: 'dnis',
  /** `inbound` or `outbound`. */
  direction: 'direction',
  /** One of CHANNELS (`voice`, `chat`, `email`, `sms`, `messaging`, `social`, `task`, `callback`, `video`) or the vendor's word. */
  channel: 'channel',
  /** Which leg of the call this is, one of LEGS (see legs.ts): set on every `offered` and `answered`. */
  leg: 'leg',
  /**
   * The id that ties a call's legs together: the platform's id of the call's first leg (initial/master
   * contact, original task or conversation). Set on every leg but `primary` when the platform gives it.
   */
  parentInteractionId: 'parentInteractionId',
  /** Queue, skill, workgroup or CSQ name. */
  queue: 'queue',
  queueId: 'queueId',
  /** The vendor's own event or state name, unchanged. */
  nativeEvent: 'nativeEvent',
  /** The canonical lifecycle word of this message. */
  lifecycle: 'lifecycle',
  /** Which platform the connector covers sent it, e.g. "PureConnect". */
  platform: 'platform',
  /** The agent's state for agent_state messages (e.g. Available, NotReady). */
  agentState: 'agentState',
  /** The state the agent left, on agent_state messages, where the platform sends it. */
  previousAgentState: 'previousAgentState',
  /**
   * The platform's own time of the moment reported (ISO 8601, e.g. Connect's disconnectTimestamp on `ended`),
   * beside the time the runner received it. Set where the platform sends one.
   */
  eventTime: 'eventTime',
  /** Wrap-up code or disposition. */
  disposition: 'disposition',
  /** The platform's internal agent id, when it differs from agentid (a GUID, an ARN). */
  agentPlatformId: 'agentPlatformId',
  customerName: 'customerName',
} as const;

export type CanonicalProp = (typeof PROP)[keyof typeof PROP];

/** The media of an interaction, as the `channel` prop spells it on every platform. */
export const CHANNELS = [
  'voice',
  'chat',
  'email',
  'sms',
  'messaging',
  'social',
  'task',
  'callback',
  'video',
] as const;
export type Channel = (typeof CHANNELS)[number];

const CHANNEL_WORDS: Readonly<Record<string, Channel>> = {
  voice: 'voice',
  call: 'voice',
  phone: 'voice',
  telephony: 'voice',
  inbound_call: 'voice',
  outbound_call: 'voice',
  chat: 'chat',
  webchat: 'chat',
  web_chat: 'chat',
  livechat: 'chat',
  email: 'email',
  'e-mail': 'email',
  mail: 'email',
  sms: 'sms',
  text: 'sms',
  messaging: 'messaging',
  message: 'messaging',
  messages: 'messaging',
  whatsapp: 'messaging',
  'digital messaging': 'messaging',
  social: 'social',
  facebook: 'social',
  twitter: 'social',
  task: 'task',
  tasks: 'task',
  workitem: 'task',
  work_item: 'task',
  callback: 'callback',
  video: 'video',
};

/**
 * A look-up table's own entry for a vendor's word, else undefined. `TABLE[word]` would find what every object
 * inherits: "toString" a function, "__proto__" Object.prototype.
 */
export function lookUp<V>(table: Readonly<Record<string, V>>, word: string): V | undefined {
  return Object.hasOwn(table, word) ? table[word] : undefined;
}

/** Sets a table's own entry for a vendor's word: `table[word] = value` would set the prototype for "__proto__". */
export function putOwn<V>(table: Record<string, V>, word: string, value: V): void {
  Object.defineProperty(table, word, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A vendor's media word (VOICE, Chat, WorkItem, E-Mail...) as one of CHANNELS; a word not known here is
 * kept, lower-cased, so a new vendor channel still reaches the PopFlow.
 */
export function normaliseChannel(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (!word) return undefined;
  return lookUp(CHANNEL_WORDS, word) ?? lookUp(CHANNEL_WORDS, word.replace(/[\s-]+/g, '_')) ?? word;
}

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Normalises a vendor's direction word (INBOUND, Inbound, in, "True" for IsInbound...) or undefined. */
export function normaliseDirection(value: unknown): Direction | undefined {
  if (typeof value !== 'string' && typeof value !== 'boolean') return undefined;
  const word = String(value).trim().toLowerCase();
  if (['inbound', 'in', 'incoming', 'true'].includes(word)) return 'inbound';
  if (['outbound', 'out', 'outgoing', 'false', 'external_outbound', 'callback'].includes(word))
    return 'outbound';
  return undefined;
}
