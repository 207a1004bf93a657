// A local Avaya Experience Platform for tests and benchmarks: the client-credentials token endpoint (appkey and
// client checked, tokens expire), the Notification API's subscriptions (list paged by at most 25, create, get,
// `:renew`, delete) whose expiry timers set them INACTIVE, and an event pusher that POSTs an AXP event to every
// ACTIVE WEBHOOK subscription with its authToken header. Faults: 401/403/429/503, forget, INACTIVE now, stall.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const AXP_EMULATOR_DEFAULTS = {
  accountId: 'ZWJJIQ',
  clientId: 'openconnect-emulator',
  clientSecret: 'emulator-client-secret-0123456789',
  appKey: 'emulator-app-key-0123456789',
} as const;

/** The event push() sends by default: an AGENT_ENGAGEMENT event shaped as we believe AXP sends it. */
export const AXP_EMULATOR_EVENT = {
  eventType: 'AgentParticipantAdded',
  eventId: '6c9f3d2b-1e5a-4d8f-8b62-2a3b4c5d6e7f',
  accountId: 'ZWJJIQ',
  engagement: { engagementId: 'e4f1c2d3-7a8b-4c5d-9e0f-112233445566', channel: 'VOICE', direction: 'INBOUND', customer: { address: '+15551230001' } },
  participant: { participantId: 'p-2b7c', participantType: 'AGENT', agentId: 'ag-7f3a91' },
};

export interface AxpEmulatorOptions {
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  appKey?: string;
  /** Access token lifetime. Default 900 s, as Avaya's auth API answers. */
  tokenLifetimeMs?: number;
  /** Subscription lifetime (expiresIn) granted by create and renew. Default 900 s. */
  subscriptionLifetimeMs?: number;
  /** What push() posts when given nothing. Default AXP_EMULATOR_EVENT. */
  event?: unknown;
}

export interface AxpEmulatorSubscription {
  subscriptionId: string;
  family: string;
  events: string[];
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: number;
  expiresAt: number;
  transport: { type: 'WEBHOOK' | 'WEBSOCKET'; endpoint?: string; authToken?: string; authTokenHeader?: string };
}

export type AxpFault = 401 | 403 | 429 | 503;

export interface AxpCounters {
  tokensIssued: number;
  /** Token requests refused for a wrong appkey or client id/secret. */
  tokensRefused: number;
  subscriptionsCreated: number;
  renewals: number;
  /** Subscriptions that went INACTIVE because nobody renewed them in time. */
  expirations: number;
  deletions: number;
  /** POSTs the pusher made to ACTIVE subscriptions, and each one's HTTP status (0: unreachable). */
  eventsDelivered: number;
  deliveryAnswers: number[];
}

export interface AxpRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  status: number;
  /** The bearer token used (API calls). */
  accessToken?: string;
  body?: unknown;
}

export interface AxpDelivery {
  subscriptionId: string;
  endpoint: string;
  status: number;
}

export interface AxpEmulator {
  /** The API base URL (axpApiUrl). */
  url: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  appKey: string;
  /** Connector options that point the upkeep at this emulator (add authToken). */
  options: { axpApiUrl: string; axpAccountId: string; axpClientId: string; axpClientSecret: string; axpAppKey: string };
  /** Copies of the subscriptions AXP holds now. */
  subscriptions(): AxpEmulatorSubscription[];
  /** Adds a subscription as if someone had created it (ACTIVE, the configured lifetime, unless given). */
  seed(input: Partial<Omit<AxpEmulatorSubscription, 'transport'>> & { transport: AxpEmulatorSubscription['transport'] }): AxpEmulatorSubscription;
  /** POSTs the event to every ACTIVE WEBHOOK subscription asking for it, with its authTokenHeader: authToken. */
  push(event?: unknown): Promise<AxpDelivery[]>;
  controls: {
    /** The next `times` matching requests (default 1; `on` token, api or any) answer `status`. */
    fail(status: AxpFault, options?: { times?: number; on?: 'token' | 'api' | 'any'; retryAfterSeconds?: number }): void;
    /** Forgets every subscription (as if deleted): GET and renew answer 404. */
    forget(): void;
    /** Sets one subscription (default: every one) INACTIVE now. */
    deactivate(subscriptionId?: string): void;
    /** While on, requests get no answer; turning it off answers the held ones. */
    stall(on: boolean): void;
    /** Access tokens issued so far answer 401 from now on. */
    revokeTokens(): void;
    setEvent(event: unknown): void;
  };
  readonly counters: Readonly<AxpCounters>;
  readonly requests: readonly AxpRequest[];
  close(): Promise<void>;
}

