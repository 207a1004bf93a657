// The ICWS emulator's sessions: each has its cookie and CSRF token, its queue subscriptions and its own
// message queue, drained by a poll or written to its open event streams. A session idle past its timeout
// is gone; a stall holds every delivery back.
import { randomBytes, randomInt } from 'node:crypto';
import type http from 'node:http';
import { type Attributes, type EmulatedSubscription, messageFor, snapshotFor } from './icws-queues.js';
import type { IcwsCounters } from './icws-types.js';

export type Item = { message: Record<string, unknown>; endsSession?: boolean } | { raw: string };

export interface Session {
  id: string;
  userId: string;
  csrfToken: string;
  cookieName: string;
  cookieValue: string;
  lastActivity: number;
  subscriptions: Map<string, EmulatedSubscription>;
  queue: Item[];
  streams: Set<http.ServerResponse>;
  last?: Record<string, unknown>;
}

const token = () => randomBytes(16).toString('base64url');

export class SessionStore {
  readonly sessions = new Map<string, Session>();
  readonly interactions = new Map<string, Attributes>();
  stalled = false;
  private readonly sweeper: ReturnType<typeof setInterval>;
  private readonly pinger: ReturnType<typeof setInterval>;

  constructor(
    private readonly counters: IcwsCounters,
    private readonly idleMs: number,
    pingMs: number,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(20, Math.min(250, idleMs / 4)));
    this.pinger = setInterval(() => {
      if (this.stalled) return;
      for (const session of this.sessions.values())
        for (const stream of session.streams) stream.write(':ping\n\n');
    }, pingMs);
  }

  open(userId: string): Session {
    const id = String(randomInt(100_000_000, 999_999_999));
    const session: Session = {
      id,
      userId,
      csrfToken: token(),
      cookieName: `icws_${id}`,
      cookieValue: token(),
      lastActivity: Date.now(),
      subscriptions: new Map(),
      queue: [],
      streams: new Set(),
    };
    this.sessions.set(id, session);
    return session;
  }

  /** Ends a session: its streams end (or are cut), later requests get 401. */
  end(session: Session, cut = false): void {
    this.sessions.delete(session.id);
    for (const stream of session.streams) {
      if (cut) stream.destroy();
      else stream.end();
    }
    session.streams.clear();
  }

  /** Sessions idle past their timeout expire (counted). */
  sweep(): void {
    const now = Date.now();
    for (const session of this.sessions.values())
      if (now - session.lastActivity > this.idleMs) {
        this.counters.expirations += 1;
        this.end(session);
      }
  }

  push(session: Session, item: Item): void {
    if ('message' in item) session.last = item.message;
    session.queue.push(item);
    this.flush(session);
  }

  /** Writes what is queued to the session's event streams, if it has one open. */
  flush(session: Session): void {
    if (this.stalled || !session.streams.size) return;
    while (session.queue.length) {
      const item = session.queue.shift()!;
      const text = 'raw' in item ? item.raw : JSON.stringify(item.message);
      for (const stream of session.streams) stream.write(`data: ${text}\n\n`);
      if ('message' in item && item.endsSession) {
        this.end(session);
        return;
      }
    }
  }

  /** A poll's answer: the queued messages up to a malformed one, or that one alone (as its raw text). */
  take(session: Session): { raw: string } | { messages: Record<string, unknown>[]; ends: boolean } {
    const first = session.queue[0];
    if (first && 'raw' in first) {
      session.queue.shift();
      return first;
    }
    const messages: Record<string, unknown>[] = [];
    let ends = false;
    while (!ends && session.queue[0] && 'message' in session.queue[0]) {
      const item = session.queue.shift() as { message: Record<string, unknown>; endsSession?: boolean };
      messages.push(item.message);
      ends = Boolean(item.endsSession);
    }
    return { messages, ends };
  }

  subscribe(session: Session, subscription: EmulatedSubscription): void {
    session.subscriptions.set(subscription.id, subscription);
    this.push(session, { message: snapshotFor(subscription, this.interactions) });
  }

  /** An interaction changed (undefined: gone): every subscription watching it hears of it. */
  changed(id: string, before: Attributes | undefined, after: Attributes | undefined): void {
    if (after) this.interactions.set(id, after);
    else this.interactions.delete(id);
    for (const session of this.sessions.values())
      for (const subscription of session.subscriptions.values()) {
        const message = messageFor(subscription, id, before, after);
        if (message) this.push(session, { message });
      }
  }

  close(): void {
    clearInterval(this.sweeper);
    clearInterval(this.pinger);
    for (const session of [...this.sessions.values()]) this.end(session, true);
  }
}
