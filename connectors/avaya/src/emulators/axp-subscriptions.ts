// The emulator's Notification API subscriptions: what AXP keeps per subscription, the expiry timer that sets it
// INACTIVE unless renewed, and the answers to list (paged, at most 25), create, get, `:renew` and delete.
import { randomUUID } from 'node:crypto';
import type { AxpCounters, AxpEmulatorSubscription } from './axp-types.js';

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

export const answerError = (status: number, code: string, message: string): Answer => ({
  status,
  body: { code, message },
});

const MAX_PAGE_SIZE = 25;

export interface SubscriptionStoreOptions {
  lifetimeMs: number;
  counters: AxpCounters;
  /** The URL of a list page, for `links`. */
  pageUrl(pageNumber: number, pageSize: number): string;
}

export type SeedInput = Partial<Omit<AxpEmulatorSubscription, 'transport'>> & {
  transport: AxpEmulatorSubscription['transport'];
};

const copy = (sub: AxpEmulatorSubscription): AxpEmulatorSubscription => ({
  ...sub,
  events: [...sub.events],
  transport: { ...sub.transport },
});

// expiresIn to the millisecond (AXP gives whole seconds), so sub-second test lifetimes stay exact.
const view = (sub: AxpEmulatorSubscription) => ({
  subscriptionId: sub.subscriptionId,
  createdAt: new Date(sub.createdAt).toISOString(),
  expiresAt: new Date(sub.expiresAt).toISOString(),
  expiresIn: sub.status === 'ACTIVE' ? Math.max(0, sub.expiresAt - Date.now()) / 1000 : 0,
  status: sub.status,
  family: sub.family,
  events: [...sub.events],
  transport: { ...sub.transport },
});

