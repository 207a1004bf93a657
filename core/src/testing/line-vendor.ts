// A reference vendor session for testing hosts (the kit, the runner's supervisor): newline-delimited JSON
// over TCP, with a login, a session that expires unless renewed, sequence numbers a client can resume
// from, and the faults the hosts must survive. It is no real vendor's protocol; real ones live in their
// connectors' folders with their own emulators.
//
//   client → {"op":"hello","token":"…","from":"<last seq>"}   server → {"op":"welcome","expiresInMs":N} | {"op":"denied","reason":"…"}
//   client → {"op":"renew"}                                    server → {"op":"renewed","expiresInMs":N}
//   server → {"op":"event","seq":"7","data":{agent,state,call}}  client → {"op":"ack","seq":"7"}
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { defineConnector } from '../connector.js';
import { type Draft, ignore } from '../mapping.js';
import { parseWith } from '../request.js';
import { defineSubscription, SessionError } from '../subscription.js';
import { PROP } from '../vocabulary.js';

export interface LineEvent {
  agent: string;
  state: 'ringing' | 'talking' | 'hungup' | 'idle';
  call: string;
  from?: string;
}

export interface LineVendor {
  /** tcp://127.0.0.1:<port> */
  url: string;
  /** Appends an event to the log and sends it to every logged-in client; returns its seq. */
  push(event: LineEvent | Record<string, unknown>): string;
  /** Closes every client connection without a word. */
  drop(): void;
  /** Sends one line that is not JSON to every client. */
  sendMalformed(): void;
  /** Login refused with this reason until cleared. */
  deny(reason: string | undefined): void;
  /** Logs in but sends nothing, answers nothing (a vendor that hangs). */
  stall(on: boolean): void;
  counters: { logins: number; renewals: number; expirations: number; connections: number; acked: string[] };
  /** Clients connected and logged in now. */
  clients(): number;
  close(): Promise<void>;
}

export interface LineVendorOptions {
  token: string;
  /** How long a session lives without a renewal. */
  sessionMs?: number;
  port?: number;
}

export async function startLineVendor(options: LineVendorOptions): Promise<LineVendor> {
  const sessionMs = options.sessionMs ?? 60_000;
  const log: { seq: string; data: unknown }[] = [];
  const live = new Set<Socket>();
  const sockets = new Set<Socket>();
  let denied: string | undefined;
  let stalled = false;
  const counters: LineVendor['counters'] = {
    logins: 0,
    renewals: 0,
    expirations: 0,
    connections: 0,
    acked: [],
  };
  const write = (socket: Socket, value: unknown) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(value)}\n`);
  };

  const server: Server = createServer((socket) => {
    counters.connections += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    let expiry: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(expiry);
      expiry = setTimeout(() => {
        counters.expirations += 1;
        write(socket, { op: 'expired' });
        socket.end();
      }, sessionMs);
    };
    socket.on('close', () => {
      clearTimeout(expiry);
      live.delete(socket);
      sockets.delete(socket);
    });
    // readline passes its input's errors on as its own 'error' event: a client's reset (ECONNRESET) is
    // an ordinary end of its session here (the socket's 'close' cleans up), not a crash of the emulator.
    const lines = createInterface({ input: socket });
    lines.on('error', () => {});
    lines.on('line', (line) => {
      if (stalled) return;
      let message: { op?: string; token?: string; from?: string; seq?: string };
      try {
        message = JSON.parse(line);
      } catch {
        return socket.destroy();
      }
      if (message.op === 'hello') {
        if (denied || message.token !== options.token) {
          write(socket, { op: 'denied', reason: denied ?? 'unknown token' });
          return socket.end();
        }
        counters.logins += 1;
        write(socket, { op: 'welcome', expiresInMs: sessionMs });
        arm();
        live.add(socket);
        // Resume: everything after the client's last position, in order.
        const from = message.from === undefined ? -1 : Number(message.from);
        for (const entry of log) if (Number(entry.seq) > from) write(socket, { op: 'event', ...entry });
      } else if (message.op === 'renew' && live.has(socket)) {
        counters.renewals += 1;
        arm();
        write(socket, { op: 'renewed', expiresInMs: sessionMs });
      } else if (message.op === 'ack' && typeof message.seq === 'string') {
        counters.acked.push(message.seq);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `tcp://127.0.0.1:${port}`,
    push(data) {
      const seq = String(log.length);
      log.push({ seq, data });
      if (!stalled) for (const socket of live) write(socket, { op: 'event', seq, data });
      return seq;
    },
    drop() {
      for (const socket of sockets) socket.destroy();
    },
    sendMalformed() {
      for (const socket of live) if (!socket.destroyed) socket.write('{"op":"event","seq":\n');
    },
    deny(reason) {
      denied = reason;
    },
    stall(on) {
      stalled = on;
    },
    counters,
    clients: () => live.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const lineEvent = z.object({
  agent: z.string().min(1),
  state: z.enum(['ringing', 'talking', 'hungup', 'idle']),
  call: z.string().min(1),
  from: z.string().optional(),
});

