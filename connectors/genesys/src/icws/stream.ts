// Server-sent events (messaging version 2 and above): GET /messaging/messages with Accept: text/event-stream,
// frames `data: {json}` + blank line, `:ping` comments to keep it open. The `eventsource` package parses
// the stream; its custom fetch adds the session's cookie and CSRF header (a browser EventSource cannot)
// and notes every chunk, so a stream that goes silent (a stall) is noticed and reopened.
import { EventSource, type FetchLike } from 'eventsource';
import type { IcwsContext, Receiver } from './messages.js';
import { type IcwsSession, IcwsSessionGone, IcwsUnavailable } from './session.js';

type StreamEnd =
  | { kind: 'stopped' | 'down'; detail: string }
  /** The stream was cut or went silent after it opened: reopen it in the same session. */
  | { kind: 'dropped'; detail: string }
  /** It never opened: an HTTP refusal (`code`), the server unreachable, or silence from the start. */
  | { kind: 'refused'; detail: string; code?: number };

/** Consecutive drops without a message in between before the session is given up. */
const MAX_DROPS = 5;

/**
 * Holds the stream until the session ends: reopens it when it drops after opening (ICWS keeps the
 * session's messages meanwhile), and returns why it ended; throws when ICWS refused it (401: gone).
 */
export async function streamMessages(
  ctx: IcwsContext,
  session: IcwsSession,
  receiver: Receiver,
  silenceMs: number,
  connected: () => void,
): Promise<string> {
  let drops = 0;
  while (!ctx.signal.aborted) {
    let delivered = false;
    const end = await openStream(
      ctx,
      session,
      receiver,
      silenceMs,
      () => {
        delivered = true;
      },
      connected,
    );
    if (end.kind === 'stopped' || end.kind === 'down') return end.detail;
    if (end.kind === 'refused') {
      if (end.code === 401)
        throw new IcwsSessionGone(`ICWS refused the message stream (401): ${end.detail}; logging in again`);
      if (end.code === 503)
        throw new IcwsUnavailable(`ICWS refused the message stream (503); logging in again`, []);
      throw new Error(`the ICWS message stream could not be opened: ${end.detail}`);
    }
    drops = delivered ? 1 : drops + 1;
    if (drops >= MAX_DROPS)
      throw new Error(`the ICWS message stream dropped ${drops} times without a message: ${end.detail}`);
    ctx.status('degraded', `the ICWS message stream dropped (${end.detail}); reopening it`);
    await ctx.sleep(100 * drops);
  }
  return 'stopped';
}

function openStream(
  ctx: IcwsContext,
  session: IcwsSession,
  receiver: Receiver,
  silenceMs: number,
  onMessage: () => void,
  connected: () => void,
): Promise<StreamEnd> {
  return new Promise((resolve) => {
    let lastByte = Date.now();
    let opened = false;
    let done = false;
    const touch = () => {
      lastByte = Date.now();
    };
    const fetchWithSession: FetchLike = async (url, init) => {
      const response = await fetch(url, { ...init, headers: { ...init.headers, ...session.headers() } });
      touch();
      if (!response.body) return response;
      const counted = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            touch();
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(counted, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
    const source = new EventSource(session.url('/messaging/messages'), { fetch: fetchWithSession });
    // Each caller is disarmed by the first finish (and a second one would change nothing).
    const finish = (end: StreamEnd) => {
      done = true;
      source.close();
      clearInterval(watchdog);
      ctx.signal.removeEventListener('abort', stop);
      resolve(end);
    };
    const stop = () => finish({ kind: 'stopped', detail: 'stopped' });
    ctx.signal.addEventListener('abort', stop);
    const watchdog = setInterval(
      () => {
        const silent = Date.now() - lastByte;
        // Stryker disable next-line EqualityOperator: equivalent, a silence of the limit to the millisecond is a clock race
        if (silent <= silenceMs) return;
        const detail = `nothing, not even a ping, for ${silent} ms`;
        if (!opened) return finish({ kind: 'refused', detail });
        // Stryker disable next-line StringLiteral: equivalent, streamMessages reopens on any end it does not name
        finish({ kind: 'dropped', detail });
      },
      Math.min(1_000, Math.max(50, silenceMs / 4)),
    );
    source.onopen = () => {
      opened = true;
      connected();
    };
    source.onmessage = (event) => {
      if (done) return;
      onMessage();
      for (const message of receiver.read(String(event.data), 'an event') ?? []) {
        const result = receiver.classify(message);
        if ('down' in result) return finish({ kind: 'down', detail: result.down });
        // emit keeps frames in order and resolves once stored; a stop while storing ends it quietly.
        ctx.emit(result.frame).catch(() => undefined);
      }
    };
    source.onerror = (event) => {
      const detail = event.message ?? 'the stream closed';
      // Once open, the event source only reconnects (an HTTP refusal closes it before it opens).
      if (!opened) return finish({ kind: 'refused', detail, code: event.code });
      // Stryker disable next-line StringLiteral: equivalent, streamMessages reopens on any end it does not name
      finish({ kind: 'dropped', detail });
    };
  });
}
