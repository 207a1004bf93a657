// 8x8 Event Streaming on 127.0.0.1 for tests and benchmarks: the Pulsar WebSocket proxy's consumer and
// reader endpoints (/ws/v2/{consumer|reader}/persistent/{tenant}/{namespace}/{topic}[/{subscription}]),
// checking X-API-Key (header or ?x-api-key=) as 8x8 does, plus the Contact Center Agent Status API for
// agent look-ups. Faults: refused upgrades, Pulsar close codes, drops, malformed and control frames,
// stalls, duplicates, key rotation, an idle timeout. Timers are in ms.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { createAgentStatusApi, type EmulatedAgent } from './pulsar-agents.js';
export type { EmulatedAgent } from './pulsar-agents.js';
export type { StoredMessage } from './pulsar-topic.js';
import { openEndpoint, type PulsarConnection } from './pulsar-connection.js';
import { type CursorType, createTopicStore, type StoredMessage, type TopicCounters } from './pulsar-topic.js';

export interface PulsarEmulatorOptions {
  /** The Contact Center tenant (the Pulsar tenant). Default acme01. */
  tenant?: string;
  /** Keys accepted in X-API-Key. Default one Admin Console-shaped key. */
  apiKeys?: string[];
  /** Closes a socket the client has not written to for this long (Pulsar webSocketSessionIdleTimeoutMillis). 0: never. Default 300 000. */
  idleTimeoutMs?: number;
  /** The server pings every socket this often (Pulsar webSocketPingDurationSeconds). 0: never (Pulsar's default). */
  pingIntervalMs?: number;
  /** Redelivery delay after a negative ack when the consumer does not ask for one. Default 60 000 (Pulsar's). */
  negativeAckRedeliveryDelayMs?: number;
  /** Where a new durable subscription starts. Default latest (Pulsar's). */
  initialPosition?: 'latest' | 'earliest';
  /** Agents the Agent Status API knows, by agent id. */
  agents?: Record<string, EmulatedAgent>;
  /** Basic credentials of the Agent Status API (user: default the tenant). */
  agentApiUser?: string;
  agentApiToken?: string;
}

export interface PulsarCounters extends TopicCounters {
  /** Upgrades accepted, and refused (any status). */
  connections: number;
  refused: number;
  /** Pings from clients (the keep-alive that renews the idle timeout), pongs to the server's pings. */
  pings: number;
  pongs: number;
  /** Sockets closed for idleness: nothing renewed them in time. */
  idleTimeouts: number;
  /** Text frames received from clients (acks, nacks, permits...). */
  commands: number;
  agentLookups: number;
  /** Messages of durable subscriptions not acknowledged yet. */
  readonly unacked: number;
  /** Sockets open now. */
  readonly open: number;
}

export type MalformedKind = 'bad-base64' | 'bad-json' | 'not-json' | 'no-message-id';

export interface PulsarControls {
  /** Closes every socket without a close frame. */
  drop(): void;
  /** Closes every socket with this code: Pulsar's 1–8 (sent as they are), or an RFC 6455 code. */
  closeWith(code: number, reason?: string): void;
  /** The next upgrades (times, default 1) answer this HTTP status; a 429 carries Retry-After. */
  refuse(status: number, fault?: { times?: number; retryAfterSeconds?: number }): void;
  /** Only newKey is accepted from now on; open sockets are closed with Pulsar error 5 unless told not to. */
  rotateKey(newKey: string, options?: { closeSessions?: boolean }): void;
  /** bad-base64/bad-json: a message (with an id, to acknowledge) whose payload is broken; the others: raw text. */
  sendMalformed(kind?: MalformedKind): void;
  /** A control frame on every socket (default {"endOfTopic":"false"}). */
  sendControl(frame?: Record<string, unknown>): void;
  sendRaw(text: string): void;
  /** While on: no messages sent, no pongs, no pings; the sockets stay open. */
  stall(on?: boolean): void;
  /** While on: every message is sent twice, the second time with redeliveryCount + 1. */
  duplicates(on?: boolean): void;
  /** Every unacknowledged message is sent again with redeliveryCount + 1 (as an ack timeout would). */
  redeliverUnacked(): void;
  /** The next Agent Status API requests (times, default 1) answer this status. */
  failAgentApi(status: number, times?: number): void;
}

