// What a mapping works with, whatever brought the event (a webhook request or a held session's frame): the
// drafts it returns, the context it is given, and when its state writes take effect.
import type { Props } from './message.js';
import type { StateStore } from './state.js';
import type { Lifecycle } from './vocabulary.js';

/** One OpenConnect message in the making: who, what happened, and the interaction data. */
export interface Draft {
  /** The agent's login on the telephony platform, exactly as OpenConnect expects it (case-sensitive). */
  agentid: string;
  lifecycle: Lifecycle;
  /** Canonical props (PROP) plus vendor props, flat. Include PROP.nativeEvent. */
  props: Props;
  /** A PopFlow event name suggested by the vendor data itself (used for lifecycle `custom`). */
  event?: string;
  /**
   * The vendor's own id of what this draft reports, when one request carries several (a batch of
   * records): the outbox delivers it once even if it comes back in another batch. Without it, drafts
   * share the request's event id, numbered by position.
   */
  dedupeId?: string;
}

/** A request that carries nothing to deliver: answered 2xx, counted, logged with the reason. */
export interface Ignored {
  ignored: string;
}

export type MapResult = Draft | Draft[] | Ignored;

export const ignore = (reason: string): Ignored => ({ ignored: reason });
export const isIgnored = (result: unknown): result is Ignored =>
  typeof result === 'object' && result !== null && typeof (result as Ignored).ignored === 'string';

/** Static platform-id → agent-login entries from the deployment config. */
export interface Directory {
  get(platformId: string): string | undefined;
  readonly size: number;
}

export function createDirectory(entries: Record<string, string> = {}): Directory {
  const map = new Map(Object.entries(entries));
  return { get: (id) => map.get(id), size: map.size };
}

/** What a mapping receives besides the native event. Nothing in it reaches the network by itself. */
export interface MapContext<Config = unknown, Services = unknown> {
  config: Config;
  directory: Directory;
  /** Keyed state with a TTL, namespaced to this connector (for vendors that send only changes). */
  state: StateStore;
  /** What the connector's `setup` built: look-up functions (AWS DescribeUser, Genesys Users API...). */
  services: Services;
}

/**
 * 'after-store': state written while mapping is applied only once the host has stored the messages (a
 * request the host cannot store gets a 503; the vendor's retry must see the state as it was, or a
 * change-only platform's retry looks like "no change" and the pop is lost). Default 'immediate'.
 */
export type StateWrites = 'immediate' | 'after-store';
