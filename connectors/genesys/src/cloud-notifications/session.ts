// One notification session: log in, make the channels (at most 1,000 topics each), open one socket per
// channel, subscribe, then hand every event on in order (after the catch-up of conversations left in
// progress by the previous session). The token and each channel are renewed before they expire. The
// session ends cleanly on socket_closing (the host reconnects at once) and with an error when a channel
// is gone, a socket closes or goes quiet.
import { type SessionContext, SessionError } from '@openconnect/core';
import type { GenesysConfig } from '../config.js';
import type { Services } from '../users-api.js';
import { catchUp, createTracker } from './catch-up.js';
import { type Channel, createChannel, subscribe } from './channel.js';
import { readFrame } from './frames.js';
import { resolveQueues, unknownQueuesMessage } from './queues.js';
import { createRest, type GenesysRest } from './rest.js';
import { type NotificationSocket, openSocket } from './socket.js';
import { notifyTopics, spreadOverChannels } from './topics.js';

export type NotificationFrame = Record<string, unknown>;
type Ctx = SessionContext<GenesysConfig, Services, NotificationFrame>;
type CheckCtx = Pick<Ctx, 'config' | 'http' | 'signal' | 'now' | 'state'>;

interface End {
  clean: boolean;
  reason: string;
}

export function restFor(ctx: CheckCtx): GenesysRest {
  const { config } = ctx;
  if (!config.cloudClientId || !config.cloudClientSecret)
    throw new SessionError('cloudClientId and cloudClientSecret are required for the notification session', {
      failed: true,
    });
  return createRest({
    http: ctx.http,
    loginUrl: config.cloudLoginUrl,
    apiUrl: config.cloudApiUrl,
    clientId: config.cloudClientId,
    clientSecret: config.cloudClientSecret,
    signal: ctx.signal,
    now: ctx.now,
  });
}

/**
 * The topics of the watched queues and users, in channel-sized groups; names Genesys lacks fail. The
 * groups always fit one OAuth client: the config refuses more topics than its 20 channels hold
 * (cloudNotifyProblems counts one topic per queue entry, and a name resolves to at most one id).
 */
export async function plannedChannels(rest: GenesysRest, ctx: CheckCtx) {
  const { config } = ctx;
  const queues = await resolveQueues(rest, config.cloudNotifyQueues, ctx.state);
  const topics = notifyTopics(queues.ids, config.cloudNotifyUsers, config.cloudNotifyMedia);
  return { topics, groups: spreadOverChannels(topics), unknown: queues.unknown };
}

