// The second kind of source: a subscription opens and holds a vendor session (WebSocket, long poll, SSE,
// TCP) and hands each native frame to the host, which runs it through the same parse → map → validate →
// outbox path as a webhook request. The host (the runner's supervisor, the conformance kit) reconnects,
// holds the lease and keeps the metrics; a subscription only speaks its vendor's protocol.
import type { AxiosInstance } from 'axios';
import type { Directory, MapContext, MapResult, StateWrites } from './mapping.js';
import type { StateStore } from './state.js';

/** What a host shows about one subscription. `standby`: another replica holds it. */
export type SubscriptionStatus = 'connecting' | 'connected' | 'degraded' | 'failed' | 'standby' | 'stopped';

/** A session's own words about itself; the host adds `failed`, `standby` and `stopped`. */
export type SessionStatus = 'connecting' | 'connected' | 'degraded';

export interface SessionLog {
  debug(detail: Record<string, unknown>, message: string): void;
  info(detail: Record<string, unknown>, message: string): void;
  warn(detail: Record<string, unknown>, message: string): void;
  error(detail: Record<string, unknown>, message: string): void;
}

export interface EmitOptions {
  /**
   * Where the vendor stream stands after this frame (a message id, a cursor). The host saves it only once
   * this frame's messages, and every frame before it, are stored; the next session starts from it.
   */
  position?: string;
  /**
   * Default true: a frame whose messages cannot be stored yet (store outage, a failed look-up) is tried
   * again, with backoff, until stored or the session ends. false: emit answers `failed` at once, for
   * protocols that can hand the frame back (negative acknowledgement) and be sent it again.
   */
  retry?: boolean;
}

export interface EmitResult {
  kind: 'accepted' | 'ignored' | 'invalid' | 'failed';
  /** Messages stored; duplicates (dedupe key seen before) are not counted here. */
  stored: number;
  duplicates: number;
  reason?: string;
}

/** Everything a session gets from its host. Nothing in it reaches the network by itself. */
export interface SessionContext<Config = unknown, Services = unknown, Frame = unknown> {
  config: Config;
  services: Services;
  directory: Directory;
  /** The connector's state (the same store its mappings use), for what the session must remember. */
  state: StateStore;
  /** An axios instance with a timeout that answers every status (the session reads it). */
  http: AxiosInstance;
  log: SessionLog;
  now(): number;
  /** Aborted when the host stops this session: shutdown, a lost lease, a failed renewal. */
  signal: AbortSignal;
  /** Which of the subscription's `instances` this session is (undefined when it declares none). */
  instance?: string;
  /**
   * The public URL of one of the connector's webhook sources (PUBLIC_URL/webhooks/<connector>/<source>),
   * for subscriptions that register a webhook with the vendor.
   */
  webhookUrl(source: string): string;
  /** The position saved by the last session (EmitOptions.position), to resume from. */
  position?: string;
  /** Tells the host how the session stands (the host shows it; `connected` resets the backoff). */
  status(status: SessionStatus, detail?: string): void;
  /** One native frame for the host. Resolves once its messages are stored (see EmitOptions). */
  emit(frame: Frame, options?: EmitOptions): Promise<EmitResult>;
  /** A frame too broken to hand on (not JSON, unknown framing): counted and logged, never a crash. */
  badFrame(reason: string): void;
  /**
   * Has the host renew something before it expires (a token, a channel, a vendor subscription), on the
   * vendor's own expiry. `renew` returns the new expiry (epoch ms) to schedule the next renewal, or
   * nothing to stop. A renewal that throws ends the session (the host reconnects).
   */
  renewBefore(what: string, expiresAt: number, renew: () => Promise<number | undefined | void>): void;
  /** Resolves after ms, or at once when the session is stopped. */
  sleep(ms: number): Promise<void>;
}