export interface PulsarEmulator {
  /** ws://127.0.0.1:port: streamUrl. */
  url: string;
  /** http://127.0.0.1:port/api/v1: agentApiUrl. */
  agentApiUrl: string;
  tenant: string;
  /** The key accepted now. */
  readonly apiKey: string;
  agentApiUser: string;
  agentApiToken: string;
  /** Publishes events (each JSON-encoded, then base64) at once; their message ids, in order. */
  push(events: unknown | unknown[]): string[];
  /** Publishes messages whose payload is already base64 (a recorded frame's). */
  publish(
    messages:
      | { payload: string; properties?: Record<string, string> }
      | { payload: string; properties?: Record<string, string> }[],
  ): string[];
  /** Consumer sockets open now. */
  consumers(): number;
  /** The messages published so far. */
  messages(): readonly StoredMessage[];
  controls: PulsarControls;
  counters: PulsarCounters;
  close(): Promise<void>;
}

const PATH =
  /^\/ws\/v2\/(consumer|reader)\/(persistent|non-persistent)\/([^/]+)\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/;
const NAMESPACES = new Set(['event-v1', 'agent-v1']);
const TYPES = new Set<CursorType>(['Exclusive', 'Failover', 'Shared', 'Key_Shared']);
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Server Error',
  503: 'Service Unavailable',
};

