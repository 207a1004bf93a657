// The consumer's WebSocket: opened with X-API-Key, refused upgrades turned into SessionErrors that name
// the option to fix (never the key), pings answered by a pong (ws answers the server's pings itself),
// and the way the socket ended in Pulsar's words. Pulsar closes a session on error with codes 1–8,
// which are below the range RFC 6455 allows, so `ws` reports them as an invalid close code.
import { parseRetryAfter, SessionError } from '@openconnect/core';
import WebSocket from 'ws';

export interface ConsumerSocketOptions {
  url: string;
  apiKey: string;
  connectTimeoutMs: number;
  signal: AbortSignal;
  /** For messages: tenant, topic and subscription as configured. */
  names: { tenant: string; topic: string; subscription: string };
  onText(text: string): void;
}

export interface SocketEnd {
  /** 1000/1001: the server closed the session in order (restart, idle); anything else is a failure. */
  clean: boolean;
  reason: string;
}

export interface ConsumerSocket {
  send(text: string): void;
  /** Pings; resolves on the pong, rejects when none comes within timeoutMs. */
  ping(timeoutMs: number): Promise<void>;
  ended: Promise<SocketEnd>;
  close(): void;
}

/** Pulsar WebSocket error codes (client-libraries-websocket, "Error codes"). */
export const PULSAR_CLOSE_CODES: Record<number, string> = {
  1: 'Failed to create producer',
  2: 'Failed to subscribe',
  3: 'Failed to deserialize from JSON',
  4: 'Failed to serialize to JSON',
  5: 'Failed to authenticate client',
  6: 'Client is not authorized',
  7: 'Invalid payload encoding',
  8: 'Unknown error',
};

export function refusal(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  names: ConsumerSocketOptions['names'],
): SessionError {
  const where = `${names.tenant}/event-v1/${names.topic}`;
  switch (status) {
    case 401:
      return new SessionError(
        `8x8 refused streamApiKey for tenant ${names.tenant} (HTTP 401): check the key in Admin Console > API Keys; a re-generated key voids the old one`,
        { failed: true },
      );
    case 403:
      return new SessionError(
        `8x8 does not let streamApiKey read ${where} (HTTP 403): the Admin Console app needs the "Pulsar Event Stream" product; check streamTenant and streamTopic`,
        { failed: true },
      );
    case 404:
      return new SessionError(
        `8x8 has no event topic ${where} (HTTP 404): check streamTenant and streamTopic`,
        { failed: true },
      );
    case 400:
      return new SessionError(
        `8x8 refused the consumer options (HTTP 400): check streamSubscription, streamSubscriptionType and streamReceiverQueueSize`,
        { failed: true },
      );
    case 409:
      return new SessionError(
        `another consumer holds subscription ${names.subscription} (HTTP 409, Exclusive): it is freed when that consumer disconnects; Failover lets a second one wait instead`,
      );
    case 429: {
      return new SessionError('8x8 rate-limited the event-stream connection (HTTP 429)', {
        retryAfterMs: parseRetryAfter(headers['retry-after']) ?? 5_000,
      });
    }
    default:
      return new SessionError(`the event stream refused the connection (HTTP ${status})`);
  }
}

/** How the socket ended, from the close code, or from ws's complaint about one of Pulsar's codes. */
export function describeEnd(code: number, reason: string, pulsarCode?: number): SocketEnd {
  if (pulsarCode !== undefined) {
    const name = PULSAR_CLOSE_CODES[pulsarCode] ?? 'unknown Pulsar error';
    return { clean: false, reason: `8x8 closed the event stream with Pulsar error ${pulsarCode} (${name})` };
  }
  const why = reason ? `: ${reason}` : '';
  if (code === 1000 || code === 1001)
    return { clean: true, reason: `8x8 closed the event stream (${code}${why})` };
  if (code === 1006)
    return { clean: false, reason: 'the event stream connection dropped without a close frame' };
  return { clean: false, reason: `8x8 closed the event stream (${code}${why})` };
}

/** Opens the socket; resolves once it is open, rejects with a SessionError when it could not be. */
export function openConsumerSocket(options: ConsumerSocketOptions): Promise<ConsumerSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.url, {
      headers: { 'X-API-Key': options.apiKey },
      handshakeTimeout: options.connectTimeoutMs,
    });
    let opened = false;
    let pulsarCode: number | undefined;
    let failure: string | undefined;
    let finish: (end: SocketEnd) => void = () => {};
    const ended = new Promise<SocketEnd>((done) => {
      finish = done;
    });
    const pongs = new Set<{ done(): void; fail(error: Error): void }>();

    const stop = () => {
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'session ended');
      else socket.terminate();
    };
    options.signal.addEventListener('abort', stop, { once: true });

    socket.on('open', () => {
      opened = true;
      resolve({
        send(text) {
          // A send after the close is lost on purpose: the frame stays unacknowledged and comes again.
          if (socket.readyState === WebSocket.OPEN) socket.send(text, () => {});
        },
        ping(timeoutMs) {
          return new Promise((done, fail) => {
            if (socket.readyState !== WebSocket.OPEN)
              return fail(new Error('the event stream socket is closed'));
            const waiter = {
              done() {
                clearTimeout(timer);
                done();
              },
              fail(error: Error) {
                clearTimeout(timer);
                fail(error);
              },
            };
            const timer = setTimeout(() => {
              pongs.delete(waiter);
              fail(new Error(`no pong from the event stream within ${timeoutMs} ms`));
            }, timeoutMs);
            pongs.add(waiter);
            socket.ping();
          });
        },
        ended,
        close: stop,
      });
    });
    socket.on('pong', () => {
      for (const waiter of pongs) waiter.done();
      pongs.clear();
    });
    socket.on('message', (data, isBinary) => {
      options.onText(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
    });
    socket.on('unexpected-response', (_request, response) => {
      response.resume();
      failure = 'refused';
      reject(refusal(response.statusCode ?? 0, response.headers, options.names));
      socket.terminate();
    });
    socket.on('error', (error: Error & { code?: string }) => {
      const invalid =
        error.code === 'WS_ERR_INVALID_CLOSE_CODE' ? /status code (\d+)/.exec(error.message) : null;
      if (invalid) pulsarCode = Number(invalid[1]);
      else failure ??= error.message;
    });
    socket.on('close', (code, reason) => {
      options.signal.removeEventListener('abort', stop);
      for (const waiter of pongs) waiter.fail(new Error('the event stream socket closed before its pong'));
      pongs.clear();
      if (!opened) {
        if (failure !== 'refused') {
          reject(
            options.signal.aborted
              ? new SessionError('the event-stream session was stopped while connecting')
              : new SessionError(
                  `the event stream could not be reached (${failure ?? `closed with ${code}`})`,
                ),
          );
        }
        return;
      }
      finish(describeEnd(code, reason.toString(), pulsarCode));
    });
  });
}
