// One consumer session on 8x8's event topic: open the socket, then hand every message to the host and
// acknowledge it only once the host has answered: stored, ignored or unreadable → ack; not storable
// yet (store down, a look-up failed) → negative ack, and 8x8 sends it again later. Control frames are
// skipped. A ping before the proxy's idle timeout keeps a quiet socket open and proves it is alive.
// The session ends when the socket does; the host reconnects and the durable subscription resumes.
import { type SessionContext, SessionError } from '@openconnect/core';
import { type C8x8Config, type C8x8Services, wantsEventStream } from '../config.js';
import { ack, nack, type PulsarFrame, readFrame } from './frames.js';
import { type ConsumerSocket, openConsumerSocket } from './socket.js';
import { consumerUrl, topicName } from './url.js';

export type ConsumerContext = SessionContext<C8x8Config, C8x8Services, PulsarFrame>;

/** How long a ping waits for its pong: a quarter of the idle timeout, at most 10 s. */
export const pongTimeout = (idleTimeoutMs: number) =>
  Math.max(50, Math.min(10_000, Math.floor(idleTimeoutMs / 4)));

export async function holdConsumer(ctx: ConsumerContext): Promise<void> {
  const { config } = ctx;
  if (!wantsEventStream(config))
    throw new SessionError('the event-stream consumer needs streamTenant and streamApiKey', { failed: true });
  const names = {
    tenant: config.streamTenant!,
    topic: config.streamTopic,
    subscription: config.streamSubscription,
  };
  const where = `subscription ${names.subscription} (${config.streamSubscriptionType}) on ${topicName(config)}`;
  ctx.status('connecting', `opening the 8x8 event-stream consumer, ${where}`);

  // Replies written before the socket is handed over wait here (none in practice: emit answers later).
  let socket: ConsumerSocket | undefined;
  const waiting: string[] = [];
  const reply = (text: string) => (socket ? socket.send(text) : waiting.push(text));
  let degraded = false;

  const onText = (text: string) => {
    const read = readFrame(text);
    if (read.kind === 'control')
      return ctx.log.debug({ control: read.what }, 'skipped an event-stream control frame');
    if (read.kind === 'bad') return ctx.badFrame(read.reason);
    const { messageId, redeliveryCount } = read.frame;
    ctx.emit(read.frame, { retry: false }).then(
      (result) => {
        if (result.kind !== 'failed') {
          reply(ack(messageId));
          if (degraded) {
            degraded = false;
            ctx.status('connected', where);
          }
          return;
        }
        reply(nack(messageId));
        ctx.log.warn(
          { messageId, redeliveryCount, reason: result.reason },
          'handed an event back to 8x8 (negative ack); it comes again',
        );
        if (!degraded) {
          degraded = true;
          ctx.status('degraded', `events are handed back to 8x8 until they can be stored: ${result.reason}`);
        }
      },
      // The session was stopped before the frame was stored: unacknowledged, it comes again.
      () => {},
    );
  };

  socket = await openConsumerSocket({
    url: consumerUrl(config),
    apiKey: config.streamApiKey!,
    connectTimeoutMs: config.streamConnectTimeoutMs,
    signal: ctx.signal,
    names,
    onText,
  });
  for (const text of waiting.splice(0)) socket.send(text);
  const open = socket;
  try {
    ctx.status('connected', where);
    const idle = config.streamIdleTimeoutMs;
    ctx.renewBefore('keep-alive ping', ctx.now() + idle, async () => {
      await open.ping(pongTimeout(idle));
      return ctx.now() + idle;
    });
    const end = await open.ended;
    if (ctx.signal.aborted) return;
    if (!end.clean) throw new SessionError(end.reason);
    ctx.log.info({ reason: end.reason }, 'the event-stream session ended; reconnecting');
  } finally {
    open.close();
  }
}
