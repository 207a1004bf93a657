// One WebSocket per notification channel, with a watchdog: any frame (a heartbeat, a pong) shows it is
// alive; after a third of the timeout in silence a ping is sent, and after the whole timeout the socket
// is dropped, since a half-open socket would otherwise go quiet forever.
import { SessionError } from '@openconnect/core';
import WebSocket from 'ws';
import { PING } from './frames.js';

export interface SocketOptions {
  /** The channel's connectUri (wss://streaming.{region}/channels/{id}). */
  url: string;
  heartbeatTimeoutMs: number;
  now: () => number;
  signal: AbortSignal;
  onText(text: string): void;
  /** Called once when the socket ends for any reason but close(): the vendor closed it, or it went quiet. */
  onEnd(reason: string): void;
}

export interface NotificationSocket {
  close(): void;
}

const OPEN_TIMEOUT_MS = 10_000;

/** Opens the socket; resolves once it is open, rejects with the reason it could not be. */
export function openSocket(options: SocketOptions): Promise<NotificationSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.url, { handshakeTimeout: OPEN_TIMEOUT_MS });
    let lastFrameAt = options.now();
    let pinged = false;
    let settled = false;
    let closing = false;
    let watchdog: ReturnType<typeof setInterval> | undefined;

    const stop = () => {
      closing = true;
      clearInterval(watchdog);
      options.signal.removeEventListener('abort', aborted);
      // Before the socket is open ws aborts the handshake (as terminate() would); once closing, it lets it finish.
      socket.close(1000, 'session ended');
    };
    const end = (reason: string) => {
      if (closing) return;
      stop();
      // Before the open this rejects once: stop() set `closing`, so end() does not run again.
      if (settled) options.onEnd(reason);
      else reject(new SessionError(reason));
    };
    // The session ended: no onEnd, but an open still under way fails instead of never settling (the
    // handshake ws aborts ends in an error that end() no longer reports). After the open this does nothing.
    const aborted = () => {
      stop();
      reject(new SessionError('the session ended while the notification socket was opening'));
    };
    options.signal.addEventListener('abort', aborted); // stop() removes it

    socket.on('open', () => {
      lastFrameAt = options.now();
      const every = Math.max(Math.min(options.heartbeatTimeoutMs / 6, 5_000), 50);
      watchdog = setInterval(() => {
        const silent = options.now() - lastFrameAt;
        if (silent >= options.heartbeatTimeoutMs) {
          end(`no heartbeat on the notification socket for ${Math.round(silent / 1000)} s`);
        } else if (silent >= options.heartbeatTimeoutMs / 3 && !pinged) {
          pinged = true;
          socket.send(PING, () => {});
        }
      }, every);
      settled = true;
      resolve({ close: stop });
    });
    socket.on('message', (data, isBinary) => {
      lastFrameAt = options.now();
      pinged = false;
      if (!closing) options.onText(isBinary ? '' : data.toString());
    });
    socket.on('unexpected-response', (_req, res) =>
      end(`the notification socket was refused (HTTP ${res.statusCode}): the channel is gone`),
    );
    socket.on('error', (error) => end(`the notification socket failed (${error.message})`));
    socket.on('close', (code) => end(`Genesys Cloud closed the notification socket (code ${code})`));
  });
}