export interface SubscriptionDefinition<Native = any, Config = any, Services = any, Frame = any> {
  /** Lower-case letters, digits and dashes; unique among the connector's sources and subscriptions. */
  id: string;
  description: string;
  platforms?: string[];
  /** Whether this deployment runs the subscription: its config asks for it. */
  enabled: (config: Config) => boolean;
  /**
   * One session per entry (an agent's own session, a station group...): each is held, leased, retried and
   * shown on its own, and gets its entry as `ctx.instance`. Absent: one session.
   */
  instances?: (config: Config) => string[];
  /**
   * Holds one session until it ends: resolves when the vendor closed it, rejects with the reason when it
   * failed; either way the host reconnects with backoff. Must end soon after `ctx.signal` aborts.
   */
  connect: (ctx: SessionContext<Config, Services, Frame>) => Promise<void>;
  /**
   * Optional check at start-up against the vendor (names resolved to ids, credentials tried). A ConfigError
   * stops start-up with its message; any other error is logged and left to the sessions.
   */
  check?: (
    ctx: Omit<
      SessionContext<Config, Services, Frame>,
      'emit' | 'badFrame' | 'renewBefore' | 'status' | 'position' | 'instance'
    >,
  ) => Promise<void>;
  /** Frame → native event; throws InputError on anything unexpected. Absent for upkeep-only subscriptions. */
  parse?: (frame: Frame) => Native;
  /** The vendor's event id, for storing a redelivered frame once. */
  eventId?: (event: Native) => string | undefined;
  /** Usually the webhook source's own `map`, so both paths share the mapping. */
  map?: (event: Native, ctx: MapContext<Config, Services>) => MapResult | Promise<MapResult>;
  /** As SourceDefinition.stateWrites: 'after-store' state follows the outbox. */
  stateWrites?: StateWrites;
}

/** The sessions a subscription asks for under a config: its instances, or one unnamed session. */
export function sessionsOf(subscription: SubscriptionDefinition, config: unknown): (string | undefined)[] {
  const instances = subscription.instances?.(config);
  return instances?.length ? [...new Set(instances)] : [undefined];
}

/** The event handling of a subscription that carries events, or undefined for an upkeep-only one. */
export function subscriptionEvents(subscription: SubscriptionDefinition) {
  const { parse, map } = subscription;
  if (!parse || !map) return undefined;
  return {
    id: subscription.id,
    parse,
    map,
    ...(subscription.eventId ? { eventId: subscription.eventId } : {}),
    ...(subscription.stateWrites ? { stateWrites: subscription.stateWrites } : {}),
  };
}

/** Types a subscription against its connector's config, and checks parse and map come together. */
export function defineSubscription<Native, Config = any, Services = any, Frame = any>(
  subscription: SubscriptionDefinition<Native, Config, Services, Frame>,
): SubscriptionDefinition<Native, Config, Services, Frame> {
  if (Boolean(subscription.parse) !== Boolean(subscription.map)) {
    throw new Error(
      `subscription ${subscription.id}: parse and map come together (or neither, for upkeep only)`,
    );
  }
  return subscription;
}

/**
 * Why a session ended, in the vendor's words. `failed` (credentials refused, account not licensed) shows
 * as `failed` and is retried with the capped backoff; otherwise the host shows `degraded` while it
 * reconnects. `retryAfterMs`: the vendor asked for a pause (429 Retry-After, a rate-limit reset).
 */
export class SessionError extends Error {
  readonly failed: boolean;
  readonly retryAfterMs?: number;
  constructor(message: string, options: { failed?: boolean; retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'SessionError';
    this.failed = options.failed ?? false;
    // Stryker disable next-line ConditionalExpression: without the check an absent hint is kept as undefined, read the same
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * When to renew something that expires at `expiresAt`, having been granted at `now`: a quarter of its
 * lifetime early, at most ten minutes and at least a second before (24 h channel: 10 min early; 900 s
 * AXP subscription: at 675 s; a 2 s test expiry: at 1.5 s).
 */
export function renewalTime(now: number, expiresAt: number): number {
  const lifetime = Math.max(0, expiresAt - now);
  const lead = Math.max(Math.min(lifetime / 4, 10 * 60_000), Math.min(1_000, lifetime / 2));
  return expiresAt - lead;
}

/** Resolves after ms, or as soon as the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: done removes the listener itself when it runs
    signal?.addEventListener('abort', done, { once: true });
  });
}
