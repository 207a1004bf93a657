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
  /** Caller number (Automatic Number Identification), as the platform gives it. */
  ani: 'ani',
  /** Dialed number (Dialed Number Identification Service). */
  dnis: 'dnis',
  /** `inbound` or `outbound`. */
  direction: 'direction',
  /** `voice`, `chat`, `email`, `sms`, `task`, `video`, `social` or the vendor's word. */
  channel: 'channel',
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
  /** Wrap-up code or disposition. */
  disposition: 'disposition',
  /** The platform's internal agent id, when it differs from agentid (a GUID, an ARN). */
  agentPlatformId: 'agentPlatformId',
  customerName: 'customerName',
} as const;

export type CanonicalProp = (typeof PROP)[keyof typeof PROP];

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Normalises a vendor's direction word (INBOUND, Inbound, in, "True" for IsInbound...) or undefined. */
export function normaliseDirection(value: unknown): Direction | undefined {
  if (typeof value !== 'string' && typeof value !== 'boolean') return undefined;
  const word = String(value).trim().toLowerCase();
  if (['inbound', 'in', 'incoming', 'true'].includes(word)) return 'inbound';
  if (['outbound', 'out', 'outgoing', 'false', 'external_outbound', 'callback'].includes(word)) return 'outbound';
  return undefined;
}
