// What arrives on a session, by poll or by stream: each ICWS message becomes one frame for the host, with
// the agent of its user-queue subscription in the relay header; a connection-down message ends the session.
import type { SessionContext } from '@openconnect/core';
import type { QueueSubscription } from './queues.js';
import { type IcwsSession, isRecord } from './session.js';

export const CONNECTION_STATE_CHANGE = 'urn:inin.com:connection:connectionStateChangeMessage';

/** One native frame of the `pureconnect-icws` subscription. */
export interface IcwsFrame {
  /** One ICWS message, as received. */
  message: unknown;
  /** For a user-queue subscription, the relay header naming its agent (as a relay per user queue sends). */
  headers?: Record<string, string>;
}

export type IcwsContext = SessionContext<unknown, unknown, IcwsFrame>;

/**
 * ICWS's ConnectionState is an enum (None 0, Up 1, Down 2, per the ICWS JavaScript data contracts); the
 * public samples compare it with 'down'. Both forms are read.
 */
const isDown = (state: unknown) =>
  state === 2 || (typeof state === 'string' && /^(down|2)$/i.test(state.trim()));

export class Receiver {
  /** subscriptionId → agent; looked up with whatever a message carries (only text finds one). */
  private readonly agents: Map<unknown, string>;

  constructor(
    private readonly ctx: IcwsContext,
    plan: QueueSubscription[],
    private readonly agentHeader: string,
  ) {
    this.agents = new Map(plan.flatMap((s) => (s.agent ? [[s.id, s.agent] as const] : [])));
  }

  /** The frame for one message, or why ICWS ended the connection. */
  classify(message: unknown): { frame: IcwsFrame } | { down: string } {
    if (
      isRecord(message) &&
      message.__type === CONNECTION_STATE_CHANGE &&
      isDown(message.newConnectionState)
    ) {
      const reason =
        typeof message.reason === 'string' && message.reason ? message.reason : 'no reason given';
      return { down: `ICWS says the connection is down (${reason}); logging in again` };
    }
    const agent = isRecord(message) ? this.agents.get(message.subscriptionId) : undefined;
    return { frame: { message, ...(agent ? { headers: { [this.agentHeader.toLowerCase()]: agent } } : {}) } };
  }

  /** A poll answer or an event's data: JSON, one message or an array of them. Undefined when not JSON. */
  read(text: string, where: string): unknown[] | undefined {
    if (!text.trim()) return [];
    try {
      const value: unknown = JSON.parse(text);
      return Array.isArray(value) ? value : [value];
    } catch {
      this.ctx.badFrame(
        `ICWS sent ${where} that is not JSON (${text.length} characters: ${text.slice(0, 60)})`,
      );
      return undefined;
    }
  }
}

/**
 * Short polling: GET /messaging/messages every interval (ICWS's own sample polls each second). Each poll
 * also keeps the session from its idle timeout. Returns why the session ended; throws on a request that
 * failed (IcwsSessionGone on a 401).
 */
export async function pollMessages(
  ctx: IcwsContext,
  session: IcwsSession,
  receiver: Receiver,
  intervalMs: number,
): Promise<string> {
  while (!ctx.signal.aborted) {
    const response = await session.request('GET', '/messaging/messages', { text: true });
    // Node's HTTP client never ends a request with a 1xx: only >= 300 is not a success.
    if (response.status >= 300) throw new Error(`ICWS answered ${response.status} to the message poll`);
    for (const message of receiver.read(String(response.data ?? ''), 'a poll answer') ?? []) {
      const result = receiver.classify(message);
      if ('down' in result) return result.down;
      await ctx.emit(result.frame);
    }
    await ctx.sleep(intervalMs);
  }
  return 'stopped';
}
