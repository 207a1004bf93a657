// The Pulsar side of the emulator: one message log per tenant, durable subscriptions (consumers) and
// non-durable cursors (readers) over it, flow control by receiverQueueSize, acknowledgements, negative
// acknowledgements and redelivery with redeliveryCount + 1, as the Pulsar WebSocket proxy does it.
import { randomUUID } from 'node:crypto';

export interface StoredMessage {
  messageId: string;
  payload: string;
  properties: Record<string, string>;
  publishTime: string;
  /** From the decoded payload, for event-type and agent topics; undefined when it does not decode. */
  type?: string;
  agentId?: string;
}

export interface Delivery {
  message: StoredMessage;
  redeliveryCount: number;
}

export type CursorType = 'Exclusive' | 'Failover' | 'Shared' | 'Key_Shared' | 'Reader';

/** One open consumer or reader socket, as the store sees it. */
export interface Endpoint {
  id: string;
  queueSize: number;
  nackDelayMs: number;
  /** Sent and not acknowledged yet. */
  unacked: Map<string, Delivery>;
  send(delivery: Delivery): void;
}

export interface Cursor {
  name: string;
  type: CursorType;
  durable: boolean;
  matches(message: StoredMessage): boolean;
  /** Index in the log of the next message never dispatched to this cursor. */
  next: number;
  redeliver: Delivery[];
  endpoints: Endpoint[];
  /** Durable: dispatched at least once and not acknowledged yet. */
  outstanding: Set<string>;
  rotation: number;
}

export interface TopicCounters {
  acks: number;
  nacks: number;
  delivered: number;
  redeliveries: number;
}

/** A Pulsar message id: base64 of MessageIdData {ledgerId (1), entryId (2)}, as 8x8's ids look (CAEQAQ==). */
export function messageIdOf(ledger: number, entry: number): string {
  const varint = (value: number) => {
    const bytes: number[] = [];
    let rest = value;
    while (rest > 0x7f) {
      bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
    return bytes;
  };
  return Buffer.from([0x08, ...varint(ledger), 0x10, ...varint(entry)]).toString('base64');
}

function describePayload(payload: string): Pick<StoredMessage, 'type' | 'agentId'> {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const [key] = Object.keys(value);
    const inner = key ? value[key] : undefined;
    const type = typeof inner?.event === 'string' ? inner.event : key;
    const agentId = typeof inner?.agentId === 'string' ? inner.agentId : undefined;
    return { ...(type ? { type } : {}), ...(agentId ? { agentId } : {}) };
  } catch {
    return {};
  }
}