/** A queue of socket texts, read by one worker so frames are handed on one at a time, in order. */
function createInbox() {
  const texts: string[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return {
    push(text: string) {
      texts.push(text);
      wake?.();
    },
    close() {
      closed = true;
      wake?.();
    },
    /** Whether a text waiting to be handed on names this id (a conversation's GUID). */
    mentions(id: string) {
      return texts.some((text) => text.includes(id));
    },
    async next(): Promise<string | undefined> {
      while (!texts.length && !closed) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      return closed ? undefined : texts.shift();
    },
  };
}

export async function holdSession(ctx: Ctx): Promise<void> {
  const { config } = ctx;
  ctx.status('connecting', 'logging in to Genesys Cloud');
  const rest = restFor(ctx);
  ctx.renewBefore('OAuth token', await rest.login(), () => rest.login());
  const plan = await plannedChannels(rest, ctx);
  if (plan.unknown.length) throw new SessionError(unknownQueuesMessage(plan.unknown), { failed: true });

  // Aborted when the session ends for any reason, so a catch-up in progress stops too.
  const over = new AbortController();
  let settle: (end: End) => void = () => {};
  const ended = new Promise<End>((resolve) => {
    settle = resolve;
  });
  // The first end wins: the promise settles once, and aborting again does nothing.
  const finish = (end: End) => {
    over.abort();
    settle(end);
  };
  // Stryker disable next-line ObjectLiteral,BooleanLiteral,StringLiteral: a stopped session returns before its end is read (ctx.signal.aborted)
  const stopped = () => finish({ clean: true, reason: 'stopped' });
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: the listener is removed when the session ends, and an aborted signal aborts no second time
  ctx.signal.addEventListener('abort', stopped, { once: true });
  const inbox = createInbox();
  const sockets: NotificationSocket[] = [];
  const tracker = createTracker(ctx.state, config.stateTtlMs, ctx.now);

  const handOn = async (message: NotificationFrame) => {
    const result = await ctx.emit(message);
    if (result.kind !== 'accepted' && result.kind !== 'ignored') return;
    // Only the catch-up after a reconnect needs this: a state store that cannot keep it costs no event now.
    await tracker
      .note(message)
      .catch((error: unknown) =>
        ctx.log.warn(
          { reason: (error as Error)?.message ?? String(error) },
          'could not remember a conversation in progress',
        ),
      );
  };

  async function work() {
    if (config.cloudNotifyCatchUp) {
      const handed = await catchUp({
        rest,
        tracker,
        emit: handOn,
        heard: (id) => inbox.mentions(id),
        warn: (detail, message) => ctx.log.warn(detail, message),
        signal: over.signal,
      });
      if (handed)
        ctx.log.info({ conversations: handed }, 'caught up the conversations in progress after a reconnect');
    }
    for (
      let text = await inbox.next();
      text !== undefined && !over.signal.aborted;
      text = await inbox.next()
    ) {
      const frame = readFrame(text);
      if (frame.kind === 'event') await handOn(frame.message);
      else if (frame.kind === 'bad') ctx.badFrame(frame.reason);
      else if (frame.kind === 'refused')
        ctx.log.warn({ reason: frame.reason }, 'Genesys Cloud refused a socket request');
      else if (frame.kind === 'closing')
        finish({ clean: true, reason: 'Genesys Cloud announced the socket closes for maintenance' });
      else if (frame.kind === 'gone') finish({ clean: false, reason: frame.reason });
    }
  }

  try {
    const channels: Channel[] = [];
    for (const topics of plan.groups) {
      const channel = await createChannel(rest, topics, ctx.now());
      // The socket opens before the subscription, so nothing subscribed is sent to no one.
      sockets.push(
        await openSocket({
          url: channel.connectUri,
          heartbeatTimeoutMs: config.cloudNotifyHeartbeatTimeoutMs,
          now: ctx.now,
          signal: ctx.signal,
          onText: (text) => inbox.push(text),
          onEnd: (reason) => finish({ clean: false, reason }),
        }),
      );
      await subscribe(rest, channel, ctx.now());
      channels.push(channel);
    }
    for (const channel of channels)
      ctx.renewBefore(`notification channel ${channel.id}`, channel.expires, () =>
        subscribe(rest, channel, ctx.now()),
      );
    // A socket that ended while the others were being set up ends the session before it shows connected.
    if (!over.signal.aborted)
      ctx.status('connected', `${plan.topics.length} topic(s) on ${channels.length} notification channel(s)`);
    // work() rejects only once the session is over: core's emit throws only after the session's signal
    // aborted, and the handing on catches the rest. The first end has won by then, so this reason is never read;
    // it stays for a future fault in the loop, which would otherwise leave the session hanging with no reader.
    // Stryker disable ObjectLiteral,BooleanLiteral,StringLiteral,OptionalChaining,LogicalOperator,ArrowFunction: reached only after the end was settled (above)
    const worker = work().catch((error: unknown) =>
      finish({
        clean: false,
        reason: `handing on a notification failed: ${(error as Error)?.message ?? String(error)}`,
      }),
    );
    // Stryker restore all
    const end = await ended;
    inbox.close();
    await worker;
    if (ctx.signal.aborted) return;
    if (!end.clean) throw new SessionError(end.reason);
    ctx.log.info({ reason: end.reason }, 'notification session ended; reconnecting');
  } finally {
    ctx.signal.removeEventListener('abort', stopped);
    inbox.close();
    for (const socket of sockets) socket.close();
    await tracker
      .flush()
      .catch((error: unknown) =>
        ctx.log.warn(
          { reason: (error as Error)?.message ?? String(error) },
          'could not save the conversations in progress',
        ),
      );
  }
}