function refuseUpgrade(
  socket: Socket,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n${extra}\r\n${message}`,
  );
}

export async function startPulsarEmulator(options: PulsarEmulatorOptions = {}): Promise<PulsarEmulator> {
  const tenant = options.tenant ?? 'acme01';
  let keys = options.apiKeys ?? ['eght_emulated0123456789abcdefABCDEF'];
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const defaultNackDelay = options.negativeAckRedeliveryDelayMs ?? 60_000;
  let stalled = false;
  let duplicates = false;
  const refusals: { status: number; left: number; retryAfterSeconds: number }[] = [];
  const connections = new Set<PulsarConnection>();
  const counters = {
    connections: 0,
    refused: 0,
    pings: 0,
    pongs: 0,
    idleTimeouts: 0,
    commands: 0,
    agentLookups: 0,
    acks: 0,
    nacks: 0,
    delivered: 0,
    redeliveries: 0,
  };
  const store = createTopicStore({ counters, stalled: () => stalled });
  const agentApi = createAgentStatusApi({
    tenant,
    user: options.agentApiUser ?? tenant,
    token: options.agentApiToken ?? 'emulated-action-token-0123456789',
    agents: options.agents ?? {},
    count: () => {
      counters.agentLookups += 1;
    },
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!agentApi.handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const wss = new WebSocketServer({ noServer: true, autoPong: false });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, message: string, headers?: Record<string, string>) => {
      counters.refused += 1;
      refuseUpgrade(socket, status, message, headers);
    };
    const fault = refusals[0];
    if (fault) {
      if (--fault.left <= 0) refusals.shift();
      return refuse(
        fault.status,
        'refused by the emulator',
        fault.status === 429 ? { 'Retry-After': String(fault.retryAfterSeconds) } : {},
      );
    }
    const match = PATH.exec(url.pathname);
    if (!match) return refuse(404, 'no such endpoint');
    const [, role, , pathTenant, namespace, topic, subscription] = match as unknown as [
      string,
      'consumer' | 'reader',
      string,
      string,
      string,
      string,
      string | undefined,
    ];
    // Checked first, as the proxy authenticates before it looks at the topic.
    const key = req.headers['x-api-key'] ?? url.searchParams.get('x-api-key');
    if (typeof key !== 'string' || !keys.includes(key)) return refuse(401, 'Failed to authenticate');
    if (decodeURIComponent(pathTenant) !== tenant) return refuse(403, 'Not authorized');
    if (!NAMESPACES.has(namespace)) return refuse(404, `Topic not found: ${namespace}/${topic}`);
    if (role === 'consumer' && !subscription)
      return refuse(400, 'Invalid query params: subscription name is required');
    if (role === 'reader' && subscription) return refuse(404, 'no such endpoint');
    const query = url.searchParams;
    const queueSize = Number(query.get('receiverQueueSize') ?? 1000);
    const type = (query.get('subscriptionType') ?? 'Exclusive') as CursorType;
    const nackDelay = Number(query.get('negativeAckRedeliveryDelay') ?? defaultNackDelay);
    if (!Number.isInteger(queueSize) || queueSize < 1)
      return refuse(400, 'Invalid query params: receiverQueueSize');
    if (role === 'consumer' && !TYPES.has(type)) return refuse(400, 'Invalid query params: subscriptionType');
    if (!Number.isInteger(nackDelay) || nackDelay < 0)
      return refuse(400, 'Invalid query params: negativeAckRedeliveryDelay');
    const name = decodeURIComponent(topic);
    const matches = (m: StoredMessage) =>
      namespace === 'agent-v1' ? m.agentId === name : name === 'all' || m.type === name;
    let cursor: ReturnType<typeof store.reader>;
    if (role === 'consumer') {
      cursor = store.subscription(
        `${namespace}/${name}/${decodeURIComponent(subscription!)}`,
        type,
        matches,
        options.initialPosition ?? 'latest',
      );
      if (cursor.type === 'Exclusive' && cursor.endpoints.length)
        return refuse(409, 'Failed to create producer/consumer: Exclusive consumer is already connected');
    } else {
      cursor = store.reader(matches, query.get('messageId') ?? 'latest');
      if (!cursor) return refuse(400, 'Invalid query params: messageId');
    }
    const held = cursor;
    wss.handleUpgrade(req, socket, head, (ws) => {
      counters.connections += 1;
      const connection = openEndpoint({
        ws,
        socket,
        role,
        queueSize,
        nackDelayMs: nackDelay,
        idleTimeoutMs,
        store,
        counters,
        stalled: () => stalled,
        duplicates: () => duplicates,
        onClose: () => connections.delete(connection),
      });
      connections.add(connection);
      store.attach(held, connection.endpoint);
    });
  });

  const pinger =
    options.pingIntervalMs && options.pingIntervalMs > 0
      ? setInterval(() => {
          if (!stalled) for (const connection of connections) connection.ping();
        }, options.pingIntervalMs)
      : undefined;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const each = (fn: (connection: PulsarConnection) => void) => {
    for (const connection of [...connections]) fn(connection);
  };
  const encode = (event: unknown) => Buffer.from(JSON.stringify(event)).toString('base64');
  const publish: PulsarEmulator['publish'] = (messages) => {
    const ids = (Array.isArray(messages) ? messages : [messages]).map((m) => store.publish(m).messageId);
    store.dispatchAll();
    return ids;
  };

  const controls: PulsarControls = {
    drop: () => each((c) => c.terminate()),
    closeWith: (code, reason) => each((c) => c.closeWith(code, reason)),
    refuse(status, fault = {}) {
      refusals.push({ status, left: fault.times ?? 1, retryAfterSeconds: fault.retryAfterSeconds ?? 1 });
    },
    rotateKey(newKey, rotation = {}) {
      keys = [newKey];
      if (rotation.closeSessions ?? true) each((c) => c.closeWith(5, 'Failed to authenticate client'));
    },
    sendMalformed(kind = 'bad-json') {
      if (kind === 'bad-base64') publish({ payload: 'not base64!' });
      else if (kind === 'bad-json')
        publish({ payload: Buffer.from('{"Interaction": {"event": ').toString('base64') });
      else if (kind === 'not-json') each((c) => c.sendText('{"messageId": "CAcQ'));
      else
        each((c) =>
          c.sendText(JSON.stringify({ payload: encode({ AgentStatusChange: {} }), properties: {} })),
        );
    },
    sendControl: (frame = { endOfTopic: 'false' }) => each((c) => c.sendText(JSON.stringify(frame))),
    sendRaw: (text) => each((c) => c.sendText(text)),
    stall(on = true) {
      stalled = on;
      if (!on) store.dispatchAll();
    },
    duplicates(on = true) {
      duplicates = on;
    },
    redeliverUnacked: () => store.redeliverUnacked(),
    failAgentApi: (status, times = 1) => agentApi.fail(status, times),
  };

  const view = counters as unknown as PulsarCounters;
  Object.defineProperty(view, 'unacked', { get: () => store.unacked(), enumerable: true });
  Object.defineProperty(view, 'open', { get: () => connections.size, enumerable: true });

  return {
    url: `ws://127.0.0.1:${port}`,
    agentApiUrl: `http://127.0.0.1:${port}/api/v1`,
    tenant,
    get apiKey() {
      return keys[0]!;
    },
    agentApiUser: agentApi.user,
    agentApiToken: agentApi.token,
    push: (events) =>
      publish((Array.isArray(events) ? events : [events]).map((event) => ({ payload: encode(event) }))),
    publish,
    consumers: () => [...connections].filter((c) => c.role === 'consumer').length,
    messages: () => store.log,
    controls,
    counters: view,
    async close() {
      if (pinger) clearInterval(pinger);
      store.close();
      each((c) => c.terminate());
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