const LIFECYCLE = { ringing: 'offered', talking: 'answered', hungup: 'ended' } as const;

export const lineConfig = z.object({
  /** tcp://host:port of the line vendor; the subscription runs when it is set. */
  lineUrl: z
    .string()
    .regex(/^tcp:\/\/[^:]+:\d+$/, 'lineUrl must be tcp://host:port')
    .optional(),
  lineToken: z.string().min(8).optional(),
});
export type LineConfig = z.output<typeof lineConfig>;

/** The line vendor's subscription: resumes from its position, renews its session, acks after storing. */
export const lineSubscription = defineSubscription<z.output<typeof lineEvent>, LineConfig>({
  id: 'line',
  description: 'Line vendor session (newline-delimited JSON over TCP; a reference for hosts)',
  enabled: (config) => Boolean(config.lineUrl),
  parse: (frame) => parseWith(lineEvent, frame, 'line event'),
  eventId: (event) => `${event.call}:${event.state}`,
  map(event) {
    if (event.state === 'idle') return ignore(`agent ${event.agent} is idle: no call to pop`);
    const draft: Draft = {
      agentid: event.agent,
      lifecycle: LIFECYCLE[event.state],
      props: {
        [PROP.interactionId]: event.call,
        [PROP.nativeEvent]: event.state,
        ...(event.from ? { [PROP.ani]: event.from } : {}),
      },
    };
    // The line vendor has one leg per call: every pop is the primary one (core/src/legs.ts).
    if (draft.lifecycle === 'offered' || draft.lifecycle === 'answered') draft.props[PROP.leg] = 'primary';
    return draft;
  },
  async connect(ctx) {
    const [host, port] = ctx.config.lineUrl!.slice('tcp://'.length).split(':');
    const socket = tcpConnect(Number(port), host!);
    // readline ends on the stream's 'end' only; a destroyed or reset socket must end it too.
    const lines = createInterface({ input: socket });
    socket.on('close', () => lines.close());
    const stop = () => socket.destroy();
    ctx.signal.addEventListener('abort', stop, { once: true });
    const send = (value: unknown) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(value)}\n`);
    };
    let renewed: ((expiresInMs: number) => void) | undefined;
    let welcomed = false;
    let refused: string | undefined;
    socket.on('error', () => {});
    socket.on('connect', () =>
      send({
        op: 'hello',
        token: ctx.config.lineToken,
        ...(ctx.position !== undefined ? { from: ctx.position } : {}),
      }),
    );
    try {
      for await (const line of lines) {
        let message: { op?: string; expiresInMs?: number; reason?: string; seq?: string; data?: unknown };
        try {
          message = JSON.parse(line);
        } catch {
          ctx.badFrame(`a line that is not JSON: ${line.slice(0, 60)}`);
          continue;
        }
        if (message.op === 'welcome') {
          welcomed = true;
          ctx.status('connected');
          ctx.renewBefore('session', ctx.now() + (message.expiresInMs ?? 0), async () => {
            const answer = new Promise<number>((resolve, reject) => {
              renewed = resolve;
              setTimeout(() => reject(new Error('no answer to renew')), 2_000).unref();
            });
            send({ op: 'renew' });
            return ctx.now() + (await answer);
          });
        } else if (message.op === 'renewed') {
          renewed?.(message.expiresInMs ?? 0);
        } else if (message.op === 'denied') {
          refused = message.reason ?? 'refused';
        } else if (message.op === 'event' && typeof message.seq === 'string') {
          await ctx.emit(message.data, { position: message.seq });
          send({ op: 'ack', seq: message.seq });
        }
      }
    } catch (error) {
      // A vendor that drops the connection with data still unread sends a reset, not a close: readline passes
      // it on as ECONNRESET. It ends the session as a close does (the host connects again); anything else is
      // the session's own failure.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ECONNRESET' && code !== 'EPIPE') throw error;
    } finally {
      ctx.signal.removeEventListener('abort', stop);
      socket.destroy();
    }
    if (refused) throw new SessionError(`the line vendor refused the login: ${refused}`, { failed: true });
    if (!welcomed && !ctx.signal.aborted)
      throw new SessionError('the line vendor closed the connection before the login');
  },
});

/** A connector whose only source is the line vendor's session, for host tests. */
export const lineConnector = defineConnector<LineConfig>({
  id: 'line',
  displayName: 'Line vendor (test)',
  platforms: ['Line'],
  config: lineConfig,
  secrets: ['lineToken'],
  sources: [],
  subscriptions: [lineSubscription],
});
