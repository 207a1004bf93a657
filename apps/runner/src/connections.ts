// How many connections the runner holds, and how long one may take to send its request. Each connection is a
// file descriptor: idle sockets beyond these bounds would use up the process's descriptors and keep every other
// client out (and Redis, SQLite and deliveries, which need descriptors too). Node's HTTP server caps all
// connections (maxConnections, its 'drop' event) and times out a request in progress; the cap per client
// address and the deadline for a connection that sends nothing at all are added here.
import type { Server } from 'node:http';
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

/** Caps the connections `server` holds, in all and per client address, each refusal counted. */
export function limitConnections(server: Server, limits: Limits, metrics: ConnectionMetrics, logger: Logger) {
  server.maxConnections = limits.maxConnections;
  const held = new Map<string, number>();
  const warnedAt = new Map<string, number>();

  // Counted every time, logged at most once a minute: a flood must not flood the log too.
  const refuse = (reason: 'max_connections' | 'per_client', detail: object, message: string) => {
    metrics.refused.inc({ reason });
    const now = Date.now();
    if (now - (warnedAt.get(reason) ?? 0) < WARN_EVERY_MS) return;
    warnedAt.set(reason, now);
    logger.warn({ reason, ...detail }, message);
  };

  server.on('drop', (data) =>
    refuse(
      'max_connections',
      { remoteAddress: data?.remoteAddress, maxConnections: limits.maxConnections },
      'connection refused: the runner holds limits.maxConnections connections',
    ),
  );

  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (held.get(address) ?? 0) + 1;
    held.set(address, count);
    metrics.open.inc();
    // A connection that has sent nothing by the request timeout is closed; once it has sent a byte, Node's
    // request timeouts (requestTimeouts above) and the keep-alive timeout take over.
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, limits.requestTimeoutMs);
    silent.unref();
    socket.once('close', () => {
      clearTimeout(silent);
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
      socket.destroy();
    }
  });
}
