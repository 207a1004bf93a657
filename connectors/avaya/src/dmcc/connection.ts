// One TCP or TLS connection to AES: frames out, frames in, each answer matched to its request by invoke
// id, everything else (invoke id 9999) handed to `onUnsolicited` in order. It knows nothing of sessions.
import net from 'node:net';
import tls from 'node:tls';
import { SessionError } from '@openconnect/core';
import { encodeFrame, type Frame, FrameDecoder } from './framing.js';
import { isRefusal, type Message, readMessage, refusalOf } from './responses.js';

export interface ConnectOptions {
  host: string;
  port: number;
  tls: boolean;
  /** PEM of the CA to trust instead of Node's default ones. */
  ca?: string;
  verifyServerName: boolean;
  requestTimeoutMs: number;
  /** Aborts connecting only: once connected, the session closes the connection itself (after a clean stop). */
  signal: AbortSignal;
  /** An unsolicited message (event) or a frame that could not be read (`bad`). */
  onUnsolicited(frame: Frame): void;
  onBadFrame(reason: string): void;
}

export interface DmccConnection {
  /** Sends a request and resolves with its answer; a refusal (CSTAErrorCode, *NegResponse) rejects with RefusedError. */
  request(what: string, xml: string, timeoutMs?: number): Promise<Message>;
  /** Whether the connection is still open. */
  readonly open: boolean;
  /** Resolves with the reason once the connection is closed (by either side). */
  closed: Promise<string>;
  /** Stops reading until `resume` (the host is slow to store events). */
  pause(): void;
  resume(): void;
  close(): void;
}

/** AES refused a request; `refusal` is its own words (`operation: invalidDeviceID`). */
export class RefusedError extends SessionError {
  constructor(
    what: string,
    readonly answer: Message,
    readonly refusal = refusalOf(answer),
  ) {
    super(`AES refused ${what} (${answer.name} ${refusal})`);
  }
}

export async function openConnection(options: ConnectOptions): Promise<DmccConnection> {
  const { host, port, signal } = options;
  const where = `${options.tls ? 'tls' : 'tcp'}://${host}:${port}`;
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const fail = (error: Error) => {
      signal.removeEventListener('abort', abort);
      reject(
        new SessionError(
          `could not connect to AES at ${where}: ${(error as { code?: string }).code ?? error.message}`,
        ),
      );
    };
    const abort = () => {
      s.destroy();
      reject(new SessionError(`stopped while connecting to AES at ${where}`));
    };
    const ready = () => {
      signal.removeEventListener('abort', abort);
      // Stryker disable next-line StringLiteral: left on, a later socket error would only reject the promise already resolved (the connection's own handler ends it)
      s.off('error', fail);
      resolve(s);
    };
    const s = options.tls
      ? tls.connect(
          {
            host,
            port,
            ...(options.ca ? { ca: options.ca } : {}),
            ...(net.isIP(host) ? {} : { servername: host }),
            ...(options.verifyServerName ? {} : { checkServerIdentity: () => undefined }),
          },
          ready,
        )
      : net.connect({ host, port }, ready);
    s.once('error', fail);
    // Stryker disable next-line BooleanLiteral: Nagle's delay only slows small writes on the wire; nothing a test can pin without timing
    s.setNoDelay(true);
    signal.addEventListener('abort', abort, { once: true });
  });

  const decoder = new FrameDecoder();
  const pending = new Map<
    string,
    { what: string; resolve: (m: Message) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  let nextId = 0;
  let closedReason: string | undefined;
  let markClosed!: (reason: string) => void;
  const closed = new Promise<string>((resolve) => {
    markClosed = resolve;
  });

  const end = (reason: string) => {
    if (closedReason !== undefined) return;
    closedReason = reason;
    for (const [id, request] of pending) {
      clearTimeout(request.timer);
      request.reject(
        new SessionError(`the connection to AES closed before it answered ${request.what} (${reason})`),
      );
      pending.delete(id);
    }
    socket.destroy();
    markClosed(reason);
  };

  socket.on('data', (chunk: Buffer) => {
    let frames: ReturnType<FrameDecoder['push']>;
    try {
      frames = decoder.push(chunk);
    } catch (error) {
      options.onBadFrame((error as Error).message);
      end('the stream from AES could not be framed');
      return;
    }
    for (const frame of frames) {
      if ('bad' in frame) options.onBadFrame(frame.bad);
      // Events carry 9999, which is never one of ours (invokeId gives 0001-9998): they are never pending.
      else if (pending.has(frame.invokeId)) answer(frame);
      else options.onUnsolicited(frame);
    }
  });
  socket.on('error', (error) => end((error as { code?: string }).code ?? error.message));
  // AES's FIN ('end') is followed by 'close' (no half-open sockets), a reset by 'error' then 'close'.
  socket.on('close', () => end('AES closed the connection'));

  function answer(frame: Frame) {
    const request = pending.get(frame.invokeId)!;
    pending.delete(frame.invokeId);
    clearTimeout(request.timer);
    let message: Message;
    try {
      message = readMessage(frame.xml);
    } catch (error) {
      options.onBadFrame(`the answer to ${request.what}: ${(error as Error).message}`);
      request.reject(new SessionError(`AES answered ${request.what} with a message that could not be read`));
      return;
    }
    if (isRefusal(message)) request.reject(new RefusedError(request.what, message));
    else request.resolve(message);
  }

  /** The next free invoke id, 0001-9998 (9999 is the events'). */
  const invokeId = () => {
    // Stryker disable next-line EqualityOperator: a 9,999th turn wraps around to the first id tried, taken as before
    for (let tries = 0; tries < 9998; tries++) {
      nextId = (nextId % 9998) + 1;
      const id = String(nextId).padStart(4, '0');
      if (!pending.has(id)) return id;
    }
    throw new SessionError('9,998 DMCC requests are waiting for an answer; AES is not answering');
  };

  return {
    closed,
    get open() {
      return closedReason === undefined;
    },
    request(what, xml, timeoutMs = options.requestTimeoutMs) {
      if (closedReason !== undefined)
        return Promise.reject(
          new SessionError(`the connection to AES is closed (${closedReason}); ${what} was not sent`),
        );
      return new Promise<Message>((resolve, reject) => {
        // Inside the promise: with every id taken the caller gets a rejection, as for any request AES cannot answer.
        const id = invokeId();
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new SessionError(`AES did not answer ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { what, resolve, reject, timer });
        socket.write(encodeFrame(id, xml));
      });
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => end('closed by the session'),
  };
}