export function createTopicStore(options: {
  ledger?: number;
  counters: TopicCounters;
  stalled: () => boolean;
}) {
  const ledger = options.ledger ?? 7;
  const { counters } = options;
  const log: StoredMessage[] = [];
  const durable = new Map<string, Cursor>();
  const cursorOf = new Map<string, Cursor>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const makeCursor = (name: string, type: CursorType, matches: Cursor['matches'], next: number): Cursor => ({
    name,
    type,
    durable: type !== 'Reader',
    matches,
    next,
    redeliver: [],
    endpoints: [],
    outstanding: new Set(),
    rotation: 0,
  });

  /** Who may receive now: every endpoint of a Shared subscription, else the first (active) one. */
  function receivers(cursor: Cursor): Endpoint[] {
    if (cursor.type === 'Shared' || cursor.type === 'Key_Shared') return cursor.endpoints;
    return cursor.endpoints.slice(0, 1);
  }

  function takeNext(cursor: Cursor): Delivery | undefined {
    const again = cursor.redeliver.shift();
    if (again) return again;
    while (cursor.next < log.length) {
      const message = log[cursor.next++]!;
      if (cursor.matches(message)) return { message, redeliveryCount: 0 };
    }
    return undefined;
  }

  function dispatch(cursor: Cursor): void {
    if (options.stalled()) return;
    for (;;) {
      const open = receivers(cursor).filter((e) => e.unacked.size < e.queueSize);
      if (!open.length) return;
      const endpoint = open[cursor.rotation++ % open.length]!;
      const delivery = takeNext(cursor);
      if (!delivery) return;
      endpoint.unacked.set(delivery.message.messageId, delivery);
      if (cursor.durable) cursor.outstanding.add(delivery.message.messageId);
      counters.delivered += 1;
      if (delivery.redeliveryCount > 0) counters.redeliveries += 1;
      endpoint.send(delivery);
    }
  }

  const dispatchAll = () => {
    for (const cursor of new Set([...durable.values(), ...cursorOf.values()])) dispatch(cursor);
  };

  /** Unacknowledged deliveries of an endpoint go back to its cursor (consumers only), one count higher. */
  function handBack(cursor: Cursor, deliveries: Delivery[]) {
    if (!cursor.durable) return;
    cursor.redeliver.push(
      ...deliveries.map((d) => ({ message: d.message, redeliveryCount: d.redeliveryCount + 1 })),
    );
  }

  return {
    log,
    publish(message: { payload: string; properties?: Record<string, string> }): StoredMessage {
      const stored: StoredMessage = {
        messageId: messageIdOf(ledger, log.length + 1),
        payload: message.payload,
        properties: message.properties ?? {},
        publishTime: new Date().toISOString(),
        ...describePayload(message.payload),
      };
      log.push(stored);
      return stored;
    },
    dispatchAll,

    /** The durable subscription, made at its first consumer (at the log's end, or its start). */
    subscription(
      name: string,
      type: CursorType,
      matches: Cursor['matches'],
      initial: 'latest' | 'earliest',
    ): Cursor {
      let cursor = durable.get(name);
      if (!cursor) {
        cursor = makeCursor(name, type, matches, initial === 'latest' ? log.length : 0);
        durable.set(name, cursor);
      }
      return cursor;
    },
    /** A reader's cursor, after the message id given (exclusive), or at earliest/latest. */
    reader(matches: Cursor['matches'], start: string): Cursor | undefined {
      let next: number;
      if (start === 'latest') next = log.length;
      else if (start === 'earliest') next = 0;
      else {
        const at = log.findIndex((m) => m.messageId === start);
        if (at < 0) return undefined;
        next = at + 1;
      }
      return makeCursor(`reader-${randomUUID()}`, 'Reader', matches, next);
    },
    attach(cursor: Cursor, endpoint: Endpoint) {
      cursor.endpoints.push(endpoint);
      cursorOf.set(endpoint.id, cursor);
      dispatch(cursor);
    },
    detach(endpoint: Endpoint) {
      const cursor = cursorOf.get(endpoint.id);
      if (!cursor) return;
      cursorOf.delete(endpoint.id);
      cursor.endpoints = cursor.endpoints.filter((e) => e !== endpoint);
      handBack(cursor, [...endpoint.unacked.values()]);
      endpoint.unacked.clear();
      dispatch(cursor);
    },
    ack(endpoint: Endpoint, messageId: string) {
      const cursor = cursorOf.get(endpoint.id);
      // Pulsar ignores an ack for a message already acknowledged.
      if (!endpoint.unacked.delete(messageId) && !cursor?.outstanding.has(messageId)) return;
      counters.acks += 1;
      cursor?.outstanding.delete(messageId);
      if (cursor) dispatch(cursor);
    },
    nack(endpoint: Endpoint, messageId: string) {
      const cursor = cursorOf.get(endpoint.id);
      const delivery = endpoint.unacked.get(messageId);
      if (!cursor || !delivery) return;
      counters.nacks += 1;
      endpoint.unacked.delete(messageId);
      const timer = setTimeout(() => {
        timers.delete(timer);
        handBack(cursor, [delivery]);
        dispatch(cursor);
      }, endpoint.nackDelayMs);
      timers.add(timer);
      dispatch(cursor);
    },
    /** Everything sent and not acknowledged is sent again (as an ack timeout would), one count higher. */
    redeliverUnacked() {
      for (const cursor of durable.values()) {
        for (const endpoint of cursor.endpoints) {
          handBack(cursor, [...endpoint.unacked.values()]);
          endpoint.unacked.clear();
        }
        dispatch(cursor);
      }
    },
    /** Messages of durable subscriptions not acknowledged yet (sent, waiting for redelivery, or not sent). */
    unacked(): number {
      let count = 0;
      for (const cursor of durable.values()) {
        const waiting = log.slice(cursor.next).filter(cursor.matches).length;
        count += cursor.outstanding.size + waiting;
      }
      return count;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type TopicStore = ReturnType<typeof createTopicStore>;
