// A Genesys Cloud org on 127.0.0.1 for tests and benchmarks: the login host's client-credentials token,
// the Users API, the routing queue search, conversations over REST, notification channels and their
// WebSockets (genesys-cloud-channels.ts). It checks what Genesys checks (Basic client id/secret, bearer
// tokens and their expiry, topic limits) and has the faults the issue asks for. Timers are in ms.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChannelCounters, createChannels } from './genesys-cloud-channels.js';

export interface GenesysCloudUser {
  username: string;
  email: string;
  name: string;
}

export interface GenesysCloudEmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** Token lifetime (expires_in, sent in seconds). Default 86 399 s. */
  tokenLifetimeMs?: number;
  /** Channel lifetime, extended by each subscription. Default 24 h. */
  channelLifetimeMs?: number;
  /** Heartbeat interval on every socket. Default 30 s. */
  heartbeatIntervalMs?: number;
  maxChannels?: number;
  maxTopicsPerChannel?: number;
  users?: Record<string, GenesysCloudUser>;
  /** Queue id → name. */
  queues?: Record<string, string>;
}

export interface RestFault {
  /** How many matching requests get the fault. Default 1. */
  times?: number;
  /** Only requests whose path contains this (or matches it). Default: every request. */
  path?: string | RegExp;
  /** Retry-After and inin-ratelimit-reset of a 429, in seconds. Default 1. */
  retryAfterSeconds?: number;
}

export interface GenesysCloudCounters extends ChannelCounters {
  tokensIssued: number;
  /** API requests refused because their token had expired or was revoked (renewed too late). */
  tokensRefused: number;
  /** Every request as "METHOD /path?query", oldest first. */
  requests: string[];
}

export interface GenesysCloudControls {
  /** Sends a conversation snapshot to every connected channel subscribed to the topic; how many got it. */
  push(topic: string, eventBody: { id: string }): number;
  /** The conversation changed while nobody listened: REST answers the new body, no socket hears of it. */
  update(topic: string, eventBody: { id: string }): void;
  /** Every pushed snapshot is sent twice while on. */
  duplicates(on?: boolean): void;
  /** v2.system.socket_closing on every socket, then the socket closes. */
  socketClosing(closeAfterMs?: number): void;
  /** {"result":"404"} on every socket and the channels are gone. */
  channelGone(): void;
  /** Drops every socket without a close frame. */
  drop(): void;
  /** No heartbeats and no pongs while on. */
  stall(on?: boolean): void;
  /** Every channel expires now. */
  expireChannels(): void;
  /** Sends this text on every socket (malformed frames). */
  sendRaw(text: string): void;
  /** The next matching REST requests answer this status (429 with Retry-After and inin-ratelimit headers). */
  failRest(status: number, fault?: RestFault): void;
  /** Forgets every issued token, as if revoked. */
  revokeTokens(): void;
}

export interface GenesysCloudEmulator {
  /** The login host and the API host (both here): cloudLoginUrl and cloudApiUrl. */
  url: string;
  clientId: string;
  clientSecret: string;
  controls: GenesysCloudControls;
  counters: GenesysCloudCounters;
  channels(): { id: string; connectUri: string; topics: string[]; expires: string }[];
  close(): Promise<void>;
}

export const EMULATED_CLIENT_ID = 'oc-emulated-client';
export const EMULATED_CLIENT_SECRET = 'oc-emulated-client-secret-0123';

const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};
const error = (
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
) => send(res, status, { message, code, status }, headers);

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
  });

