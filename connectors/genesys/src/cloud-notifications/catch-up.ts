// Genesys keeps no backlog for a notification channel: what changed while the session was reconnecting
// is never sent. So the conversations the session saw in progress are remembered in the connector state
// (across sessions), and after a reconnect each is fetched over REST and handed on as a frame of its own
// topic; the mapping's change-only state lets through only what was missed (belief: the REST body has
// the topic's shape; cloudNotifyCatchUp switches this off).
import type { StateStore } from '@openconnect/core';
import {
  type CallConversation,
  type CallParticipant,
  CLOUD_MEDIA,
  parseCloudEvent,
} from '../cloud-events.js';
import type { GenesysRest } from './rest.js';

const KEY = 'cloud-notifications:in-progress';
// Beyond this many conversations in progress the oldest are no longer caught up.
const MOST = 2_000;
const ENDED = new Set(['disconnected', 'terminated']);

interface Tracked {
  topic: string;
  /** When first seen (epoch ms); entries older than the state TTL are dropped. */
  at: number;
}

const stateOf = (p: CallParticipant) =>
  (p.state ?? CLOUD_MEDIA.map((media) => p[media]?.at(-1)?.state).find(Boolean) ?? undefined)?.toLowerCase();

/** Over when every participant whose state is known has ended. */
export function conversationOver(body: CallConversation): boolean {
  // Stryker disable next-line ArrayDeclaration: a string in place of the participants has no state: no states either way
  const states = (body.participants ?? []).map(stateOf).filter((state) => state !== undefined);
  return states.length > 0 && states.every((state) => ENDED.has(state));
}

/** Where the conversation of a topic is read over REST, in the topic's shape; undefined for other topics. */
export function conversationPath(topic: string, id: string): string | undefined {
  const conversation = encodeURIComponent(id);
  if (/^v2\.routing\.queues\.[^.]+\.conversations$/.test(topic))
    return `/api/v2/conversations/${conversation}`;
  const media = /^v2\.users\.[^.]+\.conversations\.([a-z]+)$/.exec(topic)?.[1];
  return media && (CLOUD_MEDIA as readonly string[]).includes(media)
    ? `/api/v2/conversations/${media}/${conversation}`
    : undefined;
}

export interface Tracker {
  /** Notes a frame that was handed on: a conversation starts or stops being in progress. */
  note(message: Record<string, unknown>): Promise<void>;
  inProgress(): Promise<[string, Tracked][]>;
  forget(id: string): Promise<void>;
  /** Saves what changed now (at the session's end). */
  flush(): Promise<void>;
}

/**
 * The conversations in progress, held in memory and saved to the state store at most once per `saveEveryMs`
 * (and by flush): saving the whole list on every frame cost a write of up to 2,000 entries per event. A
 * process killed within that second forgets the latest conversations for the catch-up only.
 */
export function createTracker(
  state: StateStore,
  ttlMs: number,
  now: () => number,
  saveEveryMs = 1_000,
): Tracker {
  let known: Map<string, Tracked> | undefined;
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const load = async () => {
    if (!known) {
      const stored = (await state.get<Record<string, Tracked>>(KEY)) ?? {};
      known = new Map(Object.entries(stored).filter(([, entry]) => now() - entry.at < ttlMs));
    }
    return known;
  };
  const persist = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (!dirty || !known) return;
    dirty = false;
    const kept = [...known].sort(([, a], [, b]) => b.at - a.at).slice(0, MOST);
    known = new Map(kept);
    try {
      await state.set(KEY, Object.fromEntries(kept), ttlMs);
    } catch (error) {
      dirty = true; // tried again at the next change or flush
      throw error;
    }
  };
  const changed = () => {
    dirty = true;
    timer ??= setTimeout(() => void persist().catch(() => {}), saveEveryMs);
    timer.unref();
  };
  return {
    async note(message) {
      let event: ReturnType<typeof parseCloudEvent>;
      try {
        event = parseCloudEvent(message);
      } catch {
        return; // the pipeline has counted it as a bad frame
      }
      if (event.kind !== 'calls' && event.kind !== 'queue') return;
      const entries = await load();
      const id = event.body.id;
      const over = conversationOver(event.body);
      if (over && entries.has(id)) {
        entries.delete(id);
        changed();
      } else if (!over && !entries.has(id) && typeof message.topicName === 'string') {
        entries.set(id, { topic: message.topicName, at: now() });
        changed();
      }
    },
    async inProgress() {
      return [...(await load())];
    },
    async forget(id) {
      const entries = await load();
      if (entries.delete(id)) changed();
    },
    flush: persist,
  };
}

export interface CatchUpContext {
  rest: GenesysRest;
  tracker: Tracker;
  /**
   * Whether the new socket already brought a snapshot of the conversation: each is the whole conversation
   * and newer than the gap, so the REST answer (maybe older than it) is not handed on.
   */
  heard(conversationId: string): boolean;
  emit(message: Record<string, unknown>): Promise<void>;
  warn(detail: Record<string, unknown>, message: string): void;
  signal: AbortSignal;
}

/** Fetches each conversation in progress and hands it on as a frame of its topic. Never ends the session. */
export async function catchUp(ctx: CatchUpContext): Promise<number> {
  let handed = 0;
  let inProgress: [string, Tracked][];
  try {
    inProgress = await ctx.tracker.inProgress();
  } catch (error) {
    // A state store that cannot be read costs this catch-up, not the session and the events it brings.
    const reason = error instanceof Error ? error.message : String(error);
    ctx.warn({ reason }, 'could not read the conversations in progress: no catch-up after this reconnect');
    return 0;
  }
  for (const [id, tracked] of inProgress) {
    if (ctx.signal.aborted) break;
    const path = conversationPath(tracked.topic, id);
    if (ctx.heard(id)) continue;
    if (!path) {
      await ctx.tracker.forget(id);
      continue;
    }
    try {
      // Stryker disable next-line StringLiteral: axios sends a request without a method as a GET
      const answer = await ctx.rest.call('GET', path, {
        what: `fetching conversation ${id} after a reconnect`,
        permission: 'Conversation > Communication > View',
      });
      if (answer.status === 404) {
        await ctx.tracker.forget(id);
        continue;
      }
      if (ctx.heard(id)) continue;
      await ctx.emit({ topicName: tracked.topic, eventBody: answer.data });
      handed += 1;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      ctx.warn({ conversationId: id, reason }, 'could not catch up a conversation in progress');
      // A rate limit: the rest waits for the next reconnect rather than adding to it.
      if ((error as { retryAfterMs?: number }).retryAfterMs !== undefined) break;
    }
  }
  return handed;
}