const MAX_PAGE_SIZE = 25;
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

export async function startAxpEmulator(options: AxpEmulatorOptions = {}): Promise<AxpEmulator> {
  const account = options.accountId ?? AXP_EMULATOR_DEFAULTS.accountId;
  const client = {
    id: options.clientId ?? AXP_EMULATOR_DEFAULTS.clientId,
    secret: options.clientSecret ?? AXP_EMULATOR_DEFAULTS.clientSecret,
    appKey: options.appKey ?? AXP_EMULATOR_DEFAULTS.appKey,
  };
  const tokenLifetimeMs = options.tokenLifetimeMs ?? 900_000;
  const lifetimeMs = options.subscriptionLifetimeMs ?? 900_000;
  let event: unknown = options.event ?? AXP_EMULATOR_EVENT;
  const tokens = new Map<string, number>();
  const subs = new Map<string, AxpEmulatorSubscription>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const faults: { status: AxpFault; remaining: number; on: 'token' | 'api' | 'any'; retryAfterSeconds?: number }[] = [];
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const requests: AxpRequest[] = [];
  const counters: AxpCounters = {
    tokensIssued: 0, tokensRefused: 0, subscriptionsCreated: 0, renewals: 0, expirations: 0, deletions: 0, eventsDelivered: 0, deliveryAnswers: [],
  };
  let stalled = false;

  /** (Re)starts the lifetime of a subscription: ACTIVE until expiresAt, then INACTIVE unless renewed. */
  const activate = (sub: AxpEmulatorSubscription, until = Date.now() + lifetimeMs) => {
    clearTimeout(timers.get(sub.subscriptionId));
    sub.status = 'ACTIVE';
    sub.expiresAt = until;
    const timer = setTimeout(() => {
      timers.delete(sub.subscriptionId);
      if (subs.get(sub.subscriptionId) !== sub || sub.status !== 'ACTIVE') return;
      sub.status = 'INACTIVE';
      counters.expirations += 1;
    }, Math.max(0, until - Date.now()));
    timer.unref();
    timers.set(sub.subscriptionId, timer);
  };
  const drop = (id: string) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    subs.delete(id);
  };
  // expiresIn to the millisecond (AXP gives whole seconds), so sub-second test lifetimes stay exact.
  const view = (sub: AxpEmulatorSubscription) => ({
    subscriptionId: sub.subscriptionId,
    createdAt: new Date(sub.createdAt).toISOString(),
    expiresAt: new Date(sub.expiresAt).toISOString(),
    expiresIn: sub.status === 'ACTIVE' ? Math.max(0, sub.expiresAt - Date.now()) / 1000 : 0,
    status: sub.status,
    family: sub.family,
    events: [...sub.events],
    transport: { ...sub.transport },
  });
  const error = (status: number, code: string, message: string): Answer => ({ status, body: { code, message } });

  function takeFault(kind: 'token' | 'api'): Answer | undefined {
    const fault = faults.find((f) => f.on === 'any' || f.on === kind);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
    if (fault.status === 401) return kind === 'token' ? { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client credentials' } } : error(401, 'UNAUTHORIZED', 'Invalid token');
    if (fault.status === 403) return error(403, 'FORBIDDEN', 'The client is not allowed to use this resource');
    if (fault.status === 429) return { ...error(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded'), headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) } };
    return error(503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable');
  }

  function token(headers: http.IncomingHttpHeaders, form: URLSearchParams): Answer {
    const fault = takeFault('token');
    if (fault) return fault;
    const ok = headers.appkey === client.appKey && form.get('grant_type') === 'client_credentials' && form.get('client_id') === client.id && form.get('client_secret') === client.secret;
    if (!ok) {
      counters.tokensRefused += 1;
      return { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' } };
    }
    const accessToken = randomBytes(24).toString('base64url');
    tokens.set(accessToken, Date.now() + tokenLifetimeMs);
    counters.tokensIssued += 1;
    const expiresIn = tokenLifetimeMs / 1000;
    return { status: 200, body: { access_token: accessToken, expires_in: expiresIn, refresh_expires_in: expiresIn * 2, refresh_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', scope: 'profile email' } };
  }

  function createBody(body: unknown): AxpEmulatorSubscription | string {
    const b = body as { family?: unknown; events?: unknown; transport?: { type?: unknown; endpoint?: unknown; authToken?: unknown; authTokenHeader?: unknown } } | undefined;
    if (b?.family !== 'AGENT_ENGAGEMENT' && b?.family !== 'ANALYTICS') return 'family must be AGENT_ENGAGEMENT or ANALYTICS';
    if (!Array.isArray(b.events) || !b.events.length || !b.events.every((e) => typeof e === 'string')) return 'events must be a non-empty list of event names';
    const t = b.transport;
    if (t?.type !== 'WEBHOOK' && t?.type !== 'WEBSOCKET') return 'transport.type must be WEBHOOK or WEBSOCKET';
    if (t.type === 'WEBHOOK') {
      if (typeof t.endpoint !== 'string' || !/^https?:\/\//.test(t.endpoint)) return 'transport.endpoint must be a URL';
      if (typeof t.authToken !== 'string' || !t.authToken || t.authToken.length > 256) return 'transport.authToken must be 1-256 characters';
    }
    const now = Date.now();
    return {
      subscriptionId: randomUUID(), family: b.family, events: b.events as string[], status: 'ACTIVE', createdAt: now, expiresAt: now + lifetimeMs,
      transport: t.type === 'WEBHOOK'
        ? { type: 'WEBHOOK', endpoint: t.endpoint as string, authToken: t.authToken as string, authTokenHeader: typeof t.authTokenHeader === 'string' ? t.authTokenHeader : 'auth-token' }
        : { type: 'WEBSOCKET', endpoint: 'wss://emulator.invalid/ws/notification/v1/agent-engagement' },
    };
  }

  function api(method: string, rest: string, query: URLSearchParams, body: unknown): Answer {
    const fault = takeFault('api');
    if (fault) return fault;
    if (rest === '' && method === 'GET') {
      const pageSize = Number(query.get('pageSize') ?? 10);
      const pageNumber = Number(query.get('pageNumber') ?? 1);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) return error(400, 'BAD_REQUEST', `pageSize must be 1-${MAX_PAGE_SIZE}`);
      if (!Number.isInteger(pageNumber) || pageNumber < 1) return error(400, 'BAD_REQUEST', 'pageNumber must be 1 or more');
      const all = [...subs.values()];
      const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(view);
      const link = (n: number) => `${base}/api/notification/v1/accounts/${account}/subscriptions?pageNumber=${n}&pageSize=${pageSize}`;
      const links = { ...(pageNumber > 1 ? { prev: link(pageNumber - 1) } : {}), ...(pageNumber * pageSize < all.length ? { next: link(pageNumber + 1) } : {}) };
      return { status: 200, body: { pagination: { pageNumber, pageSize, total: all.length }, subscriptions: page, links } };
    }
    if (rest === '' && method === 'POST') {
      const sub = createBody(body);
      if (typeof sub === 'string') return error(400, 'BAD_REQUEST', sub);
      subs.set(sub.subscriptionId, sub);
      activate(sub);
      counters.subscriptionsCreated += 1;
      return { status: 201, body: view(sub) };
    }
    const match = /^\/([^/:]+)(:renew)?$/.exec(rest);
    const sub = match ? subs.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match) return error(404, 'NOT_FOUND', 'No such resource');
    if (!sub) return error(404, 'NOT_FOUND', 'Subscription not found');
    if (match[2] && method === 'POST') {
      const authToken = (body as { transport?: { authToken?: unknown } } | undefined)?.transport?.authToken;
      if (authToken !== undefined && (typeof authToken !== 'string' || !authToken || authToken.length > 256)) return error(400, 'BAD_REQUEST', 'transport.authToken must be 1-256 characters');
      if (typeof authToken === 'string' && sub.transport.type === 'WEBHOOK') sub.transport.authToken = authToken;
      activate(sub);
      counters.renewals += 1;
      return { status: 200, body: view(sub) };
    }
    if (!match[2] && method === 'GET') return { status: 200, body: view(sub) };
    if (!match[2] && method === 'DELETE') {
      drop(sub.subscriptionId);
      counters.deletions += 1;
      return { status: 204 };
    }
    return error(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`);
  }

  async function route(req: http.IncomingMessage, text: string): Promise<Answer & { accessToken?: string; body?: unknown; request?: unknown }> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const tokenPath = /^\/api\/auth\/v1\/([^/]+)\/protocol\/openid-connect\/token$/.exec(url.pathname);
    if (tokenPath) {
      if (method !== 'POST') return error(405, 'METHOD_NOT_ALLOWED', 'POST only');
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return { status: 400, body: { error: 'invalid_request', error_description: 'form body expected' } };
      if (decodeURIComponent(tokenPath[1]!) !== account) return { status: 401, body: { error: 'invalid_client', error_description: 'Unknown account' } };
      return token(req.headers, new URLSearchParams(text));
    }
    const apiPath = /^\/api\/notification\/v1\/accounts\/([^/]+)\/subscriptions(.*)$/.exec(url.pathname);
    if (!apiPath) return error(404, 'NOT_FOUND', 'No such resource');
    const accessToken = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const expiresAt = accessToken ? tokens.get(accessToken) : undefined;
    if (req.headers.appkey !== client.appKey) return { ...error(401, 'UNAUTHORIZED', 'Invalid or missing appkey'), ...(accessToken ? { accessToken } : {}) };
    if (!accessToken || expiresAt === undefined || expiresAt <= Date.now()) return { ...error(401, 'UNAUTHORIZED', 'Invalid or expired token'), ...(accessToken ? { accessToken } : {}) };
    if (decodeURIComponent(apiPath[1]!) !== account) return { ...error(403, 'FORBIDDEN', 'The token does not grant this account'), accessToken };
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return { ...error(400, 'BAD_REQUEST', 'The body is not JSON'), accessToken };
      }
    }
    return { ...api(method, apiPath[2]!, url.searchParams, body), accessToken, request: body };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (stalled) await new Promise<void>((resolve) => held.push(resolve));
      const text = Buffer.concat(chunks).toString('utf8');
      const answer = await route(req, text);
      requests.push({
        method: req.method ?? 'GET', path: req.url ?? '/', status: answer.status,
        ...(answer.accessToken ? { accessToken: answer.accessToken } : {}), ...(answer.request !== undefined ? { body: answer.request } : {}),
      });
      if (res.destroyed) return;
      const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...answer.headers });
      res.end(payload);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function push(payload: unknown = event): Promise<AxpDelivery[]> {
    const type = (payload as { eventType?: unknown } | undefined)?.eventType;
    const targets = [...subs.values()].filter(
      (s) => s.status === 'ACTIVE' && s.transport.type === 'WEBHOOK' && (s.events.includes('ALL') || typeof type !== 'string' || s.events.includes(type)),
    );
    return Promise.all(
      targets.map(async (sub) => {
        const { endpoint, authToken, authTokenHeader } = sub.transport as Required<AxpEmulatorSubscription['transport']>;
        let status = 0;
        try {
          const answer = await fetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [authTokenHeader]: authToken },
            body: JSON.stringify(payload),
            signal: AbortSignal.timeout(5_000),
          });
          status = answer.status;
          await answer.arrayBuffer();
        } catch {
          status = 0;
        }
        counters.eventsDelivered += 1;
        counters.deliveryAnswers.push(status);
        return { subscriptionId: sub.subscriptionId, endpoint, status };
      }),
    );
  }

  const copy = (sub: AxpEmulatorSubscription): AxpEmulatorSubscription => ({ ...sub, events: [...sub.events], transport: { ...sub.transport } });

  return {
    url: base,
    accountId: account,
    clientId: client.id,
    clientSecret: client.secret,
    appKey: client.appKey,
    options: { axpApiUrl: base, axpAccountId: account, axpClientId: client.id, axpClientSecret: client.secret, axpAppKey: client.appKey },
    subscriptions: () => [...subs.values()].map(copy),
    seed(input) {
      const now = Date.now();
      const sub: AxpEmulatorSubscription = {
        subscriptionId: input.subscriptionId ?? randomUUID(), family: input.family ?? 'AGENT_ENGAGEMENT', events: input.events ?? ['ALL'],
        status: 'ACTIVE', createdAt: input.createdAt ?? now, expiresAt: input.expiresAt ?? now + lifetimeMs,
        transport: { authTokenHeader: 'auth-token', ...input.transport },
      };
      subs.set(sub.subscriptionId, sub);
      if (input.status === 'INACTIVE') sub.status = 'INACTIVE';
      else activate(sub, sub.expiresAt);
      return copy(sub);
    },
    push,
    controls: {
      fail: (status, { times = 1, on = 'any', retryAfterSeconds } = {}) => {
        faults.push({ status, remaining: times, on, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
      },
      forget: () => {
        for (const id of [...subs.keys()]) drop(id);
      },
      deactivate: (subscriptionId) => {
        for (const sub of subs.values()) {
          if (subscriptionId && sub.subscriptionId !== subscriptionId) continue;
          clearTimeout(timers.get(sub.subscriptionId));
          sub.status = 'INACTIVE';
        }
      },
      stall: (on) => {
        stalled = on;
        if (!on) for (const release of held.splice(0)) release();
      },
      revokeTokens: () => tokens.clear(),
      setEvent: (next) => {
        event = next;
      },
    },
    counters,
    requests,
    async close() {
      for (const timer of timers.values()) clearTimeout(timer);
      for (const release of held.splice(0)) release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