export async function startGenesysCloudEmulator(
  options: GenesysCloudEmulatorOptions = {},
): Promise<GenesysCloudEmulator> {
  const clientId = options.clientId ?? EMULATED_CLIENT_ID;
  const clientSecret = options.clientSecret ?? EMULATED_CLIENT_SECRET;
  const tokenLifetimeMs = options.tokenLifetimeMs ?? 86_399_000;
  const users = options.users ?? {};
  const queues = options.queues ?? {};
  const counters: GenesysCloudCounters = {
    tokensIssued: 0,
    tokensRefused: 0,
    channelsCreated: 0,
    renewals: 0,
    expirations: 0,
    socketsOpened: 0,
    requests: [],
  };
  const channels = createChannels({
    lifetimeMs: options.channelLifetimeMs ?? 24 * 3_600_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
    maxChannels: options.maxChannels ?? 20,
    maxTopics: options.maxTopicsPerChannel ?? 1_000,
    counters,
  });
  const tokens = new Map<string, number>();
  const faults: (RestFault & { status: number; left: number })[] = [];
  // Conversations over REST: the queue topic's shape at /conversations/{id}, a user topic's at /conversations/{media}/{id}.
  const conversations = new Map<string, unknown>();
  const restPathOf = (topic: string, id: string) => {
    const media = /^v2\.users\.[^.]+\.conversations\.([a-z]+)$/.exec(topic)?.[1];
    return media ? `/api/v2/conversations/${media}/${id}` : `/api/v2/conversations/${id}`;
  };

  function fault(res: ServerResponse, path: string): boolean {
    const rule = faults.find(
      (f) =>
        f.left > 0 && (!f.path || (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))),
    );
    if (!rule) return false;
    rule.left -= 1;
    const seconds = String(rule.retryAfterSeconds ?? 1);
    if (rule.status === 429)
      error(res, 429, 'too.many.requests', 'Rate limit exceeded the maximum', {
        'retry-after': seconds,
        'inin-ratelimit-allowed': '300',
        'inin-ratelimit-count': '300',
        'inin-ratelimit-reset': seconds,
      });
    else if (rule.status === 401) error(res, 401, 'authentication.required', 'Authentication failed');
    else error(res, rule.status, 'service.unavailable', `emulated HTTP ${rule.status}`);
    return true;
  }

  function token(req: IncomingMessage, res: ServerResponse, body: string) {
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== basic)
      return send(res, 401, { error: 'invalid_client', description: 'client not found' });
    // The login host reads the grant only from a form body (RFC 6749).
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded')
      return send(res, 400, { error: 'invalid_request', description: 'form body expected' });
    if (new URLSearchParams(body).get('grant_type') !== 'client_credentials')
      return send(res, 400, { error: 'unsupported_grant_type', description: 'grant type not supported' });
    counters.tokensIssued += 1;
    const value = `emulated-${randomUUID()}`;
    tokens.set(value, Date.now() + tokenLifetimeMs);
    return send(res, 200, { access_token: value, token_type: 'bearer', expires_in: tokenLifetimeMs / 1000 });
  }

  function api(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if ((tokens.get(bearer) ?? 0) <= Date.now()) {
      counters.tokensRefused += 1;
      return error(res, 401, 'authentication.required', 'Authentication failed');
    }
    const user = /^\/api\/v2\/users\/([^/]+)$/.exec(path);
    if (method === 'GET' && user) {
      const id = decodeURIComponent(user[1]!);
      const found = users[id];
      if (!found) return error(res, 404, 'not.found', `user ${id} not found`);
      return send(res, 200, { id, ...found, state: 'active', version: 3, selfUri: `/api/v2/users/${id}` });
    }
    if (method === 'GET' && path === '/api/v2/routing/queues') {
      const name = (url.searchParams.get('name') ?? '').toLowerCase();
      // Genesys matches partial names too; the client must pick the exact one.
      const entities = Object.entries(queues)
        .filter(([, queueName]) => queueName.toLowerCase().includes(name))
        .map(([id, queueName]) => ({ id, name: queueName, selfUri: `/api/v2/routing/queues/${id}` }));
      return send(res, 200, { entities, pageSize: 100, pageNumber: 1, total: entities.length, pageCount: 1 });
    }
    if (method === 'GET' && path.startsWith('/api/v2/conversations/')) {
      const conversation = conversations.get(path);
      return conversation
        ? send(res, 200, conversation)
        : error(res, 404, 'not.found', 'conversation not found');
    }
    if (path === '/api/v2/notifications/channels') {
      if (method === 'POST') return send(res, 200, channels.create());
      if (method === 'GET') return send(res, 200, { entities: channels.list() });
    }
    const match = /^\/api\/v2\/notifications\/channels\/([^/]+)(\/subscriptions)?$/.exec(path);
    if (match) {
      const id = decodeURIComponent(match[1]!);
      if (!channels.exists(id)) return error(res, 404, 'not.found', `channel ${id} not found`);
      if (!match[2])
        return method === 'HEAD' ? send(res, 200) : error(res, 405, 'method.not.allowed', 'use HEAD');
      if (method === 'GET')
        return send(res, 200, { entities: channels.topics(id)!.map((topic) => ({ id: topic })) });
      if (method === 'DELETE') {
        channels.unsubscribe(id);
        return send(res, 204);
      }
      if (method === 'PUT' || method === 'POST') {
        let topics: unknown;
        try {
          topics = JSON.parse(body);
        } catch {
          return error(res, 400, 'bad.request', 'the body is not JSON');
        }
        if (!Array.isArray(topics))
          return error(res, 400, 'bad.request', 'the body must be an array of {id}');
        const problem = channels.subscribe(
          id,
          topics.map((t) => (t as { id?: unknown })?.id as string),
          method === 'PUT',
        );
        if (problem) return error(res, 400, 'bad.request', problem);
        return send(res, 200, { entities: channels.topics(id)!.map((topic) => ({ id: topic })) });
      }
    }
    return error(res, 404, 'not.found', `no route ${method} ${path}`);
  }

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    counters.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (fault(res, url.pathname)) return;
    if (req.method === 'POST' && url.pathname === '/oauth/token') return token(req, res, body);
    if (url.pathname.startsWith('/api/v2/')) return api(req, res, url, body);
    return error(res, 404, 'not.found', 'no such route');
  });
  server.on('upgrade', (req, socket, head) => channels.upgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  channels.setBase(`ws://127.0.0.1:${port}`);

  const controls: GenesysCloudControls = {
    push(topic, eventBody) {
      const sent = channels.push(topic, eventBody); // the notification leaves as the state changes
      conversations.set(restPathOf(topic, eventBody.id), eventBody);
      return sent;
    },
    update(topic, eventBody) {
      conversations.set(restPathOf(topic, eventBody.id), eventBody);
    },
    duplicates: (on = true) => channels.duplicates(on),
    socketClosing: (closeAfterMs = 100) => channels.socketClosing(closeAfterMs),
    channelGone: () => channels.channelGone(),
    drop: () => channels.drop(),
    stall: (on = true) => channels.stall(on),
    expireChannels: () => channels.expireAll(),
    sendRaw: (text) => channels.sendRaw(text),
    failRest: (status, rule = {}) => faults.push({ ...rule, status, left: rule.times ?? 1 }),
    revokeTokens: () => tokens.clear(),
  };
  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    controls,
    counters,
    channels: () =>
      channels.list().map((channel) => ({ ...channel, topics: channels.topics(channel.id) ?? [] })),
    async close() {
      channels.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