/** A create body as AXP validates it, or what is wrong with it. */
function fromCreateBody(body: unknown, lifetimeMs: number): AxpEmulatorSubscription | string {
  const b = body as
    | {
        family?: unknown;
        events?: unknown;
        transport?: { type?: unknown; endpoint?: unknown; authToken?: unknown; authTokenHeader?: unknown };
      }
    | undefined;
  if (b?.family !== 'AGENT_ENGAGEMENT' && b?.family !== 'ANALYTICS') {
    return 'family must be AGENT_ENGAGEMENT or ANALYTICS';
  }
  if (!Array.isArray(b.events) || !b.events.length || !b.events.every((e) => typeof e === 'string')) {
    return 'events must be a non-empty list of event names';
  }
  const t = b.transport;
  if (t?.type !== 'WEBHOOK' && t?.type !== 'WEBSOCKET') return 'transport.type must be WEBHOOK or WEBSOCKET';
  if (t.type === 'WEBHOOK') {
    if (typeof t.endpoint !== 'string' || !/^https?:\/\//.test(t.endpoint))
      return 'transport.endpoint must be a URL';
    if (!validAuthToken(t.authToken)) return 'transport.authToken must be 1-256 characters';
  }
  const now = Date.now();
  return {
    subscriptionId: randomUUID(),
    family: b.family,
    events: b.events as string[],
    status: 'ACTIVE',
    createdAt: now,
    expiresAt: now + lifetimeMs,
    transport:
      t.type === 'WEBHOOK'
        ? {
            type: 'WEBHOOK',
            endpoint: t.endpoint as string,
            authToken: t.authToken as string,
            authTokenHeader: typeof t.authTokenHeader === 'string' ? t.authTokenHeader : 'auth-token',
          }
        : { type: 'WEBSOCKET', endpoint: 'wss://emulator.invalid/ws/notification/v1/agent-engagement' },
  };
}

const validAuthToken = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 256;

export function createSubscriptionStore({ lifetimeMs, counters, pageUrl }: SubscriptionStoreOptions) {
  const subs = new Map<string, AxpEmulatorSubscription>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** (Re)starts a subscription's lifetime: ACTIVE until `until`, then INACTIVE unless renewed. */
  const activate = (sub: AxpEmulatorSubscription, until = Date.now() + lifetimeMs) => {
    clearTimeout(timers.get(sub.subscriptionId));
    sub.status = 'ACTIVE';
    sub.expiresAt = until;
    const expire = () => {
      timers.delete(sub.subscriptionId);
      if (subs.get(sub.subscriptionId) !== sub || sub.status !== 'ACTIVE') return;
      sub.status = 'INACTIVE';
      counters.expirations += 1;
    };
    const timer = setTimeout(expire, Math.max(0, until - Date.now()));
    timer.unref();
    timers.set(sub.subscriptionId, timer);
  };
  const drop = (id: string) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    subs.delete(id);
  };

  function list(query: URLSearchParams): Answer {
    const pageSize = Number(query.get('pageSize') ?? 10);
    const pageNumber = Number(query.get('pageNumber') ?? 1);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      return answerError(400, 'BAD_REQUEST', `pageSize must be 1-${MAX_PAGE_SIZE}`);
    }
    if (!Number.isInteger(pageNumber) || pageNumber < 1) {
      return answerError(400, 'BAD_REQUEST', 'pageNumber must be 1 or more');
    }
    const all = [...subs.values()];
    const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(view);
    const links = {
      ...(pageNumber > 1 ? { prev: pageUrl(pageNumber - 1, pageSize) } : {}),
      ...(pageNumber * pageSize < all.length ? { next: pageUrl(pageNumber + 1, pageSize) } : {}),
    };
    return {
      status: 200,
      body: { pagination: { pageNumber, pageSize, total: all.length }, subscriptions: page, links },
    };
  }

  function create(body: unknown): Answer {
    const sub = fromCreateBody(body, lifetimeMs);
    if (typeof sub === 'string') return answerError(400, 'BAD_REQUEST', sub);
    subs.set(sub.subscriptionId, sub);
    activate(sub);
    counters.subscriptionsCreated += 1;
    return { status: 201, body: view(sub) };
  }

  function renew(sub: AxpEmulatorSubscription, body: unknown): Answer {
    const authToken = (body as { transport?: { authToken?: unknown } } | undefined)?.transport?.authToken;
    if (authToken !== undefined && !validAuthToken(authToken)) {
      return answerError(400, 'BAD_REQUEST', 'transport.authToken must be 1-256 characters');
    }
    if (authToken !== undefined && sub.transport.type === 'WEBHOOK') sub.transport.authToken = authToken;
    activate(sub);
    counters.renewals += 1;
    return { status: 200, body: view(sub) };
  }

  return {
    /** Answers a call under .../subscriptions; `rest` is what follows that path ('' or '/{id}[:renew]'). */
    handle(method: string, rest: string, query: URLSearchParams, body: unknown): Answer {
      if (rest === '' && method === 'GET') return list(query);
      if (rest === '' && method === 'POST') return create(body);
      const match = /^\/([^/:]+)(:renew)?$/.exec(rest);
      if (!match) return answerError(404, 'NOT_FOUND', 'No such resource');
      const sub = subs.get(decodeURIComponent(match[1]!));
      if (!sub) return answerError(404, 'NOT_FOUND', 'Subscription not found');
      if (match[2] && method === 'POST') return renew(sub, body);
      if (!match[2] && method === 'GET') return { status: 200, body: view(sub) };
      if (!match[2] && method === 'DELETE') {
        drop(sub.subscriptionId);
        counters.deletions += 1;
        return { status: 204 };
      }
      return answerError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`);
    },
    all: () => [...subs.values()].map(copy),
    /** The ACTIVE WEBHOOK subscriptions that asked for this event type (or ALL). */
    deliveringTo(eventType: unknown) {
      return [...subs.values()].filter(
        (s) =>
          s.status === 'ACTIVE' &&
          s.transport.type === 'WEBHOOK' &&
          (s.events.includes('ALL') || typeof eventType !== 'string' || s.events.includes(eventType)),
      );
    },
    seed(input: SeedInput): AxpEmulatorSubscription {
      const now = Date.now();
      const sub: AxpEmulatorSubscription = {
        subscriptionId: input.subscriptionId ?? randomUUID(),
        family: input.family ?? 'AGENT_ENGAGEMENT',
        events: input.events ?? ['ALL'],
        status: 'INACTIVE',
        createdAt: input.createdAt ?? now,
        expiresAt: input.expiresAt ?? now + lifetimeMs,
        transport: { authTokenHeader: 'auth-token', ...input.transport },
      };
      subs.set(sub.subscriptionId, sub);
      if (input.status !== 'INACTIVE') activate(sub, sub.expiresAt);
      return copy(sub);
    },
    forget() {
      for (const id of [...subs.keys()]) drop(id);
    },
    /** INACTIVE now, not counted as an expiration (nobody failed to renew). */
    deactivate(subscriptionId?: string) {
      for (const sub of subs.values()) {
        if (subscriptionId && sub.subscriptionId !== subscriptionId) continue;
        clearTimeout(timers.get(sub.subscriptionId));
        sub.status = 'INACTIVE';
      }
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
