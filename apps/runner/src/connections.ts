// How many connections the runner holds, and how long one may take to send its request. Each connection is a
// file descriptor: idle sockets beyond these bounds would use up the process's descriptors and keep every other
// client out (and Redis, SQLite and deliveries, which need descriptors too). Node's HTTP server times out a
// request in progress; the caps (in all, with idle connections shed first, and per client address) and the
// deadline for a connection that sends nothing at all are added here.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { RunnerConfig } from './config.js';
import type { ConnectionMetrics } from './metrics.js';

type Limits = Pick<RunnerConfig['limits'], 'requestTimeoutMs' | 'maxConnections' | 'connectionsPerClient'>;

const WARN_EVERY_MS = 60_000;

/**
 * Node's own request timeouts (Fastify's `http` options), so that a request arrives whole within
 * `requestTimeoutMs` however slowly it trickles in: Node swaps headersTimeout and requestTimeout when
 * headersTimeout (60 s by default) is the longer, which let a trickled body run to 60 s; and it checks them
 * every 30 s by default, which let a request run up to that much past its deadline.
 */
export function requestTimeouts(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
  };
}

/**
 * Caps the connections `server` holds, in all and per client address, each refusal counted. At
 * `maxConnections` a new connection takes the place of the oldest idle one (no request in progress: it sent
 * nothing yet, only part of its headers, or waits between keep-alive requests), as a proxy sheds idle
 * keep-alives under pressure, so sockets left open on purpose cannot keep new clients out until the request
 * timeout closes them. Only when every connection has a request in progress is the new one refused.
 */
export function limitConnections(server: Server, limits: Limits, metrics: ConnectionMetrics, logger: Logger) {
  const held = new Map<string, number>();
  const warnedAt = new Map<string, number>();
  /** Every open connection, oldest first, with its requests in progress. */
  const open = new Map<Socket, { requests: number }>();

  // Counted every time, logged at most once a minute: a flood must not flood the log too.
  const warn = (reason: string, detail: object, message: string) => {
    const now = Date.now();
    if (now - (warnedAt.get(reason) ?? 0) < WARN_EVERY_MS) return;
    warnedAt.set(reason, now);
    logger.warn({ reason, ...detail }, message);
  };
  const refuse = (reason: 'max_connections' | 'per_client', detail: object, message: string) => {
    metrics.refused.inc({ reason });
    warn(reason, detail, message);
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const entry = open.get(request.socket);
    if (!entry) return;
    entry.requests += 1;
    response.once('close', () => {
      entry.requests -= 1;
    });
  });

  /** Closes the oldest connection with no request in progress, other than `spare`; false when there is none. */
  const evictIdle = (spare: Socket) => {
    for (const [socket, entry] of open) {
      if (socket === spare || entry.requests > 0) continue;
      open.delete(socket);
      socket.destroy();
      metrics.evicted.inc();
      warn(
        'evicted_idle',
        { remoteAddress: socket.remoteAddress, maxConnections: limits.maxConnections },
        'idle connection closed to make room: the runner holds limits.maxConnections connections',
      );
      return true;
    }
    return false;
  };

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (held.get(address) ?? 0) + 1;
    held.set(address, count);
    open.set(socket, { requests: 0 });
    metrics.open.inc();
    // A connection that has sent nothing by the request timeout is closed; once it has sent a byte, Node's
    // request timeouts (requestTimeouts above) and the keep-alive timeout take over.
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, limits.requestTimeoutMs);
    silent.unref();
    socket.once('close', () => {
      clearTimeout(silent);
      open.delete(socket);
      metrics.open.dec();
      const left = (held.get(address) ?? 1) - 1;
      if (left > 0) held.set(address, left);
      else held.delete(address);
    });
    if (limits.connectionsPerClient > 0 && count > limits.connectionsPerClient) {
      refuse(
        'per_client',
        { remoteAddress: address, connectionsPerClient: limits.connectionsPerClient },
        'connection refused: this address holds limits.connectionsPerClient connections',
      );
      open.delete(socket);
      socket.destroy();
      return;
    }
    if (open.size > limits.maxConnections && !evictIdle(socket)) {
      refuse(
        'max_connections',
        { remoteAddress: address, maxConnections: limits.maxConnections },
        'connection refused: the runner holds limits.maxConnections connections, each with a request in progress',
      );
      open.delete(socket);
      socket.destroy();
    }
  });
}
